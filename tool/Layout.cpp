#include "Layout.h"

namespace asyncc::tool {

void forEachSlot(const LayoutNode &N, const std::function<void(const std::string &, const LayoutNode &)> &Fn,
                 const std::string &Prefix) {
  if (N.NodeKind == LayoutNode::Slot) {
    Fn(Prefix + N.Name, N);
    return;
  }
  std::string Inner = N.NodeKind == LayoutNode::Struct && !N.Name.empty() ? Prefix + N.Name + "." : Prefix;
  for (const LayoutNode &C : N.Children)
    forEachSlot(C, Fn, Inner);
}

LayoutNode &LayoutBuilder::resolve(const std::vector<size_t> &Path) {
  LayoutNode *N = &Top;
  for (size_t I : Path)
    N = &N->Children[I];
  return *N;
}

LayoutBuilder::Open LayoutBuilder::child(const Open &Parent, LayoutNode Node, const std::string &Prefix) {
  LayoutNode &P = resolve(Parent.Path);
  P.Children.push_back(std::move(Node));
  Open O{Parent.Path, Prefix};
  O.Path.push_back(P.Children.size() - 1);
  return O;
}

std::string LayoutBuilder::addSlotTo(const Open &Where, const std::string &Name, const std::string &Type,
                                     const std::string &Comment) {
  LayoutNode Slot;
  Slot.NodeKind = LayoutNode::Slot;
  Slot.Name = Name;
  Slot.Type = Type;
  Slot.Comment = Comment;
  resolve(Where.Path).Children.push_back(std::move(Slot));
  return Where.Prefix + Name;
}

void LayoutBuilder::openStruct(const std::string &Name) {
  LayoutNode S;
  S.NodeKind = LayoutNode::Struct;
  S.Name = Name;
  Opened.push_back(child(Opened.back(), std::move(S), Opened.back().Prefix + Name + "."));
}

void LayoutBuilder::openAlternatives() {
  LayoutNode U;
  U.NodeKind = LayoutNode::Union;
  Opened.push_back(child(Opened.back(), std::move(U), Opened.back().Prefix));
}

} // namespace asyncc::tool
