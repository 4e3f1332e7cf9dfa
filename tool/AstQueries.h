// Questions about the statements and expressions of an async body, shared
// by the passes: where the awaits are, in which order C++ evaluates what,
// and how the emitted code spells types.
#pragma once

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/TemplateBase.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <string>
#include <vector>

namespace asyncc::tool {

// The lambda's introducer as written, in C++17 (`[=, this]` becomes `[=]`).
std::string lambdaIntroducer(const clang::LambdaExpr &LE, const clang::ASTContext &Ctx);
// A lambda's parameter list as written, then ` mutable` if its call
// operator is not const: what its lowered head keeps after the captures.
// An unnamed parameter gets its lambdaParameterName: the version of a
// generic lambda is chosen by its type, and its future keeps one whose
// destructor shows.
std::string lambdaSignature(const clang::LambdaExpr &LE, const clang::ASTContext &Ctx);
// The name of the I-th parameter of a lambda: its own, or for an unnamed
// one a name its text does not use (`unnamed1`).
std::string lambdaParameterName(const clang::LambdaExpr &LE, unsigned I, const clang::ASTContext &Ctx);

// The name a parameter of a function (not a lambda) has in the emitted
// code: its own, or for an unnamed one a name the function's text does not
// use (`unnamed1`). The future keeps it, as a coroutine copies every
// parameter, and as Rust keeps a `_` one, to the end: its destructor, if
// any, runs then.
std::string parameterName(const clang::ParmVarDecl &P, const clang::ASTContext &Ctx);
// The text of F's declaration from Begin to End (its declarator, or its
// parameters without defaults), each unnamed parameter in it followed by
// its parameterName.
std::string withParameterNames(const clang::FunctionDecl &F, clang::SourceLocation Begin, clang::SourceLocation End,
                               const clang::ASTContext &Ctx);

// `::new (static_cast<void*>(&Path)) Type`: the start of a placement new
// that makes a Type at Path. An elaborated type (`struct stat`, whose name
// a function of the same name hides) is parenthesized: followed by a brace
// it would read as the class's definition.
std::string placement(const std::string &Path, const std::string &Type);

// Whether S itself, whatever its children, names nothing, so that its text
// means the same anywhere: a literal, an operator, a braced list, an
// implicit conversion (a default argument `= "info"` of a `const
// std::string&` parameter).
bool namesNothingItself(const clang::Stmt *S);

// E, if it makes an object of a class it names, `Options(1, "x")` or
// `Options{1}` (under implicit nodes): its text from the parenthesis or
// brace on then names nothing else when its arguments name nothing.
const clang::Expr *writtenConstruction(const clang::Expr *E);

// Calls Fn on every statement under S (S included), not entering lambdas:
// their bodies are other functions.
void forEachStmt(const clang::Stmt *S, const std::function<void(const clang::Stmt *)> &Fn);

template <class T> bool contains(const clang::Stmt *S) {
  bool Found = false;
  forEachStmt(S, [&](const clang::Stmt *X) { Found |= llvm::isa<T>(X); });
  return Found;
}
inline bool containsAwait(const clang::Stmt *S) { return contains<clang::CoawaitExpr>(S); }
// S without the labels before it (`retry: Conn c = ...;`).
inline const clang::Stmt *unlabeled(const clang::Stmt *S) {
  while (const auto *LS = llvm::dyn_cast_or_null<clang::LabelStmt>(S))
    S = LS->getSubStmt();
  return S;
}
// Whether X is S or a statement under it.
bool within(const clang::Stmt *X, const clang::Stmt *S);
// Whether S has a goto to a label outside S.
bool leavesByGoto(const clang::Stmt *S);

// E without implicit nodes and parentheses.
inline const clang::Expr *strip(const clang::Expr *E) { return E ? E->IgnoreImplicit()->IgnoreParens() : nullptr; }

// S's children in the order Clang evaluates them: left to right, except
// that the right side of an assignment comes first (C++17).
llvm::SmallVector<const clang::Stmt *, 4> inEvaluationOrder(const clang::Stmt *S);

// `a && b`, `a || b` or `c ? x : y` whose conditionally evaluated operands
// await: lowered as an if/else, so that what C++ skips is not awaited.
bool isShortCircuit(const clang::Stmt *S);
// An await, or a short-circuit that awaits: where evaluation may suspend.
inline bool isSuspending(const clang::Stmt *S) { return llvm::isa<clang::CoawaitExpr>(S) || isShortCircuit(S); }

// The awaits and short-circuits of S in the order they start; an await's
// operand's awaits come before it; a short-circuit's own are not listed.
void collectAwaits(const clang::Stmt *S, std::vector<const clang::Expr *> &Awaits);

// Whether a jump into S (to a label in a block, a branch or a loop's body)
// keeps its meaning once S is lowered: blocks, labels, ifs and loops whose
// condition does not await (not lowered with a flag or a condition in the
// frame) are lowered as written.
bool enteredAsWritten(const clang::Stmt *S);

// Whether every case label of SW stands in statements entered as written
// (Duff's device: in a do-while inside the switch).
bool casesEnterable(const clang::SwitchStmt *SW);

// Whether S has a `break` (a `continue`) that leaves S itself, for the
// innermost enclosing loop or switch (loop).
struct Escapes {
  bool Breaks = false;
  bool Continues = false;
};
Escapes escapesOf(const clang::Stmt *S);

// Whether the statement ends control flow where it stands: a throw or a
// call of a function that does not return.
bool endsFlow(const clang::Stmt *S);

// The constant value of a condition, if it has one (as Clang's CFG prunes
// the edge a constant condition never takes): -1 when not known.
int knownCondition(const clang::Expr *Cond, const clang::ASTContext &Ctx);

// The identifiers written in R (raw tokens, macros unexpanded), each with
// whether it stands qualified or after member access (`a::x`, `a.x`,
// `a->x`), where no name of a generated struct can hide what it means.
struct WrittenIdentifier {
  llvm::StringRef Name;
  clang::SourceLocation Loc;
  bool Qualified;
};
std::vector<WrittenIdentifier> identifiersIn(clang::SourceRange R, const clang::ASTContext &Ctx);

// The names of Identifiers (written in FD) that, unqualified, name something
// other than FD's own variables and parameters: a member of FD's future
// named so would hide it in poll.
llvm::StringSet<> namedOtherThanLocals(const clang::FunctionDecl &FD, const clang::Stmt *Body,
                                       llvm::ArrayRef<WrittenIdentifier> Identifiers);

// Source text on one line, for comments: each line break and the
// indentation after it become one space.
std::string oneLine(llvm::StringRef Text);

// Whether T names Async<T>: an ASYNC function's future before the
// transformation, which after it is that function's own struct.
bool involvesAsync(clang::QualType T);

// How the emitted code spells types: fully qualified, without `struct`.
clang::PrintingPolicy emittedPolicy(const clang::ASTContext &Ctx);

// D's name, qualified as the emitted code spells it (no `(anonymous namespace)::`).
std::string qualifiedName(const clang::NamedDecl &D);

// A specialization's arguments as the emitted code spells them:
// <int, static_cast<int>(3)>.
std::string spellTemplateArgs(llvm::ArrayRef<clang::TemplateArgument> Args, const clang::ASTContext &Ctx);

// Whether the template argument Arg is a class that code at At (where a
// template's specializations are emitted) cannot name: a lambda's closure, an
// unnamed or local class, or one declared after At.
bool unnameableAt(const clang::TemplateArgument &Arg, clang::SourceLocation At, const clang::SourceManager &SM);

} // namespace asyncc::tool
