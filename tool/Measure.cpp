#include "Measure.h"
#include "AstQueries.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"

#include <functional>
#include <set>

using namespace clang;

namespace asyncc::tool {
namespace {

void findFutures(const DeclContext *DC, const LoweredFunction &F, ASTContext &Ctx,
                 std::vector<const CXXRecordDecl *> &Out) {
  for (const Decl *D : DC->decls()) {
    if (const auto *RD = dyn_cast<CXXRecordDecl>(D);
        RD && RD->isThisDeclarationADefinition() && RD->getName() == F.FutureName) {
      const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
      if (F.Specialization ? Spec && spellTemplateArgs(Spec->getTemplateArgs().asArray(), Ctx) == F.TemplateArgs : !Spec)
        Out.push_back(RD);
    }
    if (const auto *NS = dyn_cast<NamespaceDecl>(D))
      findFutures(NS, F, Ctx, Out);
  }
}

// The emitted struct of F at namespace scope (a static function's is in an
// unnamed namespace; a specialization has its arguments); none when two
// namespaces each have one.
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

// `state_ = State::X`: X.
std::optional<std::string> assignedState(const Stmt *S) {
  const auto *BO = dyn_cast<BinaryOperator>(S);
  if (!BO || BO->getOpcode() != BO_Assign)
    return std::nullopt;
  const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts());
  const auto *DRE = dyn_cast<DeclRefExpr>(BO->getRHS()->IgnoreParenImpCasts());
  if (!ME || !DRE || ME->getMemberDecl()->getName() != "state_" || !isa<EnumConstantDecl>(DRE->getDecl()))
    return std::nullopt;
  return DRE->getDecl()->getNameAsString();
}

bool callsPending(const Stmt *S) {
  if (!S)
    return false;
  if (const auto *CE = dyn_cast<CallExpr>(S))
    if (const auto *FD = CE->getDirectCallee(); FD && FD->getName() == "pending")
      return true;
  for (const Stmt *C : S->children())
    if (callsPending(C))
      return true;
  return false;
}

// The states poll can leave the future in after resuming at From, besides
// staying when the awaited future is pending: the first `state_ = State::X`
// on each path, Done when it returns a value.
std::vector<std::string> successors(const CFGBlock *From) {
  std::set<std::string> Next;
  llvm::SmallPtrSet<const CFGBlock *, 32> Seen;
  std::function<void(const CFGBlock *)> walk = [&](const CFGBlock *B) {
    if (!B || !Seen.insert(B).second)
      return;
    for (const CFGElement &E : *B) {
      auto CS = E.getAs<CFGStmt>();
      if (!CS)
        continue;
      if (std::optional<std::string> State = assignedState(CS->getStmt())) {
        Next.insert(*State);
        return;
      }
      if (const auto *RS = dyn_cast<ReturnStmt>(CS->getStmt())) {
        if (!callsPending(RS))  // pending: the state stays
          Next.insert("Done");
        return;
      }
    }
    for (const CFGBlock::AdjacentBlock &Succ : B->succs())
      walk(Succ.getReachableBlock());
  };
  walk(From);
  return std::vector<std::string>(Next.begin(), Next.end());
}

void measureTransitions(ASTContext &Ctx, const CXXRecordDecl *RD, LoweredFunction &F) {
  const CXXMethodDecl *Poll = nullptr;
  for (const CXXMethodDecl *MD : RD->methods())
    if (MD->getName() == "poll" && MD->hasBody())
      Poll = MD;
  if (!Poll)
    return;
  std::unique_ptr<CFG> Graph = CFG::buildCFG(Poll, Poll->getBody(), &Ctx, CFG::BuildOptions());
  if (!Graph)
    return;
  for (const CFGBlock *B : *Graph) {
    const Stmt *Label = B->getLabel();
    if (const auto *CS = dyn_cast_or_null<CaseStmt>(Label)) {
      // case State::Start: the body runs from its beginning.
      const auto *DRE = dyn_cast<DeclRefExpr>(CS->getLHS()->IgnoreParenImpCasts());
      if (DRE && DRE->getDecl()->getName() == "Start")
        F.Transitions["Start"] = successors(B);
    } else if (const auto *LS = dyn_cast_or_null<LabelStmt>(Label)) {
      // resumeN: where the state States[N-1] resumes.
      unsigned N;
      llvm::StringRef Name = LS->getName();
      if (Name.consume_front("resume") && !Name.getAsInteger(10, N) && N >= 1 && N <= F.States.size())
        F.Transitions[F.States[N - 1].Name] = successors(B);
    }
  }
}

void collectPaths(const LayoutNode &N, const std::string &Prefix, std::vector<std::string> &Out) {
  if (N.NodeKind == LayoutNode::Slot) {
    Out.push_back(Prefix + N.Name);
    return;
  }
  std::string Inner = N.NodeKind == LayoutNode::Struct && !N.Name.empty() ? Prefix + N.Name + "." : Prefix;
  for (const LayoutNode &C : N.Children)
    collectPaths(C, Inner, Out);
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
      collectPaths(F.Frame, "", Paths);
      for (const std::string &Path : Paths)
        if (std::optional<QualType> T = memberType(Ctx, RD, Path); T && !(*T)->isIncompleteType())
          F.MemberSizes[Path] = Ctx.getTypeSizeInChars(*T).getQuantity();
      measureTransitions(Ctx, RD, F);
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
