#include "Checks.h"
#include "AstQueries.h"
#include "Diagnostics.h"
#include "Find.h"
#include "MainFileVisitor.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace asyncc::tool {
namespace {

// What a check sees: the statement, and the function around it.
struct CheckContext {
  ASTContext &Ctx;
  const FrameAnalysis &Frame;
  bool Failed = false;

  DiagnosticBuilder report(Diag Id, SourceLocation Loc) {
    Failed = true;
    return tool::report(Ctx, Id, Loc);
  }
};

using Check = void (*)(const Stmt *, CheckContext &);

void checkCoYield(const Stmt *S, CheckContext &C) {
  if (isa<CoyieldExpr>(S))
    C.report(Diag::CoYield, S->getBeginLoc());
}

void checkGoto(const Stmt *S, CheckContext &C) {
  if (isa<IndirectGotoStmt>(S))
    C.report(Diag::ComputedGoto, S->getBeginLoc());
  else if (const auto *GS = dyn_cast<GotoStmt>(S); GS && !C.Frame.jumpIsLowerable(GS))
    C.report(Diag::GotoAcrossFrame, S->getBeginLoc());
}

void checkSwitch(const Stmt *S, CheckContext &C) {
  const auto *SW = dyn_cast<SwitchStmt>(S);
  if (!SW)
    return;
  if ((containsAwait(SW->getBody()) || contains<CoreturnStmt>(SW->getBody())) && !casesEnterable(SW))
    C.report(Diag::NestedCase, SW->getBeginLoc());
}

void checkAwaitingExpressions(const Stmt *S, CheckContext &C) {
  if (isa<StmtExpr>(S) && containsAwait(S))
    C.report(Diag::StatementExpression, S->getBeginLoc());
  else if (const auto *CA = dyn_cast<CoawaitExpr>(S); CA && CA->getBeginLoc().isMacroID())
    C.report(Diag::AwaitInMacro, CA->getBeginLoc());
}

void checkDeclarations(const Stmt *S, CheckContext &C) {
  const auto *DS = dyn_cast<DeclStmt>(S);
  if (!DS)
    return;
  // A structured binding kept in the frame names members of its object.
  const auto *DD = DS->isSingleDecl() ? dyn_cast<DecompositionDecl>(DS->getSingleDecl()) : nullptr;
  if (DD && C.Frame.isFrameVar(DD) && llvm::any_of(DD->bindings(), [](const BindingDecl *B) {
        const Expr *E = B->getBinding() ? B->getBinding()->IgnoreImplicit() : nullptr;
        return !E || !(isa<MemberExpr>(E) || isa<ArraySubscriptExpr>(E) || B->getHoldingVar());
      }))
    C.report(Diag::StructuredBinding, DD->getBeginLoc());
}

constexpr Check StatementChecks[] = {
    checkCoYield, checkGoto, checkSwitch,
    checkAwaitingExpressions, checkDeclarations,
};

bool returnsAsync(const FunctionDecl &FD) {
  const auto *TSD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(FD.getReturnType()->getAsCXXRecordDecl());
  return TSD && TSD->getQualifiedNameAsString() == "asyncc::Async";
}

class AnnotationChecker : public MainFileVisitor<AnnotationChecker> {
public:
  explicit AnnotationChecker(ASTContext &Ctx)
      : MainFileVisitor(Ctx.getSourceManager()), Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (isAsync(*FD) && !FD->isThisDeclarationADefinition() && !FD->getDefinition())
      report(Ctx, Diag::DeclarationWithoutBody, FD->getLocation()) << FD->getNameAsString();
    if (!isAsync(*FD) && FD->doesThisDeclarationHaveABody() && returnsAsync(*FD) &&
        isa_and_nonnull<CoroutineBodyStmt>(FD->getBody()))
      report(Ctx, Diag::AsyncWithoutAnnotation, FD->getLocation())
          << FD->getNameAsString() << FixItHint::CreateInsertion(SM.getExpansionLoc(FD->getBeginLoc()), "ASYNC ");
    return true;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
};

// An awaited ASYNC function is replaced by its future, `<name>_future`, which
// exists only where the function's file is transformed too: a project's
// header can be, a system header is not.
class SystemHeaderAwaitChecker : public RecursiveASTVisitor<SystemHeaderAwaitChecker> {
public:
  explicit SystemHeaderAwaitChecker(ASTContext &Ctx) : Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  // A lambda's body is not lowered: a coroutine there stays native.
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }

  bool VisitCoawaitExpr(CoawaitExpr *E) {
    const auto *Call = dyn_cast_or_null<CallExpr>(E->getOperand()->IgnoreImplicit());
    const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
    const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
    if (!Def || !isAsync(*Def) || !SM.isInSystemHeader(SM.getExpansionLoc(Def->getLocation())))
      return true;
    report(Ctx, Diag::SystemHeaderAwait, E->getOperand()->getBeginLoc()) << Def->getQualifiedNameAsString();
    report(Ctx, Diag::SystemHeaderAwaitNote, Def->getLocation());
    Failed = true;
    return true;
  }

  bool Failed = false;

private:
  ASTContext &Ctx;
  const SourceManager &SM;
};

// `[x] ASYNC () -> Async<T> {...}()`: the closure is a temporary of the
// full-expression, and the future holds references to its captures. Awaited
// in the same full-expression that is fine; given to spawn, or kept in a
// variable, the future outlives the closure.
class DanglingLambdaChecker : public MainFileVisitor<DanglingLambdaChecker> {
public:
  explicit DanglingLambdaChecker(ASTContext &Ctx)
      : MainFileVisitor(Ctx.getSourceManager()), Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  bool VisitCallExpr(CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || !Callee->getIdentifier() || Callee->getName() != "spawn")
      return true;
    for (const Expr *Arg : Call->arguments())
      if (const CXXOperatorCallExpr *Invoked = invokedLambda(Arg))
        warn(Invoked, /*FixIt=*/true);
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (const CXXOperatorCallExpr *Invoked = VD->getInit() ? invokedLambda(VD->getInit()) : nullptr)
      warn(Invoked, /*FixIt=*/false);
    return true;
  }

private:
  // E, if it is the call of a capturing ASYNC lambda written in place.
  static const CXXOperatorCallExpr *invokedLambda(const Expr *E) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E); Construct && Construct->getNumArgs() == 1)
      E = Construct->getArg(0)->IgnoreImplicit()->IgnoreParens();
    const auto *Call = dyn_cast<CXXOperatorCallExpr>(E);
    if (!Call || Call->getOperator() != OO_Call)
      return nullptr;
    const auto *Lambda = dyn_cast<LambdaExpr>(Call->getArg(0)->IgnoreImplicit()->IgnoreParens());
    if (!Lambda || Lambda->capture_size() == 0 || !isAsync(*Lambda->getCallOperator()))
      return nullptr;
    return Call;
  }

  void warn(const CXXOperatorCallExpr *Call, bool FixIt) {
    auto Builder = report(Ctx, Diag::DanglingAsyncLambda, Call->getArg(0)->getBeginLoc());
    // The fix: the call's parentheses go, when they pass nothing.
    SourceLocation Close = SM.getExpansionLoc(Call->getRParenLoc());
    SourceLocation LambdaEnd = SM.getExpansionLoc(Call->getArg(0)->getEndLoc());
    if (FixIt && Call->getNumArgs() == 1 && Close.isValid())
      Builder << FixItHint::CreateRemoval(CharSourceRange::getCharRange(
          Lexer::getLocForEndOfToken(LambdaEnd, 0, SM, Ctx.getLangOpts()), Close.getLocWithOffset(1)));
  }

  ASTContext &Ctx;
  const SourceManager &SM;
};

} // namespace

bool checkBody(const CompoundStmt &Body, const FrameAnalysis &Frame, ASTContext &Ctx) {
  CheckContext C{Ctx, Frame};
  // A co_await's operand stands in its AST more than once: each statement
  // is checked once, so each problem is reported once.
  llvm::DenseSet<const Stmt *> Seen;
  forEachStmt(&Body, [&](const Stmt *S) {
    if (!Seen.insert(S).second)
      return;
    for (Check Run : StatementChecks)
      Run(S, C);
  });
  return !C.Failed;
}

bool checkAwaitedFunctions(const FunctionDecl &FD, ASTContext &Ctx) {
  SystemHeaderAwaitChecker Checker(Ctx);
  Checker.TraverseStmt(FD.getBody());
  return !Checker.Failed;
}

void checkAnnotations(ASTContext &Ctx) { AnnotationChecker(Ctx).TraverseDecl(Ctx.getTranslationUnitDecl()); }

void checkDanglingLambdas(ASTContext &Ctx) { DanglingLambdaChecker(Ctx).TraverseDecl(Ctx.getTranslationUnitDecl()); }

} // namespace asyncc::tool
