#include "Transform.h"
#include "Analysis.h"
#include "Emission.h"
#include "Lowering.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Rewrite/Core/Rewriter.h"

using namespace clang;

namespace asyncc::tool {
namespace {

// Where the definition begins: the ASYNC before it, if that comes first.
SourceLocation definitionBegin(const FunctionDecl &FD, const SourceManager &SM) {
  SourceLocation Begin = SM.getExpansionLoc(FD.getBeginLoc());
  for (const auto *A : FD.specific_attrs<AnnotateAttr>()) {
    SourceLocation L = SM.getExpansionLoc(A->getLocation());
    if (SM.isBeforeInTranslationUnit(L, Begin))
      Begin = L;
  }
  return Begin;
}

bool returnsAsync(const FunctionDecl &FD) {
  const auto *TSD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(FD.getReturnType()->getAsCXXRecordDecl());
  return TSD && TSD->getQualifiedNameAsString() == "asyncc::Async";
}

bool hasAsyncAnnotation(const FunctionDecl &FD) {
  for (const auto *A : FD.specific_attrs<AnnotateAttr>())
    if (A->getAnnotation() == AsyncAnnotation)
      return true;
  return false;
}

// ASYNC on a declaration that is never defined here, and coroutines that
// return Async<T> without ASYNC (they stay native C++20 coroutines).
class AnnotationChecker : public RecursiveASTVisitor<AnnotationChecker> {
public:
  explicit AnnotationChecker(ASTContext &Ctx) : Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && !SM.isInMainFile(SM.getExpansionLoc(D->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    auto &Diags = Ctx.getDiagnostics();
    if (hasAsyncAnnotation(*FD) && !FD->isThisDeclarationADefinition() && !FD->getDefinition()) {
      unsigned ID = Diags.getCustomDiagID(
          DiagnosticsEngine::Error, "ASYNC on a declaration without a body: asyncc transforms definitions; "
                                    "define '%0' in this file");
      Diags.Report(FD->getLocation(), ID) << FD->getName();
    }
    if (!hasAsyncAnnotation(*FD) && FD->doesThisDeclarationHaveABody() && returnsAsync(*FD) &&
        isa_and_nonnull<CoroutineBodyStmt>(FD->getBody())) {
      unsigned ID = Diags.getCustomDiagID(
          DiagnosticsEngine::Warning, "'%0' returns asyncc::Async but is not annotated ASYNC: it stays a "
                                      "native C++20 coroutine (add ASYNC to transform it)");
      Diags.Report(FD->getLocation(), ID)
          << FD->getName() << FixItHint::CreateInsertion(SM.getExpansionLoc(FD->getBeginLoc()), "ASYNC ");
    }
    return true;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
};

class TransformConsumer : public ASTConsumer {
public:
  TransformConsumer(const std::string &DisplayName, TransformResult &Out)
      : DisplayName(DisplayName), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    AnnotationChecker(Ctx).TraverseDecl(Ctx.getTranslationUnitDecl());
    SourceManager &SM = Ctx.getSourceManager();
    Rewriter R(SM, Ctx.getLangOpts());
    bool Ok = true;
    for (const FunctionDecl *FD : findAsyncFunctions(Ctx)) {
      std::optional<LoweredFunction> F = lowerAsyncFunction(*FD, Ctx, DisplayName);
      if (!F) {
        Ok = false;
        continue;
      }
      SourceRange Range(definitionBegin(*FD, SM), SM.getExpansionLoc(FD->getEndLoc()));
      R.ReplaceText(Range, emitFuture(*F));
      // An out-of-line method: its declaration in the class now returns the
      // future, which is declared there (and defined with the method).
      if (F->OutOfLine) {
        const FunctionDecl *InClass = FD->getCanonicalDecl();
        SourceLocation ReturnEnd = SM.getExpansionLoc(InClass->getReturnTypeSourceRange().getEnd());
        R.ReplaceText(SourceRange(definitionBegin(*InClass, SM), ReturnEnd),
                      "struct " + F->FutureName + ";\n  " + (F->IsStatic ? "static " : "") + F->FutureName);
      }
    }
    if (!Ok || Ctx.getDiagnostics().hasErrorOccurred())
      return;
    const RewriteBuffer *Buffer = R.getRewriteBufferFor(SM.getMainFileID());
    Out.Text = Buffer ? std::string(Buffer->begin(), Buffer->end())
                      : SM.getBufferData(SM.getMainFileID()).str();
    Out.Ok = true;
  }

private:
  std::string DisplayName;
  TransformResult &Out;
};

class TransformAction : public ASTFrontendAction {
public:
  TransformAction(const std::string &DisplayName, TransformResult &Out)
      : DisplayName(DisplayName), Out(Out) {}

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &, StringRef) override {
    return std::make_unique<TransformConsumer>(DisplayName, Out);
  }

private:
  std::string DisplayName;
  TransformResult &Out;
};

class TransformActionFactory : public tooling::FrontendActionFactory {
public:
  TransformActionFactory(const std::string &DisplayName, TransformResult &Out)
      : DisplayName(DisplayName), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<TransformAction>(DisplayName, Out);
  }

private:
  std::string DisplayName;
  TransformResult &Out;
};

} // namespace

std::unique_ptr<tooling::FrontendActionFactory>
newTransformActionFactory(const std::string &DisplayName, TransformResult &Out) {
  return std::make_unique<TransformActionFactory>(DisplayName, Out);
}

} // namespace asyncc::tool
