#include "AsyncMarks.h"

#include "Diagnostics.h"
#include "Find.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Sema/Scope.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

#include <vector>

using namespace clang;

namespace asyncc::tool {
namespace {

// The offsets of ASYNC's expansions, by file.
using Expansions = llvm::DenseMap<FileID, std::vector<unsigned>>;

// Records each expansion of the ASYNC of <asyncc/async.hpp> (a user's own
// macro of that name is not ours), where it is written in a file.
class ExpansionRecorder : public PPCallbacks {
public:
  ExpansionRecorder(const SourceManager &SM, std::shared_ptr<Expansions> Out) : SM(SM), Out(std::move(Out)) {}

  void MacroExpands(const Token &Name, const MacroDefinition &MD, SourceRange Range, const MacroArgs *) override {
    const IdentifierInfo *II = Name.getIdentifierInfo();
    const MacroInfo *MI = MD.getMacroInfo();
    if (!II || II->getName() != "ASYNC" || !MI)
      return;
    StringRef Header = SM.getFilename(SM.getSpellingLoc(MI->getDefinitionLoc()));
    if (!Header.ends_with("asyncc/async.hpp"))
      return;
    std::pair<FileID, unsigned> At = SM.getDecomposedLoc(SM.getExpansionLoc(Range.getBegin()));
    (*Out)[At.first].push_back(At.second);
  }

private:
  const SourceManager &SM;
  std::shared_ptr<Expansions> Out;
};

// Where the main file names a function (a DeclRefExpr to it, in templates'
// instantiations too); invalid if it does not.
class UseFinder : public RecursiveASTVisitor<UseFinder> {
public:
  UseFinder(const SourceManager &SM, const FunctionDecl &Target) : SM(SM), Target(Target) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    if (E->getDecl() == &Target && SM.isInMainFile(SM.getExpansionLoc(E->getBeginLoc())))
      Found = SM.getExpansionLoc(E->getBeginLoc());
    return Found.isInvalid();
  }
  SourceLocation Found;

private:
  const SourceManager &SM;
  const FunctionDecl &Target;
};

class AsyncMarker : public ASTConsumer, public RecursiveASTVisitor<AsyncMarker> {
public:
  AsyncMarker(CompilerInstance &CI, std::shared_ptr<Expansions> Found)
      : CI(CI), LangOpts(CI.getLangOpts()), Found(std::move(Found)) {}

  void HandleTranslationUnit(ASTContext &Context) override {
    if (Found->empty())
      return;
    for (auto &[File, Offsets] : *Found)
      llvm::sort(Offsets);
    Ctx = &Context;
    TraverseDecl(Context.getTranslationUnitDecl());
    instantiateDeclaredOnly();
  }

  // Only the files ASYNC is written in hold functions to mark.
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) &&
        !Found->count(Ctx->getSourceManager().getFileID(Ctx->getSourceManager().getExpansionLoc(D->getLocation()))))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (const auto *Method = dyn_cast<CXXMethodDecl>(FD); Method && Method->getParent()->isLambda())
      return true;  // marked from its LambdaExpr, whose head holds the ASYNC
    SourceLocation Begin = FD->getOuterLocStart();
    if (const FunctionTemplateDecl *Template = FD->getDescribedFunctionTemplate())
      Begin = Template->getBeginLoc();
    // Its own body: getBody() would find the definition's from a declaration.
    const Stmt *Body = FD->doesThisDeclarationHaveABody() ? FD->getBody() : nullptr;
    if (const CXXTryStmt *Try = Body ? functionTryBlock(*FD) : nullptr)
      Body = Try;
    if (SourceLocation At = writtenIn(Begin, Body ? Body->getBeginLoc() : FD->getEndLoc()); At.isValid())
      mark(*FD, At);
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *LE) {
    if (SourceLocation At = writtenIn(LE->getBeginLoc(), LE->getCompoundStmtBody()->getBeginLoc()); At.isValid())
      mark(*LE->getCallOperator(), At);
    return true;
  }

