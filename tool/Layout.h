// layout: the values the frame stores and when each is alive. The emitted
// struct lists them with their lifetimes (asyncc::detail::Frame, in
// runtime/include/asyncc/frame_layout.hpp), and the compiler gives each the
// first offset that no value alive at the same time uses.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace asyncc::tool {

// One stored value: a member of the frame's union. From and To number the
// points of poll's code in order: the value is made after From and dead
// before To, so values whose ranges do not overlap may share bytes.
struct FrameSlot {
  std::string Name;     // member name, unique in the frame
  std::string Type;
  std::string Comment;  // where the value comes from
  unsigned From = 0;
  unsigned To = 0;
};

// Builds the slots as the lowering meets scopes and values. A slot ends
// when it is ended, or when the scope it was added to closes; a scope ends
// the slots of the scopes it holds.
class LayoutBuilder {
public:
  explicit LayoutBuilder(std::vector<FrameSlot> &Slots) : Slots(Slots) { Scopes.push_back({}); Opened.push_back({0}); }

  // A scope, by its index: what its slots live as long as.
  struct Open {
    size_t Scope = 0;
  };

  // Names no slot may take (the parameters and other members, and the
  // names the function writes): a slot is named after them only when it
  // is the variable they name.
  void reserve(const std::string &Name) { Reserved.insert(Name); }

  // Adds a slot, alive from now until the scope Where (or the innermost)
  // ends. Its member is named Name, or Name_2, _3, ... if another slot has
  // it; a name in Reserved is taken only if Own (the variable's own).
  // Returns the path of its value: `name.value`.
  std::string addSlot(const std::string &Name, const std::string &Type, const std::string &Comment) {
    return addSlotTo(Opened.back(), Name, Type, Comment);
  }
  std::string addSlotTo(const Open &Where, const std::string &Name, const std::string &Type,
                        const std::string &Comment, bool Own = false);
  // The value at Path is made only now (after what its initializer awaited).
  void begin(const std::string &Path);
  // The value at Path is gone.
  void end(const std::string &Path);
  // A member name no slot may take (a parameter's).
  void claim(const std::string &Name) { Taken.insert(Name); }

  // Opens a scope inside the innermost: what is added to it ends with it.
  void open();
  // Closes the innermost scope, ending its slots (and its scopes').
  void close() {
    endScope(Opened.back());
    Opened.pop_back();
  }
  // Closes the innermost scope, leaving its slots alive until endScope.
  void closeKeeping() { Opened.pop_back(); }
  // Ends the slots of Where and of the scopes opened inside it.
  void endScope(const Open &Where);
  const Open &innermost() const { return Opened.back(); }

  // Where the variables of the scope being lowered go: the innermost scope
  // when the scope began.
  void pushHome() { Homes.push_back(Opened.back()); }
  void popHome() { Homes.pop_back(); }
  const Open &home() const { return Homes.back(); }
  // A scope that stores values: its variables live in it until it ends.
  void openScope() {
    open();
    pushHome();
  }
  // Ends the scope: its nested scopes, itself.
  void closeScope() {
    close();
    close();
    popHome();
  }
  // No scope opened yet: the next block is the function's own.
  bool atTop() const { return Opened.size() == 1 && Homes.empty(); }

  // Ends every slot still alive (the body's variables, which live to the
  // end); returns the point after the last, where the state's range ends.
  unsigned finish();

private:
  unsigned next() { return ++Point; }

  struct Scope {
    std::vector<size_t> Slots;     // indices into Slots
    std::vector<size_t> Children;  // indices into Scopes
  };
  std::vector<FrameSlot> &Slots;
  std::vector<Scope> Scopes;
  std::vector<Open> Opened;
  std::vector<Open> Homes;
  std::set<std::string> Reserved;
  std::set<std::string> Taken;
  unsigned Point = 0;
};

} // namespace asyncc::tool
