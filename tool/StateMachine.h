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
  std::string Path;     // the member it constructs (content.value), or the parameter's name
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

struct LoweredFunction;

// An ASYNC lambda written in an ASYNC function's body: the versions of its
// future, one per instantiation (one for a lambda that is not templated),
// emitted where the body's text holds its placeholder (nestedLambdaMark).
struct LoweredLambda {
  std::string Head;  // its text up to its body: the captures (unless the text around writes them), the parameters, `mutable`
  std::vector<LoweredFunction> Versions;
};

// What stands in poll's text, or a lambda factory's, for the lambda
// NestedLambdas[Index]: emission puts the lambda's text there.
inline std::string nestedLambdaMark(size_t Index) { return "\036" + std::to_string(Index) + "\036"; }

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
  // An ASYNC lambda capturing `this` lowered with the function holding it:
  // its capture is renamed `self` (`[self = self]`), which the wrapper passes.
  bool SelfCaptured = false;
  bool IsStatic = false;
  // A virtual method returns its future boxed, as the type it is declared
  // to return (`asyncc::Async<int>`); `virtual` is kept when written.
  std::string VirtualReturn;
  bool VirtualWritten = false;
  bool OutOfLine = false;
  bool InlineSpecified = false;  // of an out-of-line definition
  std::string TrailingQualifiers;  // after the parameters: `const`, `noexcept`
  // The names of the generated struct that are not numbered (live, cx,
  // State, Output...) stand in the lowered text after a '\037' marker;
  // emission spells each as itself, or as given here when the function
  // writes that name itself (live_).
  std::map<std::string, std::string> GeneratedNames;
  // An ASYNC lambda: the lambda stays, with a body that declares the
  // future's struct and returns it. Its head is LambdaIntroducer (the
  // captures, as the emitted code writes them) then LambdaSignature (the
  // parameters, `mutable`); the captures come first in Params, as
  // references to the closure's own (as the native coroutine reaches them
  // through it). One version of a templated lambda (generic, or in a
  // template) is chosen by LambdaCondition, a constant expression on the
  // types of its instantiation.
  bool IsLambda = false;
  std::string LambdaIntroducer;
  std::string LambdaSignature;
  std::string LambdaCondition;
  // A specialization of an ASYNC function template: its struct is the
  // explicit specialization `FutureName<TemplateArgs>`, which first names
  // the template's parameters (`using T = int;`) for the copied body.
  bool Specialization = false;
  // A specialization of a member template: the struct is the explicit
  // specialization `ClassName::FutureName<TemplateArgs>`.
  bool MemberTemplate = false;
  std::string TemplateArgs;                  // <int, 3>
  std::vector<std::string> TemplateAliases;  // using T = int;
  // A specialization whose arguments C++ cannot name outside the function
  // that made them (a lambda's closure, a local class) is a partial
  // specialization, or the template's definition, on those parameters:
  // `template <class F>`; the body spells those types by their names.
  std::string GenericHead;
  // The function calls itself (through asyncc::boxed): its struct's poll
  // needs the function declared before the struct.
  bool Recursive = false;
  std::string File;
  unsigned Line = 0;
  std::vector<Parameter> Params;
  std::vector<SuspendState> States;
  std::vector<LiveNode> Live;  // Live[0] is the empty set
  unsigned StartLive = 0;      // alive before the first poll: parameters
  std::vector<FrameSlot> Frame;  // the stored values, in the order they are made
  unsigned FrameEnd = 0;         // the point after the last: where the state's range ends
  PollNode Body;                      // poll's body, as a tree (PollTree.h)
  // Locals of poll, declared before its dispatch: the sites that poll the
  // futures of several awaits of one type (type, name).
  std::vector<std::pair<std::string, std::string>> SharedPolls;
  bool ResumesInsideTry = false;      // poll keeps the state being resumed in `resuming`
  // Types declared in the body (local classes, enums, aliases), as written:
  // members of the future's struct, so that the frame can name them.
  std::vector<std::string> LocalTypes;
  // Lambdas kept in the frame: each is made by a function defined before
  // the struct, whose return type names the closure's type there.
  std::vector<std::string> LambdaFactories;
  // A method whose struct follows its class (afterClassDepth): its factories
  // are static members, declared in the class (`static auto f(...);`).
  std::vector<std::string> LambdaFactoryDeclarations;
  // ASYNC lambdas of the body, lowered with it.
  std::vector<LoweredLambda> NestedLambdas;

  // Measured on the emitted struct by Clang (Measure.h), for --dump; empty
  // when it was not measured.
  std::optional<std::uint64_t> FutureSize;           // sizeof the future
  std::map<std::string, std::uint64_t> MemberSizes;    // by member path: await1.value
  std::map<std::string, std::uint64_t> MemberOffsets;  // in the future, by member path
};

} // namespace asyncc::tool
