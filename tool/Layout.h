// layout: the frame's storage tree. Values alive at the same time are
// members of one struct; what never coexists shares bytes in a union.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace asyncc::tool {

// A node of the frame layout: a struct (members coexist), a union (members
// share bytes) or a slot (one stored value).
struct LayoutNode {
  enum Kind { Struct, Union, Slot } NodeKind = Struct;
  std::string Name;     // member name; empty for the anonymous top union
  std::string Type;     // slots only
  std::string Comment;  // where the slot comes from
  std::vector<LayoutNode> Children;
};

// Calls Fn on each slot under N with its member path (b0.content): a named
// struct adds its name; unions and the top struct are anonymous.
void forEachSlot(const LayoutNode &N, const std::function<void(const std::string &Path, const LayoutNode &)> &Fn,
                 const std::string &Prefix = "");

// Builds the layout as the lowering meets scopes: a scope opens a struct for
// its values, beside a union of what its nested scopes and awaits store,
// which never coexists.
class LayoutBuilder {
public:
  explicit LayoutBuilder(LayoutNode &Top) : Top(Top) { Opened.push_back({{}, ""}); }

  // A node being built, by its path of child indices from the top (children
  // vectors grow while nodes are open, so no pointers), and the prefix of
  // its members' paths.
  struct Open {
    std::vector<size_t> Path;
    std::string Prefix;  // ending with '.' if not empty
  };

  // Adds a slot to the innermost open node, or to Where; returns its member
  // path.
  std::string addSlot(const std::string &Name, const std::string &Type, const std::string &Comment) {
    return addSlotTo(Opened.back(), Name, Type, Comment);
  }
  std::string addSlotTo(const Open &Where, const std::string &Name, const std::string &Type,
                        const std::string &Comment);
  // Opens a named struct inside the innermost node.
  void openStruct(const std::string &Name);
  // Opens a union for what never coexists below the innermost struct.
  void openAlternatives();
  void close() { Opened.pop_back(); }
  const Open &innermost() const { return Opened.back(); }

  // Where the variables of the scope being lowered go: the innermost node
  // when the scope began.
  void pushHome() { Homes.push_back(Opened.back()); }
  void popHome() { Homes.pop_back(); }
  const Open &home() const { return Homes.back(); }
  // A scope that stores values: a struct for them, their home until the
  // scope ends; then (openAlternatives) a union of what its nested scopes
  // and awaits store, which never coexists.
  void openScope(const std::string &Name) {
    openStruct(Name);
    pushHome();
  }
  // Ends the scope: its union, its struct.
  void closeScope() {
    close();
    close();
    popHome();
  }
  // No scope opened yet: the next block is the function's own.
  bool atTop() const { return Opened.size() == 1 && Homes.empty(); }

private:
  LayoutNode &resolve(const std::vector<size_t> &Path);
  Open child(const Open &Parent, LayoutNode Node, const std::string &Prefix);

  LayoutNode &Top;
  std::vector<Open> Opened;
  std::vector<Open> Homes;
};

} // namespace asyncc::tool
