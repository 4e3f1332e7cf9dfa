#include "Frame.h"
#include "AstQueries.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace asyncc::tool {

FrameAnalysis::FrameAnalysis(const CompoundStmt *Body) : Body(Body) { findFrameVars(Body); }

void FrameAnalysis::findFrameVars(const Stmt *S) {
  if (!S)
    return;
  auto markDeclaredIn = [&](const Stmt *Decls, bool Await, bool Return) {
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(Decls))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasLocalStorage())
          if (Await || (Return && VD->getType().isDestructedType() != QualType::DK_none))
            FrameVars.insert(VD);
  };
  auto scopeHas = [&](const Stmt *X, bool &Await, bool &Return) {
    Await |= containsAwait(X);
    Return |= contains<CoreturnStmt>(X);
  };
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    // A declaration initialized by a co_await resumes inside its own
    // initializer: the variable is constructed after the resume point, and
    // stays a plain local only when nothing later suspends.
    const Stmt *const *Begin = CS->body_begin();
    for (unsigned I = 0, N = CS->size(); I != N; ++I) {
      bool Await = false, Return = false;
      for (unsigned J = I + 1; J != N; ++J)
        scopeHas(Begin[J], Await, Return);
      markDeclaredIn(Begin[I], Await, Return);
    }
  } else if (const auto *FS = dyn_cast<ForStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(FS->getCond(), Await, Return);
    scopeHas(FS->getInc(), Await, Return);
    scopeHas(FS->getBody(), Await, Return);
    markDeclaredIn(FS->getInit(), Await, Return);
  } else if (const auto *SW = dyn_cast<SwitchStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(SW->getCond(), Await, Return);
    scopeHas(SW->getBody(), Await, Return);
    markDeclaredIn(SW->getInit(), Await, Return);
  } else if (const auto *IS = dyn_cast<IfStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(IS->getCond(), Await, Return);
    scopeHas(IS->getThen(), Await, Return);
    scopeHas(IS->getElse(), Await, Return);
    markDeclaredIn(IS->getInit(), Await, Return);
  }
  if (isa<LambdaExpr>(S))
    return;
  for (const Stmt *Child : S->children())
    findFrameVars(Child);
}

bool FrameAnalysis::hasFrameStorage(const Stmt *S) const {
  bool Found = false;
  forEachStmt(S, [&](const Stmt *X) {
    if (isa<CoawaitExpr>(X))
      Found = true;
    else if (const auto *DS = dyn_cast<DeclStmt>(X))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && FrameVars.count(VD))
          Found = true;
  });
  return Found;
}

bool FrameAnalysis::jumpStaysClear(const GotoStmt *GS) const {
  const LabelStmt *Label = GS->getLabel()->getStmt();
  if (!Label)
    return false;
  ParentMap PM(const_cast<CompoundStmt *>(Body));
  auto chain = [&](const Stmt *X) {
    std::vector<const Stmt *> Chain;
    for (; X; X = PM.getParent(X))
      Chain.insert(Chain.begin(), X);
    return Chain;
  };
  std::vector<const Stmt *> A = chain(Label), B = chain(GS);
  size_t Common = 0;
  while (Common < A.size() && Common < B.size() && A[Common] == B[Common])
    ++Common;
  if (Common == 0)
    return false;
  const Stmt *Ancestor = A[Common - 1];
  const auto *CS = dyn_cast<CompoundStmt>(Ancestor);
  if (!CS || Common >= A.size() || Common >= B.size())
    return !hasFrameStorage(Ancestor);
  // The children of the block from the one holding the label to the one
  // holding the goto (either order).
  const Stmt *First = A[Common], *Second = B[Common];
  bool Inside = false;
  for (const Stmt *Child : CS->body()) {
    bool Edge = Child == First || Child == Second;
    if (Edge || Inside)
      if (hasFrameStorage(Child))
        return false;
    if (Edge && First != Second)
      Inside = !Inside;
  }
  return true;
}

