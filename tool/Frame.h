// frame: which values of an async body live across a suspension point, and
// so are stored in the future rather than in poll's locals; and the values
// C++ computes before an await of the same expression.
#pragma once

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseSet.h"

#include <vector>

namespace asyncc::tool {

class FrameAnalysis {
public:
  // Body: the function's own block.
  explicit FrameAnalysis(const clang::CompoundStmt *Body);

  // A variable is stored in the frame when its scope, from its declaration
  // to the end of its block, contains a suspension point; so is one with a
  // destructor whose scope contains a co_return: the frame is destroyed
  // after the locals of poll, and it must go in the reverse order of
  // construction.
  bool isFrameVar(const clang::VarDecl *VD) const { return FrameVars.count(VD) != 0; }
  // Whether S puts anything in the frame: an await or a frame variable.
  bool hasFrameStorage(const clang::Stmt *S) const;
  // Whether the statements a goto jumps over (from the label to the goto,
  // in the innermost block holding both) put nothing in the frame: then
  // the jump neither crosses a suspension point nor leaves a frame
  // variable's scope.
  bool jumpStaysClear(const clang::GotoStmt *GS) const;

private:
  void findFrameVars(const clang::Stmt *S);

  const clang::CompoundStmt *Body;
  llvm::DenseSet<const clang::VarDecl *> FrameVars;
};

// A read of a scalar variable that C++ evaluates before an await of the
// same full-expression: kept in the frame, read just before that await.
struct Hoist {
  const clang::Expr *Read;
  clang::QualType Type;
  const clang::Expr *Before;  // an await or a short-circuit that awaits
};

// What E computes before its last await. Literals, names bound to
// references and function names stay the same across a suspension; so do
// reads of scalar variables, read into the frame (Hoists). Anything else (a
// call, a temporary) is Refused: the first such node.
struct ValuesBeforeAwaits {
  std::vector<Hoist> Hoists;
  const clang::Stmt *Refused = nullptr;
};
ValuesBeforeAwaits valuesBeforeAwaits(const clang::Expr *E);

} // namespace asyncc::tool
