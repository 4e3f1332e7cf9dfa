#include "Transform.h"

#include "AsyncMarks.h"
#include "AstQueries.h"
#include "Checks.h"
#include "Find.h"
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
#include "clang/Frontend/Utils.h"
#include "clang/Lex/Lexer.h"

#include <algorithm>

using namespace clang;

namespace asyncc::tool {
namespace {

// A `static` function's future and wrapper keep its internal linkage.
std::string withLinkageOf(const FunctionDecl &FD, std::string Text) {
  if (isa<CXXMethodDecl>(FD) || FD.getStorageClass() != SC_Static)
    return Text;
  return inUnnamedNamespace(Text);
}

// The emitted text with the line endings of the input.
std::string withLineEndings(const std::string &Text, bool CRLF) {
  std::string Out;
  Out.reserve(Text.size() + Text.size() / 16);
  for (size_t I = 0; I != Text.size(); ++I) {
    if (Text[I] == '\r' && I + 1 != Text.size() && Text[I + 1] == '\n')
      continue;
    if (Text[I] == '\n' && CRLF)
      Out += '\r';
    Out += Text[I];
  }
  return Out;
}

// The input's text from B to E, tokens included.
std::string sourceText(SourceLocation B, SourceLocation E, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  return Lexer::getSourceText(CharSourceRange::getTokenRange(SM.getExpansionLoc(B), SM.getExpansionLoc(E)), SM,
                              Ctx.getLangOpts())
      .str();
}

// What the wrapper of a template, defined after the specializations, needs
// of its pattern F (Emission.h).
TemplateWrapper wrapperOf(const FunctionDecl &F, const TemplateParameterList &Params, const ASTContext &Ctx) {
  TemplateWrapper W;
  W.Name = F.getNameAsString();
  W.Head = sourceText(Params.getTemplateLoc(), Params.getRAngleLoc(), Ctx);
  W.Declarator = sourceText(F.getLocation(), F.getFunctionTypeLoc().getRParenLoc(), Ctx);
  std::vector<std::string> Parameters, Arguments, Names;
  for (const ParmVarDecl *P : F.parameters()) {
    Parameters.push_back(sourceText(P->getBeginLoc(), P->getLocation(), Ctx));
    Arguments.push_back(P->getType()->isReferenceType() ? P->getNameAsString()
                                                          : "std::move(" + P->getNameAsString() + ")");
  }
  for (const NamedDecl *P : Params)
    Names.push_back(P->getNameAsString());
  W.Parameters = W.Name + "(" + llvm::join(Parameters, ", ") + ")";
  W.Arguments = llvm::join(Arguments, ", ");
  W.TemplateArgs = "<" + llvm::join(Names, ", ") + ">";
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&F)) {
    W.IsStatic = Method->isStatic();
    W.IsConst = Method->isConst();
  }
  return W;
}

