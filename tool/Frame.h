// frame: which values of an async body live across a suspension point, and
// so are stored in the future rather than in poll's locals; and the values
// C++ computes before an await of the same expression.
#pragma once

#include "Diagnostics.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseSet.h"

#include <functional>

#include <vector>

namespace asyncc::tool {

class FrameAnalysis {
public:
  // Body: the function's own block. Destroyed: whether a value of a type
  // is destroyed (a generic struct destroys its parameters' types).
  FrameAnalysis(const clang::CompoundStmt *Body, std::function<bool(clang::QualType)> Destroyed);

  // A variable is stored in the frame when its scope, from its declaration
  // to the end of its block, contains a suspension point; so is one with a
  // destructor whose scope contains a co_return: the frame is destroyed
  // after the locals of poll, and it must go in the reverse order of
  // construction.
  bool isFrameVar(const clang::VarDecl *VD) const { return FrameVars.count(VD) != 0; }
  // Whether S puts anything in the frame: an await or a frame variable.
  bool hasFrameStorage(const clang::Stmt *S) const;
  // Whether a goto can be lowered: it enters nothing but blocks (it leaves
  // anything, destroying what it leaves), or the statements it jumps over
  // (from the label to the goto, in the innermost block holding both) put
  // nothing in the frame.
  bool jumpIsLowerable(const clang::GotoStmt *GS) const;

  // Whether a goto outside S jumps to a label in S.
  bool enteredByGoto(const clang::Stmt *S) const;
  // Whether a range-based for is lowered (its body awaits, returns or
  // leaves by goto): its range, iterators and loop variable are in the frame.
  bool lowersRangeFor(const clang::CXXForRangeStmt *RF) const;

private:
  void findFrameVars(const clang::Stmt *S);
  bool keepWhatJumpsLeave();
  // Whether leaving VD's scope runs a destructor: its own, or that of the
  // temporary a reference extends.
  bool destroysAtScopeEnd(const clang::VarDecl *VD) const;

  const clang::CompoundStmt *Body;
  std::function<bool(clang::QualType)> Destroyed;
  llvm::DenseSet<const clang::VarDecl *> FrameVars;
};

// A value C++ computes before an await of the same full-expression and
// uses after it: computed into the frame just before that await, in the
// order C++ evaluates them, then read where it stood.
struct Hoist {
  enum Kind {
    Scalar,    // a scalar prvalue, kept by value
    Address,   // a glvalue, kept as a pointer
    Object,    // a class prvalue or a materialized temporary, made in the frame
    Discarded, // a void or discarded value (the left of a comma): a statement
  };
  const clang::Expr *Value;
  Kind HowKept;
  const clang::Expr *Before;  // an await or a short-circuit that awaits
};

// Whether moving, copying or destroying a T could show: a class of the
// user's declaring its own, or holding one (std::optional<Traced> too).
bool movesAreObservable(clang::QualType T);

// What E computes before its last await. Literals, names and built-in
// arithmetic on what is kept stay the same across a suspension; any other
// value (a read of a variable, a call, a temporary) is hoisted, the largest
// expression evaluated wholly before one await at a time. Refused: the
// first value that cannot be kept (a bit-field, a void value used, a class
// value whose copy or destructor would show).
struct ValuesBeforeAwaits {
  std::vector<Hoist> Hoists;
  const clang::Stmt *Refused = nullptr;
};
ValuesBeforeAwaits valuesBeforeAwaits(const clang::Expr *E);

// The temporaries of an await's operand that must outlive the statement
// making its future: C++ destroys them at the end of the full-expression,
// after the await. Materialized temporaries (bound to a reference, or
// whose member is used), innermost first, as they are made; one that no
// one can see after its call returns (trivially destroyed, bound to an
// argument of a call whose value can hold no address) is left out. So is
// the array of a braced list that a standard container copies. Kept also
// holds the argument objects whose class has an observable destructor (a
// CXXBindTemporaryExpr, or the functional cast around one that makes an
// aggregate, passed by value) of the call making the future, or of an
// ASYNC call whose future is kept too (`join(f(Traced{}), g())`): they too
// die at the end of the full-expression, and each such call, listed in
// Calls, makes its future from them in place. Such an object passed to any
// other call dies with the call's statement, not after the await:
// Refused, as is a braced list's array that must outlive the call. A
// default argument's temporary bound to a reference parameter is kept too
// (its MaterializeTemporaryExpr, in the declaration's text), and listed in
// Defaults, for the emitted call to pass it: of the call making the future,
// or of one whose value may hold its address (a future given to join) or
// when its destructor shows, or of the constructor making the future (its
// parentheses or braces written). Another constructor's, that the future
// keeps, is Refused.
// Pinned lists the futures of ASYNC calls in Kept given to asyncc::join,
// select or timeout: the combinator polls each where the frame keeps it,
// for a move of a generated future moves (or copies) its parameters, where
// native C++ moves a handle.
struct KeptDefault {
  const clang::Expr *Call;  // a CallExpr or a CXXConstructExpr
  const clang::CXXDefaultArgExpr *Argument;
  const clang::Expr *Temporary;  // in Kept
  clang::SourceLocation Close;   // the `)` or `}` before which the call passes it
};
struct MadeInPlace {
  const clang::CallExpr *Call;
  const clang::Expr *Argument;  // its first kept argument object
};
struct OperandTemporaries {
  std::vector<const clang::Expr *> Kept;
  std::vector<MadeInPlace> Calls;
  std::vector<KeptDefault> Defaults;
  std::vector<const clang::Expr *> Pinned;
  const clang::Expr *Refused = nullptr;
  Diag RefusedAs = Diag::TemporaryDestructor;
};
OperandTemporaries operandTemporaries(const clang::Expr *Operand);


} // namespace asyncc::tool