private:
  // The ASYNC written in a declaration's head, from Begin to End (the body,
  // or the end of a declaration without one), or just before it with only
  // attributes between; invalid if there is none.
  SourceLocation writtenIn(SourceLocation Begin, SourceLocation End) const {
    const SourceManager &SM = Ctx->getSourceManager();
    Begin = SM.getExpansionLoc(Begin);
    End = SM.getExpansionLoc(End);
    auto [File, BeginOffset] = SM.getDecomposedLoc(Begin);
    auto [EndFile, EndOffset] = SM.getDecomposedLoc(End);
    auto It = Found->find(File);
    if (File != EndFile || It == Found->end())
      return {};
    const std::vector<unsigned> &Offsets = It->second;
    auto Next = llvm::lower_bound(Offsets, BeginOffset);
    // Inside: a function made by a macro has its head and the ASYNC in it at
    // the macro's one location.
    if (Next != Offsets.end() && (*Next < EndOffset || *Next == BeginOffset))
      return Begin.getLocWithOffset(*Next - BeginOffset);
    if (Next == Offsets.begin())
      return {};
    SourceLocation Before = Begin.getLocWithOffset(-static_cast<int>(BeginOffset - *std::prev(Next)));
    return onlyAttributesBetween(Before, Begin) ? Before : SourceLocation();
  }

  // Whether the tokens after the one at From, up to To, are attributes only.
  bool onlyAttributesBetween(SourceLocation From, SourceLocation To) const {
    const SourceManager &SM = Ctx->getSourceManager();
    std::optional<Token> T = Lexer::findNextToken(From, SM, LangOpts);
    auto next = [&] { T = Lexer::findNextToken(T->getLocation(), SM, LangOpts); };
    // Past the group that opens at T, `[[...]]` or `(...)`.
    auto skipGroup = [&](tok::TokenKind Open, tok::TokenKind Close) {
      int Depth = 0;
      do {
        Depth += T->is(Open) ? 1 : T->is(Close) ? -1 : 0;
        next();
      } while (T && Depth > 0);
    };
    while (T && SM.isBeforeInTranslationUnit(T->getLocation(), To)) {
      if (T->is(tok::l_square)) {
        skipGroup(tok::l_square, tok::r_square);
      } else if (T->is(tok::raw_identifier) && T->getRawIdentifier() == "__attribute__") {
        next();
        skipGroup(tok::l_paren, tok::r_paren);
      } else {
        return false;
      }
    }
    return T && T->getLocation() == To;
  }

  // An instantiation of an ASYNC template (a function template, a member
  // template, a generic lambda's call operator) that only an unevaluated
  // operand names (`decltype(twice(1))`, with the return type written) is
  // declared, without a body: its future's struct would be missing, or a
  // generic lambda would have no version for it. Its body is instantiated
  // here, as a call would have. C++ never compiles that body: one that does
  // not compile for those arguments is refused at the unevaluated use, with
  // asyncc's diagnostic rather than the body's errors.
  void instantiateDeclaredOnly() {
    if (!CI.hasSema())
      return;
    Sema &S = CI.getSema();
    std::vector<FunctionDecl *> DeclaredOnly;
    for (const FunctionTemplateDecl *Template : Templates)
      for (FunctionDecl *Spec : Template->specializations())
        if (!Spec->hasBody() && Spec->isReferenced() && !Spec->isDeleted())
          DeclaredOnly.push_back(Spec);
    if (DeclaredOnly.empty())
      return;
    // The file's scope is gone once it is parsed; an instantiation looks up
    // names in it (the builtins a coroutine calls), so it stands for a while.
    Scope File(nullptr, Scope::DeclScope, CI.getDiagnostics());
    File.setEntity(Ctx->getTranslationUnitDecl());
    S.TUScope = &File;
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    bool Suppressed = Diags.getSuppressAllDiagnostics();
    std::vector<const FunctionDecl *> Failed;
    Diags.setSuppressAllDiagnostics(true);
    for (FunctionDecl *Spec : DeclaredOnly) {
      DiagnosticErrorTrap Trap(Diags);
      S.InstantiateFunctionDefinition(Spec->getPointOfInstantiation(), Spec, /*Recursive=*/true);
      S.PerformPendingInstantiations();
      if (Trap.hasErrorOccurred())
        Failed.push_back(Spec);
    }
    Diags.setSuppressAllDiagnostics(Suppressed);
    S.TUScope = nullptr;
    for (const FunctionDecl *Spec : Failed) {
      UseFinder Use(Ctx->getSourceManager(), *Spec);
      Use.TraverseDecl(Ctx->getTranslationUnitDecl());
      report(*Ctx, Diag::UnevaluatedInstantiation, Use.Found.isValid() ? Use.Found : Spec->getLocation());
    }
  }

  // Every declaration of FD is ASYNC (one of them says so); each carries
  // the location of its own ASYNC, where its definition's text begins.
  void mark(FunctionDecl &FD, SourceLocation At) {
    if (const FunctionTemplateDecl *Template = FD.getDescribedFunctionTemplate())
      Templates.push_back(Template);
    for (FunctionDecl *R : FD.redecls()) {
      if (AnnotateAttr *Mark = asyncMark(*R)) {
        if (R == &FD)
          Mark->setRange(SourceRange(At));
        continue;
      }
      R->addAttr(AnnotateAttr::CreateImplicit(*Ctx, AsyncAnnotation, nullptr, 0,
                                              R == &FD ? SourceRange(At) : SourceRange()));
    }
  }

  CompilerInstance &CI;
  const LangOptions &LangOpts;
  std::shared_ptr<Expansions> Found;
  ASTContext *Ctx = nullptr;
  std::vector<const FunctionTemplateDecl *> Templates;  // the ASYNC ones
};

} // namespace

std::unique_ptr<ASTConsumer> markingAsyncFunctions(CompilerInstance &CI, std::unique_ptr<ASTConsumer> Next) {
  auto Found = std::make_shared<Expansions>();
  CI.getPreprocessor().addPPCallbacks(std::make_unique<ExpansionRecorder>(CI.getSourceManager(), Found));
  std::vector<std::unique_ptr<ASTConsumer>> Consumers;
  Consumers.push_back(std::make_unique<AsyncMarker>(CI, std::move(Found)));
  Consumers.push_back(std::move(Next));
  return std::make_unique<MultiplexConsumer>(std::move(Consumers));
}

} // namespace asyncc::tool