class TransformConsumer : public ASTConsumer {
public:
  TransformConsumer(const TransformOptions &Options, TransformResult &Out) : Options(Options), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    checkAnnotations(Ctx);
    checkDanglingLambdas(Ctx);
    SourceManager &SM = Ctx.getSourceManager();
    StringRef Input = SM.getBufferData(SM.getMainFileID());
    size_t FirstNewline = Input.find('\n');
    bool CRLF = FirstNewline != StringRef::npos && FirstNewline != 0 && Input[FirstNewline - 1] == '\r';
    bool Ok = true;
    std::string Text;
    unsigned Copied = 0;  // offset in Input
    std::vector<Edit> Edits;
    for (const FunctionDecl *FD : findAsyncFunctions(Ctx)) {
      if (!checkAwaitedFunctions(*FD, Ctx)) {
        Ok = false;
        continue;
      }
      if (const auto *Method = dyn_cast<CXXMethodDecl>(FD);
          Method && Method->getParent()->getDescribedClassTemplate() && !Method->getDescribedFunctionTemplate() &&
          !Method->isOutOfLine()) {
        if (!transformClassTemplateMethod(*Method, Ctx, CRLF, Edits))
          Ok = false;
        continue;
      }
      if (const FunctionTemplateDecl *Template = FD->getDescribedFunctionTemplate()) {
        std::optional<std::string> Future = transformFunctionTemplate(*Template, Ctx);
        if (!Future) {
          Ok = false;
          continue;
        }
        Edits.push_back({SM.getFileOffset(SM.getExpansionLoc(Template->getBeginLoc())),
                         SM.getFileOffset(SM.getExpansionLoc(FD->getEndLoc())) + 1,
                         withLineEndings(withLinkageOf(*FD, *Future), CRLF)});
        continue;
      }
      std::optional<LoweredFunction> F = lowerAsyncFunction(*FD, Ctx, Options.DisplayName);
      if (!F) {
        Ok = false;
        continue;
      }
      // The definition becomes the future (a lambda, all of it); an
      // out-of-line method's declaration in the class now declares the
      // future and returns it.
      const LambdaExpr *Lambda = lambdaOf(*FD, Ctx);
      Edits.push_back({SM.getFileOffset(Lambda ? SM.getExpansionLoc(Lambda->getBeginLoc()) : textBegin(*FD)),
                       SM.getFileOffset(SM.getExpansionLoc(FD->getEndLoc())) + 1,  // after the '}'
                       withLineEndings(withLinkageOf(*FD, emitFuture(*F, Options.Emission)), CRLF)});
      if (F->OutOfLine) {
        const FunctionDecl *InClass = FD->getCanonicalDecl();
        SourceLocation ReturnEnd = Lexer::getLocForEndOfToken(
            SM.getExpansionLoc(InClass->getReturnTypeSourceRange().getEnd()), 0, SM, Ctx.getLangOpts());
        Edits.push_back({SM.getFileOffset(textBegin(*InClass)), SM.getFileOffset(ReturnEnd),
                         withLineEndings(emitOutOfLineDeclaration(*F, leadingAttributes(*InClass)), CRLF)});
      }
      Out.Functions.push_back(std::move(*F));
    }
    if (!Ok || Ctx.getDiagnostics().hasErrorOccurred())
      return;
    // Stable: several insertions at one place keep their order.
    std::stable_sort(Edits.begin(), Edits.end(), [](const Edit &A, const Edit &B) { return A.Begin < B.Begin; });
    for (const Edit &E : Edits) {
      Text.append(Input.data() + Copied, E.Begin - Copied);
      Out.Replaced.emplace_back(Text.size(), E.Text.size());
      Text += E.Text;
      Copied = E.End;
    }
    Text.append(Input.data() + Copied, Input.size() - Copied);
    Out.Text = std::move(Text);
    Out.Ok = true;
  }