ValuesBeforeAwaits valuesBeforeAwaits(const Expr *E) {
  ValuesBeforeAwaits Out;
  // Every node in the order Clang completes it: operands left to right,
  // except that the right side of an assignment comes first (C++17); an
  // await is one node (its operand is evaluated when it starts).
  std::vector<const Stmt *> Done;
  std::function<void(const Stmt *)> visit = [&](const Stmt *S) {
    if (!S)
      return;
    if (!isSuspending(S))
      for (const Stmt *C : inEvaluationOrder(S))
        visit(C);
    Done.push_back(S);
  };
  visit(E);
  size_t LastAwait = 0;
  for (size_t I = 0; I != Done.size(); ++I)
    if (isSuspending(Done[I]))
      LastAwait = I;
  // The value of an earlier await is taken where the whole expression is
  // evaluated, after the last await: conversions of it are fine, and so is
  // materializing it, unless its type could tell (a user's class with its
  // own copy, move or destructor).
  auto observable = [](QualType T) {
    const auto *RD = T->getAsCXXRecordDecl();
    return RD && !RD->isInStdNamespace() &&
           (RD->hasUserDeclaredCopyConstructor() || RD->hasUserDeclaredMoveConstructor() ||
            RD->hasUserDeclaredDestructor());
  };
  for (size_t I = 0; I < LastAwait; ++I) {
    const Stmt *S = Done[I];
    bool Stable = isSuspending(S) || isa<IntegerLiteral>(S) || isa<StringLiteral>(S) || isa<FloatingLiteral>(S) ||
                  isa<CharacterLiteral>(S) || isa<CXXBoolLiteralExpr>(S) || isa<CXXNullPtrLiteralExpr>(S) ||
                  isa<CXXThisExpr>(S) || isa<ParenExpr>(S) || isa<DeclRefExpr>(S) || isa<MemberExpr>(S);
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(S)) {
      const Expr *Sub = Cast->getSubExpr()->IgnoreParens();
      bool ReadsVariable = Cast->getCastKind() == CK_LValueToRValue && (isa<DeclRefExpr>(Sub) || isa<MemberExpr>(Sub));
      Stable = !ReadsVariable && Cast->getCastKind() != CK_UserDefinedConversion &&
               Cast->getCastKind() != CK_ConstructorConversion;
      // A variable's scalar value read before an await is read into the
      // frame just before that await starts, as C++ would read it.
      const auto *Member = dyn_cast<MemberExpr>(Sub);
      bool OwnMember = Member && isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts());
      if (ReadsVariable && (isa<DeclRefExpr>(Sub) || OwnMember) && Cast->getType()->isScalarType() &&
          !Cast->getType().isVolatileQualified()) {
        size_t Next = I + 1;
        while (Next < Done.size() && !isSuspending(Done[Next]))
          ++Next;
        Out.Hoists.push_back({Sub, Cast->getType(), cast<Expr>(Done[Next])});
        Stable = true;
      }
    }
    // Built-in arithmetic on values that are stable or read into the frame
    // computes the same whenever it runs.
    if (const auto *BO = dyn_cast<BinaryOperator>(S))
      Stable = !BO->isAssignmentOp() && !BO->isCommaOp() && BO->getType()->isScalarType();
    if (const auto *UO = dyn_cast<UnaryOperator>(S))
      Stable = (UO->getOpcode() == UO_Minus || UO->getOpcode() == UO_Plus || UO->getOpcode() == UO_LNot ||
                UO->getOpcode() == UO_Not) &&
               UO->getType()->isScalarType();
    if (isa<MaterializeTemporaryExpr>(S) || isa<CXXBindTemporaryExpr>(S))
      Stable = containsAwait(S) && !observable(cast<Expr>(S)->getType());
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      Stable = !ME->isArrow() || isa<CXXThisExpr>(ME->getBase()->IgnoreImplicit());
    if (!Stable) {
      Out.Refused = S;
      return Out;
    }
  }
  return Out;
}

} // namespace asyncc::tool
