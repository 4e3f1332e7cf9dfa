#include "Diagnostics.h"

#include <iterator>
#include <string>

using namespace clang;

namespace asyncc::tool {
namespace {

struct DiagInfo {
  Diag Id;
  DiagnosticsEngine::Level Level;
  const char *Problem;  // what is refused, and why
  const char *Rewrite;  // what to write instead; empty when nothing helps
};

// %0 and %1 are the arguments the report streams in.
constexpr DiagInfo Table[] = {
    {Diag::NotAsyncReturn, DiagnosticsEngine::Error, "an ASYNC function must return asyncc::Async<T>", ""},
    {Diag::MemberTemplate, DiagnosticsEngine::Error,
     "asyncc supports an ASYNC member template of a class at namespace scope that is not a template, defined in the "
     "class or after it, and awaited only by ASYNC functions defined after its specializations (which follow the "
     "class, or stand where it is defined outside the class)",
     "make it a free function template that takes the object, or await it from a function defined after the "
     "class and the member template's definition"},
    {Diag::TemplateParameterKind, DiagnosticsEngine::Error,
     "asyncc supports ASYNC function templates with type and integer parameters", ""},
    {Diag::TemplateParameterPack, DiagnosticsEngine::Error,
     "asyncc supports ASYNC function templates whose parameters are named, and not packs", ""},
    {Diag::UnsupportedMethod, DiagnosticsEngine::Error,
     "asyncc supports ASYNC methods of a named class that is not local to a function",
     "move the class out of the function, or call a free ASYNC function from this one"},
    {Diag::HoldsOwnClass, DiagnosticsEngine::Error,
     "this ASYNC method holds a value of '%0', which its future, a member struct, may keep; there '%0' is not "
     "complete, and asyncc defines the struct after the class only for a class at namespace scope",
     "hold it through a pointer (std::unique_ptr), or make this a free ASYNC function"},
    {Diag::VirtualMethod, DiagnosticsEngine::Error,
     "asyncc supports a virtual ASYNC method defined in its class, of a class that is not a template, whose "
     "future is defined there (not one that awaits a member template of the class or keeps a lambda using it)",
     "define a virtual method that returns a non-virtual ASYNC method's future as asyncc::Async<T>, after the "
     "class"},
    {Diag::ClassTemplateMethodOutOfLine, DiagnosticsEngine::Error,
     "asyncc transforms an ASYNC method of a class template defined outside the class only when the class, in "
     "the same file, declares it once, and the definition has one template head",
     "move the definition into the class"},
    {Diag::OutOfLineMethodClass, DiagnosticsEngine::Error,
     "asyncc transforms an out-of-line ASYNC method only when its class, declared once in the same file, is "
     "defined in the file being transformed",
     ""},
    {Diag::DeclaredTwice, DiagnosticsEngine::Error,
     "asyncc rewrites a separate declaration of an ASYNC function only at namespace scope of the file that defines "
     "it (not in another file, nor as a friend or a template)",
     "remove this declaration and define the function before its first use"},
    {Diag::CalledBeforeFuture, DiagnosticsEngine::Error,
     "'%0' is called before its future's struct is defined: the struct, whose members the body decides, is "
     "defined with the body (or at its first declaration, when the body names nothing declared after that)",
     "move the definition of '%0' above this call"},
    {Diag::CalledInClass, DiagnosticsEngine::Error,
     "'%0' is called in its class, which its future's struct follows: the struct needs the specializations of the "
     "class's ASYNC member templates, which follow the class",
     "call '%0' from an ASYNC method or from a function defined after the class"},
    {Diag::GenericVersions, DiagnosticsEngine::Error,
     "asyncc makes one state machine of '%0' for all the lambdas (and local classes) passed to it with the same "
     "other arguments, and two of them need different ones (their calls return values of different types)",
     "pass one of them as a named function object, or wrap them in std::function"},
    {Diag::TrailingReturn, DiagnosticsEngine::Error,
     "asyncc does not support a trailing return type on an ASYNC function", "write asyncc::Async<T> before the name"},
    {Diag::UnnamedParameter, DiagnosticsEngine::Error,
     "asyncc cannot name this unnamed parameter, which the function's future keeps by name",
     "give the parameter a name"},
    {Diag::NotCoroutine, DiagnosticsEngine::Error,
     "an ASYNC function must be a coroutine (use co_await or co_return)", ""},
    {Diag::FunctionTryBlock, DiagnosticsEngine::Error,
     "a function-try-block on an ASYNC function is not supported by asyncc v1", "put the try inside the body"},
    {Diag::LambdaInAsync, DiagnosticsEngine::Error,
     "an ASYNC lambda inside a lambda or a local class of an ASYNC function is not supported by asyncc",
     "write it directly in the ASYNC function's body, or outside the function"},
    {Diag::GenericLambda, DiagnosticsEngine::Error,
     "asyncc supports a generic ASYNC lambda whose 'auto' parameters are not packs, without a template parameter "
     "list of its own (C++20: the output is C++17)",
     "write the lambda's parameters with their types, or make it an ASYNC function template"},
    {Diag::TemplatedLambda, DiagnosticsEngine::Error,
     "asyncc supports an ASYNC lambda in a template whose parameters are named types or integers, not packs, of a "
     "template that is not partially specialized",
     "make the lambda an ASYNC function template"},
    {Diag::LambdaWithoutExpression, DiagnosticsEngine::Error,
     "asyncc transforms an ASYNC lambda where its expression stands, which it cannot find for this call operator",
     "make it an ASYNC function"},
    {Diag::DeclarationWithoutBody, DiagnosticsEngine::Error,
     "ASYNC on a declaration without a body: asyncc transforms definitions", "define '%0' in this file"},
    {Diag::AsyncWithoutAnnotation, DiagnosticsEngine::Warning,
     "'%0' returns asyncc::Async but is not annotated ASYNC: it stays a native C++20 coroutine (add ASYNC to "
     "transform it)",
     ""},
    {Diag::SystemHeaderAwait, DiagnosticsEngine::Error,
     "'%0' is an ASYNC function of a system header, which is not transformed: its future '%0_future' would not "
     "exist",
     "transform that header as one of the project's (include it with -I, not -isystem), or await it from a "
     "function that is not ASYNC"},
    {Diag::SystemHeaderAwaitNote, DiagnosticsEngine::Note, "defined here", ""},
    {Diag::DanglingAsyncLambda, DiagnosticsEngine::Warning,
     "this ASYNC lambda's closure is destroyed at the end of the full-expression, but the future it returns refers "
     "to its captures and outlives it",
     "pass the lambda itself, spawn([..] ASYNC (..) {..}), which keeps the closure alive with its future"},

    {Diag::CoYield, DiagnosticsEngine::Error,
     "'co_yield' is not supported in an ASYNC function: an async function completes once",
     "use a channel or a stream to produce several values"},
    {Diag::ComputedGoto, DiagnosticsEngine::Error, "a computed 'goto' is not supported in an ASYNC function", ""},
    {Diag::GotoAcrossFrame, DiagnosticsEngine::Error,
     "this 'goto' enters a 'switch', or a loop whose condition awaits, across a 'co_await' or a variable stored in "
     "the async frame, which asyncc does not support",
     "jump to a label outside that statement"},
    {Diag::NestedCase, DiagnosticsEngine::Error,
     "a 'case' label inside a loop whose condition awaits is not supported with 'co_await' or 'co_return' in the "
     "switch",
     "await in the loop's body, or put the label outside the loop"},
    {Diag::StatementExpression, DiagnosticsEngine::Error,
     "'co_await' inside a statement expression is not supported", ""},
    {Diag::NotAVariable, DiagnosticsEngine::Error, "asyncc v1 supports only variable declarations here", ""},
    {Diag::IfConstexprCondition, DiagnosticsEngine::Error,
     "asyncc cannot evaluate the condition of this 'if constexpr'", ""},
    {Diag::UnsupportedStatement, DiagnosticsEngine::Error,
     "this statement (%0) cannot contain 'co_await' or 'co_return' in asyncc v1", ""},
    {Diag::LocalTypeTwice, DiagnosticsEngine::Error,
     "two types declared in this async function are named '%0'; asyncc makes them members of one struct",
     "rename one"},

    {Diag::FrameVariableInMacro, DiagnosticsEngine::Error,
     "a variable stored in the async frame is named inside a macro expansion; asyncc cannot rename it there",
     "expand the macro by hand"},
    {Diag::AwaitInMacro, DiagnosticsEngine::Error, "'co_await' inside a macro expansion is not supported",
     "expand the macro by hand"},

    {Diag::UnnamedType, DiagnosticsEngine::Error,
     "%0 has a type that cannot be named outside the function (a lambda, an unnamed class, or a class local to "
     "another function); asyncc cannot store it in the frame",
     "keep it out of the scope of any co_await, or give it a named type"},
    {Diag::StructuredBinding, DiagnosticsEngine::Error,
     "asyncc keeps a structured binding in the frame only when it names a member, an array element or what a "
     "get<i> with a constant index returns",
     "declare a variable and use std::get or an index"},
    {Diag::LambdaCapturesFrame, DiagnosticsEngine::Error,
     "asyncc cannot rewrite this capture of '*this': its text is not written in the lambda",
     "write the capture '[*this]' in the lambda itself, not through a macro"},
    {Diag::AsyncVariable, DiagnosticsEngine::Error,
     "asyncc keeps an Async<T> in the frame only when it is initialized: its type is that of the future it is "
     "made from",
     "initialize it where it is declared"},
    {Diag::ArrayVariable, DiagnosticsEngine::Error,
     "asyncc stores an array in the frame only when its size is a constant and it is initialized by braces or not "
     "at all",
     "use std::array"},
    {Diag::ReferenceToTemporary, DiagnosticsEngine::Error,
     "a reference that keeps a temporary alive through '?:', ',' or '.*', whose scope contains a 'co_await', is not "
     "supported by asyncc",
     "declare the variable by value, or bind it to a member of one temporary"},
    {Diag::TemporaryReference, DiagnosticsEngine::Error,
     "a temporary bound to a reference here must live until the await ends, which asyncc v1 cannot do",
     "store it in a local variable first and pass that"},
    {Diag::TemporaryDestructor, DiagnosticsEngine::Error,
     "this temporary's destructor would run before the await ends instead of after it",
     "store it in a local variable first and pass that"},
    {Diag::DefaultArgumentTemporary, DiagnosticsEngine::Error,
     "a default argument of this call makes a temporary that must live until the await ends, and asyncc "
     "can make it at the call only from a default whose names it can spell there (not a member that is not "
     "public, an overloaded function, a lambda, an operator call or a macro)",
     "pass the argument explicitly"},
    {Diag::ConstructorDefaultTemporary, DiagnosticsEngine::Error,
     "a default argument of the constructor that makes this object makes a temporary that must live until the "
     "await ends, and asyncc can pass it only in the parentheses or braces written (not in braces that could "
     "choose an initializer-list constructor)",
     "pass the argument explicitly"},
    {Diag::BracedListArray, DiagnosticsEngine::Error,
     "the array of this braced list must live until the await ends, which asyncc cannot keep",
     "make what the list initializes in a local variable first and pass that"},
    {Diag::ArgumentDestructor, DiagnosticsEngine::Error,
     "this argument's destructor would run before the await ends instead of after it: only an ASYNC function's "
     "future can be made from an argument kept in the frame",
     "make the future in a local variable first (auto f = ...;), then await std::move(f)"},
    {Diag::FutureType, DiagnosticsEngine::Error,
     "asyncc cannot spell the type of this value, which holds the future of an ASYNC function: it is made by a "
     "call through a pointer or a call with explicit template arguments",
     "call a function with deduced arguments, or await the futures separately"},
    {Diag::LambdaFutureType, DiagnosticsEngine::Error,
     "asyncc cannot name the type of this ASYNC lambda's future: its closure is neither the lambda written here, "
     "a variable of this function that the lambda initializes, nor a variable at namespace scope declared before "
     "this function",
     "call the lambda through the variable it initializes"},
    {Diag::UnevaluatedInstantiation, DiagnosticsEngine::Error,
     "asyncc makes a future for every instantiation of an ASYNC template, so it compiles the body of this one, "
     "which C++ only names here, in an unevaluated operand; that body does not compile for these arguments",
     "name it only with arguments its body accepts, or constrain the template (std::enable_if) to exclude them"},
    {Diag::EvaluatedBefore, DiagnosticsEngine::Error,
     "this is evaluated before a 'co_await' of the same expression, and asyncc cannot keep its value across the "
     "suspension",
     "compute it into a local variable in a statement of its own"},
    {Diag::AwaitsItself, DiagnosticsEngine::Error,
     "an async function cannot await itself directly: its future would contain itself and have infinite size",
     "await asyncc::boxed(...) of the call, which keeps it on the heap"},
    {Diag::AwaitedDefinedLater, DiagnosticsEngine::Error,
     "asyncc needs the definition of the awaited async function '%0' before this function, in this file or in a "
     "header it includes",
     "move it above this function (for mutual recursion, await asyncc::boxed(...) of the call)"},
};

const DiagInfo &infoOf(Diag Id) {
  for (const DiagInfo &I : Table)
    if (I.Id == Id)
      return I;
  llvm_unreachable("a diagnostic missing from the table");
}

} // namespace

std::string messageOf(Diag Id) {
  const DiagInfo &I = infoOf(Id);
  std::string Text = I.Problem;
  if (*I.Rewrite)
    Text += std::string("; ") + I.Rewrite;
  return Text;
}

DiagnosticBuilder report(ASTContext &Ctx, Diag Id, SourceLocation Loc) {
  DiagnosticsEngine &Diags = Ctx.getDiagnostics();
  auto Level = static_cast<DiagnosticIDs::Level>(infoOf(Id).Level);
  return Diags.Report(Loc, Diags.getDiagnosticIDs()->getCustomDiagID(Level, messageOf(Id)));
}

} // namespace asyncc::tool
