#include "Layout.h"

#include <algorithm>

namespace asyncc::tool {

std::string LayoutBuilder::addSlotTo(const Open &Where, const std::string &Name, const std::string &Type,
                                     const std::string &Comment, bool Own) {
  std::string Unique = Name;
  for (unsigned N = 2; Taken.count(Unique) || (Reserved.count(Unique) && !(Own && Unique == Name)); ++N)
    Unique = Name + "_" + std::to_string(N);
  Taken.insert(Unique);
  FrameSlot Slot;
  Slot.Name = Unique;
  Slot.Type = Type;
  Slot.Comment = Comment;
  Slot.From = next();
  Scopes[Where.Scope].Slots.push_back(Slots.size());
  Slots.push_back(std::move(Slot));
  return Unique + ".value";
}

static FrameSlot *named(std::vector<FrameSlot> &Slots, const std::string &Path) {
  auto It = std::find_if(Slots.begin(), Slots.end(), [&](const FrameSlot &S) { return S.Name + ".value" == Path; });
  return It == Slots.end() ? nullptr : &*It;
}

void LayoutBuilder::begin(const std::string &Path) {
  if (FrameSlot *Slot = named(Slots, Path))
    Slot->From = next();
}

void LayoutBuilder::end(const std::string &Path) {
  if (FrameSlot *Slot = named(Slots, Path); Slot && !Slot->To)
    Slot->To = next();
}

void LayoutBuilder::open() {
  Scopes[Opened.back().Scope].Children.push_back(Scopes.size());
  Opened.push_back({Scopes.size()});
  Scopes.emplace_back();
}

void LayoutBuilder::endScope(const Open &Where) {
  unsigned At = next();
  std::vector<size_t> Pending{Where.Scope};
  while (!Pending.empty()) {
    const Scope &S = Scopes[Pending.back()];
    Pending.pop_back();
    for (size_t I : S.Slots)
      if (!Slots[I].To)
        Slots[I].To = At;
    Pending.insert(Pending.end(), S.Children.begin(), S.Children.end());
  }
}

unsigned LayoutBuilder::finish() {
  endScope({0});
  return next();
}

} // namespace asyncc::tool
