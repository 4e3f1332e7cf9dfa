#include "Transform.h"
#include "Analysis.h"
#include "Emission.h"
#include "Lowering.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
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

class TransformConsumer : public ASTConsumer {
public:
  TransformConsumer(const std::string &DisplayName, TransformResult &Out)
      : DisplayName(DisplayName), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
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
