#include "Measure.h"
#include "AstQueries.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecordLayout.h"
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

// The member at Path (await1.value) of RD, through anonymous unions: its
// type and its offset in RD.
struct Member {
  QualType Type;
  uint64_t Offset = 0;
};
std::optional<Member> memberAt(ASTContext &Ctx, const RecordDecl *RD, llvm::StringRef Path) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Path.split(Parts, '.');
  std::optional<Member> M;
  uint64_t Offset = 0;
  for (llvm::StringRef Part : Parts) {
    if (!RD || RD->isInvalidDecl() || !RD->isCompleteDefinition())
      return std::nullopt;
    M.reset();
    auto add = [&](const FieldDecl *FD) {
      Offset += Ctx.getASTRecordLayout(FD->getParent()).getFieldOffset(FD->getFieldIndex()) / Ctx.getCharWidth();
    };
    for (const NamedDecl *D : RD->lookup(DeclarationName(&Ctx.Idents.get(Part)))) {
      if (const auto *FD = dyn_cast<FieldDecl>(D)) {
        add(FD);
        M = Member{FD->getType(), Offset};
      } else if (const auto *IFD = dyn_cast<IndirectFieldDecl>(D)) {
        for (const NamedDecl *Link : IFD->chain())
          add(cast<FieldDecl>(Link));
        M = Member{IFD->getAnonField()->getType(), Offset};
      }
      break;
    }
    if (!M)
      return std::nullopt;
    RD = M->Type->getAsRecordDecl();
  }
  return M;
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
      for (const FrameSlot &Slot : F.Frame)
        Paths.push_back(Slot.Name + ".value");
      for (const std::string &Path : Paths)
        if (std::optional<Member> M = memberAt(Ctx, RD, Path); M && !M->Type->isIncompleteType()) {
          F.MemberSizes[Path] = Ctx.getTypeSizeInChars(M->Type).getQuantity();
          F.MemberOffsets[Path] = M->Offset;
        }
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
