#include "Measure.h"
#include "AstQueries.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "llvm/ADT/StringExtras.h"


using namespace clang;

namespace asyncc::tool {
namespace {

void findFutures(const DeclContext *DC, const LoweredFunction &F, ASTContext &Ctx,
                 std::vector<const CXXRecordDecl *> &Out) {
  for (const Decl *D : DC->decls()) {
    const auto *RD = dyn_cast<CXXRecordDecl>(D);
    // A member template's specialization stands after its class, a member.
    if (RD && RD->isThisDeclarationADefinition() && RD->getName() == F.FutureName &&
        isa<RecordDecl>(RD->getDeclContext()) == !F.ClassName.empty()) {
      const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
      if (F.Specialization ? Spec && spellTemplateArgs(Spec->getTemplateArgs().asArray(), Ctx) == F.TemplateArgs : !Spec)
        Out.push_back(RD);
    }
    if (const auto *NS = dyn_cast<NamespaceDecl>(D))
      findFutures(NS, F, Ctx, Out);
    // A method's struct is a member of its class.
    if (RD && RD->isThisDeclarationADefinition() && !RD->isDependentContext() && !F.ClassName.empty() &&
        RD->getQualifiedNameAsString() == F.ClassName)
      findFutures(RD, F, Ctx, Out);
  }
}

// The emitted struct of F at namespace scope (a static function's is in an
// unnamed namespace; a specialization has its arguments), or in its class;
// none when two namespaces each have one.
const CXXRecordDecl *findFuture(ASTContext &Ctx, const LoweredFunction &F) {
  std::vector<const CXXRecordDecl *> Found;
  findFutures(Ctx.getTranslationUnitDecl(), F, Ctx, Found);
  return Found.size() == 1 ? Found.front() : nullptr;
}

// The type of the member at Path (b0.content) of RD, through anonymous
// structs and unions.
std::optional<QualType> memberType(ASTContext &Ctx, const RecordDecl *RD, llvm::StringRef Path) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Path.split(Parts, '.');
  std::optional<QualType> T;
  for (llvm::StringRef Part : Parts) {
    if (!RD)
      return std::nullopt;
    T.reset();
    for (const NamedDecl *D : RD->lookup(DeclarationName(&Ctx.Idents.get(Part)))) {
      if (const auto *FD = dyn_cast<FieldDecl>(D))
        T = FD->getType();
      else if (const auto *IFD = dyn_cast<IndirectFieldDecl>(D))
        T = IFD->getAnonField()->getType();
    }
    if (!T)
      return std::nullopt;
    RD = (*T)->getAsRecordDecl();
  }
  return T;
}

class MeasureConsumer : public ASTConsumer {
public:
  explicit MeasureConsumer(std::vector<LoweredFunction> &Functions) : Functions(Functions) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    for (LoweredFunction &F : Functions) {
      const CXXRecordDecl *RD = findFuture(Ctx, F);
      if (!RD || RD->isInvalidDecl() || RD->isDependentType())
        continue;
      F.FutureSize = Ctx.getTypeSizeInChars(Ctx.getRecordType(RD)).getQuantity();
      std::vector<std::string> Paths;
      for (const Parameter &P : F.Params)
        Paths.push_back(P.Name);
      forEachSlot(F.Frame, [&](const std::string &Path, const LayoutNode &) { Paths.push_back(Path); });
      for (const std::string &Path : Paths)
        if (std::optional<QualType> T = memberType(Ctx, RD, Path); T && !(*T)->isIncompleteType())
          F.MemberSizes[Path] = Ctx.getTypeSizeInChars(*T).getQuantity();
    }
  }

private:
  std::vector<LoweredFunction> &Functions;
};

class MeasureAction : public ASTFrontendAction {
public:
  explicit MeasureAction(std::vector<LoweredFunction> &Functions) : Functions(Functions) {}

protected:
  bool BeginSourceFileAction(CompilerInstance &CI) override {
    // The input's own diagnostics were shown when it was transformed. They
    // are still counted: code that does not compile (a future of a header
    // that is not transformed here) is not measured.
    CI.getDiagnostics().setClient(new IgnoringDiagConsumer(), /*ShouldOwnClient=*/true);
    return true;
  }
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &, llvm::StringRef) override {
    return std::make_unique<MeasureConsumer>(Functions);
  }

private:
  std::vector<LoweredFunction> &Functions;
};

class MeasureActionFactory : public tooling::FrontendActionFactory {
public:
  explicit MeasureActionFactory(std::vector<LoweredFunction> &Functions) : Functions(Functions) {}
  std::unique_ptr<FrontendAction> create() override { return std::make_unique<MeasureAction>(Functions); }

private:
  std::vector<LoweredFunction> &Functions;
};

} // namespace

std::unique_ptr<tooling::FrontendActionFactory> newMeasureActionFactory(std::vector<LoweredFunction> &Functions) {
  return std::make_unique<MeasureActionFactory>(Functions);
}

} // namespace asyncc::tool
