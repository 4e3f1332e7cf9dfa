// find: the ASYNC definitions of a translation unit, the one predicate that
// says whether a function is ASYNC, and the one place that names its future.
#pragma once

#include "Model.h"

#include "clang/Tooling/Tooling.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class AnnotateAttr;
class CXXTryStmt;
class ASTContext;
class CXXMethodDecl;
class CXXRecordDecl;
class Decl;
class FunctionDecl;
class LambdaExpr;
} // namespace clang

namespace asyncc::tool {

// The annotation the functions written with ASYNC carry (see AsyncMarks.h).
inline constexpr llvm::StringLiteral AsyncAnnotation = "asyncc::async";

// The ASYNC function definitions of Ctx's main file, in source order.
// Declarations without a body are not listed: there is nothing to transform.
// Locations name the main file MainFileName.
std::vector<AsyncFunction> collectAsyncFunctions(clang::ASTContext &Ctx,
                                                 llvm::StringRef MainFileName);

// The annotation AsyncMarks gave FD, at its ASYNC (or with no location on a
// declaration written without one); null if none.
clang::AnnotateAttr *asyncMark(const clang::FunctionDecl &FD);

// Whether FD (any declaration of it, or the template it instantiates) is
// written with ASYNC.
bool isAsync(const clang::FunctionDecl &FD);

// Where FD's text begins: at the ASYNC or the first attribute
// (`[[nodiscard]]`) written before its specifiers, if there is one.
clang::SourceLocation textBegin(const clang::FunctionDecl &FD);

// The function-try-block that is FD's body, if it is one (a coroutine's is
// wrapped by Clang in a block without locations).
const clang::CXXTryStmt *functionTryBlock(const clang::FunctionDecl &FD);

// Where FD's body ends: its '}', or its last handler's.
clang::SourceLocation bodyEnd(const clang::FunctionDecl &FD);

// The attributes written before FD's specifiers (`[[nodiscard]]`), without
// the ASYNC: its wrapper keeps them.
std::string leadingAttributes(const clang::FunctionDecl &FD);

// The struct of FD's future: <name>_future, then <name>_future_2, ... for
// overloads, numbered in the order of their declarations.
std::string futureNameOf(const clang::FunctionDecl &FD);

// The declaration where the struct of the future of Definition (an ASYNC
// definition) is defined: its first declaration, for a free function declared
// before it in this file whose definition names nothing declared after that
// declaration (so that calls in between find the struct complete); else the
// definition itself.
const clang::FunctionDecl &futureHome(const clang::FunctionDecl &Definition);

// A method defined in its class (not a template's) that calls an ASYNC
// method of the class defined after it, or one of these: its struct needs
// theirs complete, so it is defined at the end of the class, after them.
// The depth orders those structs there: 1 + the largest depth among the
// ones it calls (0 if none). None for any other function, and for methods
// that call each other in a cycle (whose futures would contain each other).
std::optional<unsigned> classEndDepth(const clang::FunctionDecl &FD);

// A method defined in its class (at namespace scope, not a template) that
// calls an ASYNC member template of the class, or one of these: its struct
// needs the template's specializations, which follow the class, so it is
// defined after them, outside the class, and the method is declared in the
// class and defined after the struct. So is one that keeps a lambda using
// `this` or a member across an await: its frame names the lambda's type by
// a factory defined after the class, a static member that may use all of
// it. So is one that holds a value of its class (a local, a parameter, a
// temporary), which its struct may keep: the class is complete only after
// its end. The depth orders those structs there, as classEndDepth's. None
// for any other function.
std::optional<unsigned> afterClassDepth(const clang::FunctionDecl &FD);

// Whether FD holds a value of Class: a parameter by value, a local, a
// temporary, of Class or of a type holding one (an array, std::optional).
bool holdsClassByValue(const clang::FunctionDecl &FD, const clang::CXXRecordDecl &Class);

// Whether a call of FD returns its own future's struct: an ASYNC function's,
// but for a virtual method, which returns it boxed, as the asyncc::Async<T>
// it declares (a call of one is as a call of any function declared so).
bool returnsOwnFuture(const clang::FunctionDecl &FD);

// Whether the struct of Callee's future is defined before the struct of
// User's: at its home, at the end of its class (classEndDepth), or after
// the class (afterClassDepth).
bool futureDefinedBefore(const clang::FunctionDecl &Callee, const clang::FunctionDecl &User);

// The lambda expression whose call operator FD is, if it is one.
const clang::LambdaExpr *lambdaOf(const clang::FunctionDecl &FD, clang::ASTContext &Ctx);

// The call operators of an ASYNC lambda's instantiations: its own, or each
// one of a generic lambda that has a body.
std::vector<const clang::CXXMethodDecl *> lambdaCalls(const clang::LambdaExpr &LE);

// The function whose body holds D (a lambda's call operator, a local
// class's method), if any.
const clang::FunctionDecl *enclosingFunction(const clang::Decl &D);

// The ASYNC function an ASYNC lambda's call operator is lowered with: the
// one whose body holds it, directly or in plain lambdas. None if the lambda
// is in no ASYNC function, or in a local class of one.
const clang::FunctionDecl *loweredWith(const clang::FunctionDecl &Call, clang::ASTContext &Ctx);

// The class at namespace scope that holds Method, its own or one around it
// (not a template's): functions its emitted code needs go before it. Null
// for a method of a local class.
const clang::CXXRecordDecl *outermostClass(const clang::CXXMethodDecl &Method);

// The ASYNC function definitions of Ctx's main file, as declarations.
std::vector<const clang::FunctionDecl *> findAsyncFunctions(clang::ASTContext &Ctx);

// Actions that analyse the translation unit they run on into Out.Functions,
// naming its main file Out.File. Out is left untouched when Clang reported
// errors: a broken AST would give a wrong model.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newAnalysisActionFactory(FileModel &Out);

} // namespace asyncc::tool