private:
  struct Edit {
    unsigned Begin, End;  // offsets in the input
    std::string Text;
  };

  // An ASYNC method defined in a class template: in the class, the future's
  // struct is declared and the method returns it; after the class, each
  // specialization of the class this file uses gets an explicit
  // specialization of that struct, and the method is defined once, for all.
  bool transformClassTemplateMethod(const CXXMethodDecl &Method, ASTContext &Ctx, bool CRLF, std::vector<Edit> &Edits) {
    const SourceManager &SM = Ctx.getSourceManager();
    const ClassTemplateDecl *Class = Method.getParent()->getDescribedClassTemplate();
    TemplateWrapper W = wrapperOf(Method, *Class->getTemplateParameters(), Ctx);
    W.ClassName = Class->getNameAsString();
    Edits.push_back({SM.getFileOffset(textBegin(Method)),
                     SM.getFileOffset(SM.getExpansionLoc(Method.getEndLoc())) + 1,
                     withLineEndings(emitMethodDeclaration(W), CRLF)});
    std::vector<LoweredFunction> Specializations;
    bool Ok = true;
    for (const ClassTemplateSpecializationDecl *Spec : Class->specializations())
      for (const NamedDecl *D : Spec->lookup(Method.getDeclName())) {
        const auto *Instance = dyn_cast<CXXMethodDecl>(D);
        if (!Instance || Instance->getTemplateInstantiationPattern() != &Method || !Instance->hasBody())
          continue;
        if (std::optional<LoweredFunction> F = lowerAsyncFunction(*Instance, Ctx, Options.DisplayName))
          Specializations.push_back(std::move(*F));
        else
          Ok = false;
      }
    if (!Ok)
      return false;
    // After the class template's closing `};`.
    SourceLocation AfterClass = Lexer::findLocationAfterToken(SM.getExpansionLoc(Class->getEndLoc()), tok::semi, SM,
                                                              Ctx.getLangOpts(), false);
    if (AfterClass.isInvalid())
      return false;
    unsigned At = SM.getFileOffset(AfterClass);
    Edits.push_back({At, At, withLineEndings(emitClassTemplateMethod(W, Specializations, Options.Emission), CRLF)});
    Out.Functions.insert(Out.Functions.end(), Specializations.begin(), Specializations.end());
    return true;
  }

  // An ASYNC function template: the struct template, declared; its explicit
  // specialization for each instantiation this file uses, each lowered like
  // a function; then the function template that makes the future.
  std::optional<std::string> transformFunctionTemplate(const FunctionTemplateDecl &Template, ASTContext &Ctx) {
    TemplateWrapper W = wrapperOf(*Template.getTemplatedDecl(), *Template.getTemplateParameters(), Ctx);
    std::vector<LoweredFunction> Specializations;
    bool Ok = true;
    for (const FunctionDecl *Spec : Template.specializations()) {
      if (!Spec->hasBody())
        continue;
      if (std::optional<LoweredFunction> F = lowerAsyncFunction(*Spec, Ctx, Options.DisplayName))
        Specializations.push_back(std::move(*F));
      else
        Ok = false;
    }
    if (!Ok)
      return std::nullopt;
    std::string Text = emitFunctionTemplate(W, Specializations, Options.Emission);
    Out.Functions.insert(Out.Functions.end(), Specializations.begin(), Specializations.end());
    return Text;
  }

  const TransformOptions &Options;
  TransformResult &Out;
};

// Every file the preprocessor enters, system headers too (as -MD).
class Dependencies : public DependencyCollector {
  bool needSystemDependencies() override { return true; }
};

class TransformAction : public ASTFrontendAction {
public:
  TransformAction(const TransformOptions &Options, TransformResult &Out) : Options(Options), Out(Out) {}

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI, StringRef) override {
    Deps = std::make_shared<Dependencies>();
    Deps->attachToPreprocessor(CI.getPreprocessor());
    return markingAsyncFunctions(CI, std::make_unique<TransformConsumer>(Options, Out));
  }

  void EndSourceFileAction() override {
    if (!Deps)
      return;
    std::vector<std::string> Files = Deps->getDependencies();
    if (!Files.empty())
      std::sort(Files.begin() + 1, Files.end());
    Out.Dependencies = std::move(Files);
  }

private:
  const TransformOptions &Options;
  TransformResult &Out;
  std::shared_ptr<Dependencies> Deps;
};

class TransformActionFactory : public tooling::FrontendActionFactory {
public:
  TransformActionFactory(const TransformOptions &Options, TransformResult &Out) : Options(Options), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override { return std::make_unique<TransformAction>(Options, Out); }

private:
  TransformOptions Options;
  TransformResult &Out;
};

} // namespace

std::unique_ptr<tooling::FrontendActionFactory>
newTransformActionFactory(const TransformOptions &Options, TransformResult &Out) {
  return std::make_unique<TransformActionFactory>(Options, Out);
}

} // namespace asyncc::tool
