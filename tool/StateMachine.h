// The model of one lowered ASYNC function: its states, the live-set tree,
// the frame layout and the body of poll. Plain data: the lowering fills it,
// emission prints it and --dump reads it, so the two cannot disagree.
#pragma once

#include "Layout.h"
#include "PollTree.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace asyncc::tool {

// A suspension point: one state of the enum.
struct SuspendState {
  std::string Name;        // Await1, ...
  std::string SourceText;  // co_await read_file("foo.txt")
  unsigned Line = 0;
  unsigned Live = 0;  // live set while suspended here
  std::string Entry;  // where poll's dispatch jumps to resume: resumeN, or the label of a try around it
};

// What is alive is a path in a tree: each construction of a slot with a
// destructor adds a node under the current one.
struct LiveNode {
  std::string Name;     // enumerator of the Live enum, unique
  std::string Path;     // the member it constructs (b0.content), or the parameter's name
  unsigned Parent = 0;  // 0 is the empty set
  std::string Destroy;  // statement that destroys the node's slot
};

struct Parameter {
  std::string Name;
  std::string Type;  // spelled for a member
  bool IsReference = false;
  bool IsRvalueReference = false;  // passed on with std::move, as other values
  bool IsClass = false;            // by value, of class type: the constructor takes it by reference
  // Destroyed when the function completes, after its locals, as a native
  // coroutine's parameter copies are: the state machine destroys it.
  bool DestroyedOnCompletion = false;
};

struct LoweredFunction {
  std::string Name;        // example
  std::string FutureName;  // example_future
  std::string OutputType;  // the T of Async<T>
  std::string WrapperHead; // `example(std::size_t min_len)`: the original declarator
  std::string LeadingAttributes;  // written before the specifiers: `[[nodiscard]]`
  // Methods: the class, qualified; the type `self` points to (empty for a
  // static method); defined outside the class body.
  std::string ClassName;
  std::string SelfType;
  bool IsStatic = false;
  bool OutOfLine = false;
  bool InlineSpecified = false;  // of an out-of-line definition
  std::string TrailingQualifiers;  // after the parameters: `const`, `noexcept`
  // The names of the generated struct that are not numbered (live, cx,
  // State, Output...) stand in the lowered text after a '\037' marker;
  // emission spells each as itself, or as given here when the function
  // writes that name itself (live_).
  std::map<std::string, std::string> GeneratedNames;
  // An ASYNC lambda: the lambda stays, with a body that declares the
  // future's struct and returns it. LambdaHead is its introducer and
  // parameters; the captures come first in Params, as references to the
  // closure's own (as the native coroutine reaches them through it).
  bool IsLambda = false;
  std::string LambdaHead;
  // A specialization of an ASYNC function template: its struct is the
  // explicit specialization `FutureName<TemplateArgs>`, which first names
  // the template's parameters (`using T = int;`) for the copied body.
  bool Specialization = false;
  // A specialization of a member template: the struct is the explicit
  // specialization `ClassName::FutureName<TemplateArgs>`.
  bool MemberTemplate = false;
  std::string TemplateArgs;                  // <int, 3>
  std::vector<std::string> TemplateAliases;  // using T = int;
  // The function calls itself (through asyncc::boxed): its struct's poll
  // needs the function declared before the struct.
  bool Recursive = false;
  std::string File;
  unsigned Line = 0;
  std::vector<Parameter> Params;
  std::vector<SuspendState> States;
  std::vector<LiveNode> Live;  // Live[0] is the empty set
  unsigned StartLive = 0;      // alive before the first poll: parameters
  LayoutNode Frame;            // the top union
  PollNode Body;                      // poll's body, as a tree (PollTree.h)
  bool ResumesInsideTry = false;      // poll keeps the state being resumed in `resuming`
  // Types declared in the body (local classes, enums, aliases), as written:
  // members of the future's struct, so that the frame can name them.
  std::vector<std::string> LocalTypes;
  // Lambdas kept in the frame: each is made by a function defined before
  // the struct, whose return type names the closure's type there.
  std::vector<std::string> LambdaFactories;

  // Measured on the emitted struct by Clang (Measure.h), for --dump; empty
  // when it was not measured.
  std::optional<std::uint64_t> FutureSize;           // sizeof the future
  std::map<std::string, std::uint64_t> MemberSizes;  // by member path: b0.content
};

} // namespace asyncc::tool
