// Emission: the model of a lowered async function -> C++17 source text.
#pragma once

#include "StateMachine.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace asyncc::tool {

struct EmissionOptions {
  // #line directives in poll, so that diagnostics and debuggers show the
  // lines of the input for code that comes from the async body.
  bool LineDirectives = true;
  // The input as #line names it.
  std::string SourcePath;
};

// The line that ends the body's #line directives: the output stage replaces
// it with a #line naming the output file and the line that follows it.
inline constexpr const char *ReturnToOutputLine = "#line 1 \"<asyncc-output>\"";

// A #line directive naming Line of Path.
std::string lineDirective(unsigned Line, llvm::StringRef Path);

// The future struct and the function that makes it, replacing the ASYNC
// function's definition.
std::string emitFuture(const LoweredFunction &F, const EmissionOptions &Options = {});

// An ASYNC lambda: its head, then a body that declares the future's struct
// and returns it. A templated lambda (generic, or in a template) has one
// version per instantiation, each chosen by `if constexpr` on its
// condition: the same text is then every instantiation's.
std::string emitLambda(const LoweredLambda &Lambda, const EmissionOptions &Options = {});

// Whether F's struct is defined in its class (a method's, not out of line
// nor a template's specialization): what must be at namespace scope, its
// lambdas' factories, then goes before the class (emitLambdaFactories).
inline bool structInClass(const LoweredFunction &F) {
  return !F.ClassName.empty() && !F.OutOfLine && !F.Specialization;
}
std::string emitLambdaFactories(const LoweredFunction &F, const EmissionOptions &Options);

// The two parts of emitFuture, for a function whose struct is defined at its
// first declaration, so that calls before the body find it complete: the
// struct, and the wrapper that goes where the body was.
std::string emitFutureStruct(const LoweredFunction &F, const EmissionOptions &Options = {});
std::string emitWrapper(const LoweredFunction &F);

// What the wrapper of an ASYNC template needs of its pattern: a function
// template, or a method defined in a class template.
struct TemplateWrapper {
  std::string Name;          // f
  std::string Future;        // f_future (f_future_2 for a second overload)
  std::string ClassName;     // Box, for a method of a class template
  std::string Head;          // template <class T>
  std::string Declarator;    // f(T x, int n = 3): as written, default arguments too
  std::string Parameters;    // f(T x, int n): types and names only
  std::string Arguments;     // std::move(x), n: what the future's constructor takes
  std::string TemplateArgs;  // <T>
  bool IsStatic = false;
  std::string Qualifiers;    // of a method: " const &"
  // A member template of a class (ClassName): its struct and the method are
  // templates of their own.
  bool MemberTemplate = false;
};

// An ASYNC function template: the struct template, declared; its explicit
// specialization for each instantiation (Specializations, lowered like
// functions); then the function template that makes the future.
std::string emitFunctionTemplate(const TemplateWrapper &W, const std::vector<LoweredFunction> &Specializations,
                                 const EmissionOptions &Options);

// An ASYNC method defined in a class template, or an ASYNC member template
// of a class (W.MemberTemplate): in the class, the future's
// struct is declared and the method returns it (emitMethodDeclaration);
// after the class, an explicit specialization of that struct for each
// specialization of the class, and the method, defined once for all.
std::string emitMethodDeclaration(const TemplateWrapper &W);
std::string emitClassTemplateMethod(const TemplateWrapper &W, const std::vector<LoweredFunction> &Specializations,
                                    const EmissionOptions &Options);

// What replaces the declaration in the class of an out-of-line ASYNC
// method, up to its name: the future's struct, declared, and its type,
// after the declaration's own Attributes.
std::string emitOutOfLineDeclaration(const LoweredFunction &F, const std::string &Attributes);

// Text in an unnamed namespace: what a `static` ASYNC function emits keeps
// its internal linkage there (two files' static functions of one name
// would otherwise define one struct and one inline wrapper twice).
std::string inUnnamedNamespace(const std::string &Text);

} // namespace asyncc::tool
