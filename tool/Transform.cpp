#include "Transform.h"

#include "AsyncMarks.h"
#include "AstQueries.h"
#include "Checks.h"
#include "Diagnostics.h"
#include "Find.h"
#include "Emission.h"
#include "Lowering.h"

#include "MainFileVisitor.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/Utils.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <map>

using namespace clang;

namespace asyncc::tool {
namespace {

// A `static` function's future and wrapper keep its internal linkage (the
// first declaration says `static`, later ones need not).
std::string withLinkageOf(const FunctionDecl &FD, std::string Text) {
  if (isa<CXXMethodDecl>(FD) || FD.getCanonicalDecl()->getStorageClass() != SC_Static)
    return Text;
  return inUnnamedNamespace(Text);
}

// A definition by qualified name (`lib::fetch`) defines its future and its
// wrapper in the namespace that names, reopened, where the body's names are
// looked up as in the qualified definition.
std::string inNamespaceOf(const FunctionDecl &FD, std::string Text) {
  if (isa<CXXMethodDecl>(FD) || !FD.getQualifier())
    return Text;
  std::vector<std::string> Names;
  for (const DeclContext *DC = FD.getDeclContext(); DC && !DC->Equals(FD.getLexicalDeclContext());
       DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      Names.insert(Names.begin(), NS->getName().str());
  std::string Path = llvm::join(Names, "::");
  return "namespace " + Path + (Path.empty() ? "" : " ") + "{\n" + Text + "\n} // namespace " + Path;
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

// F's name and parameters as written, without default arguments: a
// definition apart from its declaration may not repeat them.
std::string declaratorWithoutDefaults(const FunctionDecl &F, const ASTContext &Ctx) {
  std::vector<std::string> Parameters;
  for (const ParmVarDecl *P : F.parameters()) {
    // An unnamed one ends with its type.
    SourceLocation End = P->getName().empty() && P->getTypeSourceInfo()
                             ? P->getTypeSourceInfo()->getTypeLoc().getEndLoc()
                             : P->getLocation();
    Parameters.push_back(withParameterNames(F, P->getBeginLoc(), End, Ctx));
  }
  return F.getNameAsString() + "(" + llvm::join(Parameters, ", ") + ")";
}

// What the wrapper of a template, defined after the specializations, needs
// of its pattern F (Emission.h).
TemplateWrapper wrapperOf(const FunctionDecl &F, const TemplateParameterList &Params, const ASTContext &Ctx) {
  TemplateWrapper W;
  W.Name = F.getNameAsString();
  W.Head = sourceText(Params.getTemplateLoc(), Params.getRAngleLoc(), Ctx);
  W.Declarator = withParameterNames(F, F.getLocation(), F.getFunctionTypeLoc().getRParenLoc(), Ctx);
  std::vector<std::string> Arguments, Names;
  for (const ParmVarDecl *P : F.parameters()) {
    std::string Name = parameterName(*P, Ctx);
    Arguments.push_back(P->getType()->isReferenceType() ? Name : "std::move(" + Name + ")");
  }
  for (const NamedDecl *P : Params)
    Names.push_back(P->getNameAsString());
  W.Parameters = declaratorWithoutDefaults(F, Ctx);
  W.Arguments = llvm::join(Arguments, ", ");
  W.TemplateArgs = "<" + llvm::join(Names, ", ") + ">";
  W.Future = futureNameOf(F);
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&F)) {
    W.IsStatic = Method->isStatic();
    if (Method->isConst())
      W.Qualifiers += " const";
    if (Method->isVolatile())
      W.Qualifiers += " volatile";
    if (Method->getRefQualifier() != RQ_None)
      W.Qualifiers += Method->getRefQualifier() == RQ_LValue ? " &" : " &&";
  }
  return W;
}

// A call of an ASYNC function needs its future's struct complete: a call
// before the struct is defined (between a declaration and the definition,
// when the struct stays with the body) would not compile. An awaited one is
// the lowering's to report.
class EarlyCallChecker : public MainFileVisitor<EarlyCallChecker> {
public:
  explicit EarlyCallChecker(ASTContext &Ctx)
      : MainFileVisitor(Ctx.getSourceManager()), Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  bool VisitCoawaitExpr(CoawaitExpr *E) {
    Awaited.insert(E->getOperand()->IgnoreImplicit());
    return true;
  }

  bool VisitCallExpr(CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
    if (!Def || !isAsync(*Def) || Awaited.count(Call) || lambdaOf(*Def, Ctx) || Def->isTemplated())
      return true;
    // An instantiation's struct is where its template is written.
    const FunctionDecl *Written = Def->getTemplateInstantiationPattern();
    if (!Written)
      Written = &futureHome(*Def);
    if (!SM.isInMainFile(SM.getExpansionLoc(Written->getLocation())))
      return true;
    if (const auto *Method = dyn_cast<CXXMethodDecl>(Written); Method && !Method->isOutOfLine()) {
      // Its struct is a member, complete in the class's member functions;
      // unless it follows the class (a member template's, or one that awaits
      // it): then what is lowered after the class may call it, nothing else
      // in the class.
      if (!afterClassDepth(*Def) && !Def->isFunctionTemplateSpecialization())
        return true;
      const CXXRecordDecl *Class = Method->getParent();
      const FunctionDecl *Caller = enclosingFunction(*Call);
      SourceLocation At = SM.getExpansionLoc(Call->getBeginLoc());
      if (Caller && isAsync(*Caller) && (afterClassDepth(*Caller) || Caller->isTemplateInstantiation()))
        return true;
      if (SM.isBeforeInTranslationUnit(At, SM.getExpansionLoc(Class->getBraceRange().getEnd())) &&
          !SM.isBeforeInTranslationUnit(At, SM.getExpansionLoc(Class->getBeginLoc()))) {
        report(Ctx, Diag::CalledInClass, At) << Callee->getNameAsString();
        Failed = true;
      }
      return true;
    }
    SourceLocation At = SM.getExpansionLoc(Call->getBeginLoc());
    if (SM.isBeforeInTranslationUnit(At, textBegin(*Written))) {
      report(Ctx, Diag::CalledBeforeFuture, At) << Callee->getNameAsString();
      Failed = true;
    }
    return true;
  }

  bool Failed = false;

private:
  const FunctionDecl *enclosingFunction(const Stmt &S) {
    for (DynTypedNodeList Parents = Ctx.getParents(S); !Parents.empty(); Parents = Ctx.getParents(Parents[0])) {
      if (const auto *F = Parents[0].get<FunctionDecl>())
        return F;
    }
    return nullptr;
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  llvm::DenseSet<const Expr *> Awaited;
};

// An await of an ASYNC member template's specialization: its future's type
// is not spelled with its template arguments yet. Each is reported once (an
// await's operand stands in the AST more than once, and in each
// instantiation of a template): Reported holds those of this file.
bool awaitsMemberTemplate(const FunctionDecl &FD, ASTContext &Ctx, llvm::DenseSet<const void *> &Reported) {
  bool Found = false;
  forEachStmt(FD.getBody(), [&](const Stmt *S) {
    const auto *Await = dyn_cast<CoawaitExpr>(S);
    const auto *Call = Await ? dyn_cast<CXXMemberCallExpr>(Await->getOperand()->IgnoreImplicit()) : nullptr;
    const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
    if (!Callee || !Callee->isFunctionTemplateSpecialization() || !isAsync(*Callee))
      return;
    // Its specializations follow the class, or stand where it is defined
    // outside the class: a function whose struct is defined after them,
    // outside the class, can name them.
    const CXXRecordDecl *Class = cast<CXXMethodDecl>(Callee)->getParent();
    const SourceManager &SM = Ctx.getSourceManager();
    const FunctionDecl *Pattern = Callee->getTemplateInstantiationPattern();
    bool OutOfLine = Pattern && Pattern->isOutOfLine();
    if (const auto *Method = dyn_cast<CXXMethodDecl>(&FD);
        Method && Method->getParent() == Class && afterClassDepth(FD) && !OutOfLine)
      return;
    SourceLocation Specializations = OutOfLine ? Pattern->getLocation() : Class->getEndLoc();
    if (!Class->Encloses(&FD) && !FD.isDependentContext() &&
        SM.isBeforeInTranslationUnit(SM.getExpansionLoc(Specializations),
                                     SM.getExpansionLoc(futureHome(FD).getLocation())))
      return;
    Found = true;
    if (Reported.insert(Call->getBeginLoc().getPtrEncoding()).second)
      report(Ctx, Diag::MemberTemplate, Call->getBeginLoc());
  });
  return Found;
}

// The instantiations of Pattern, a lambda written in a template: each
// instantiation of the template that holds it has one.
std::vector<const LambdaExpr *> instancesOf(const LambdaExpr &Pattern, ASTContext &Ctx) {
  class Finder : public RecursiveASTVisitor<Finder> {
  public:
    explicit Finder(const LambdaExpr &Pattern) : Pattern(Pattern) {}
    bool shouldVisitTemplateInstantiations() const { return true; }
    bool VisitLambdaExpr(LambdaExpr *LE) {
      if (LE->getBeginLoc() == Pattern.getBeginLoc() && !LE->getLambdaClass()->isDependentContext() &&
          !llvm::is_contained(Found, LE))
        Found.push_back(LE);
      return true;
    }
    const LambdaExpr &Pattern;
    std::vector<const LambdaExpr *> Found;
  } Instances(Pattern);
  Instances.TraverseDecl(Ctx.getTranslationUnitDecl());
  return Instances.Found;
}

// The condition that chooses Instance, a lambda of an instantiation of a
// template, in the template's text: each parameter of the templates around
// it equals its argument. False for parameters it cannot compare (unnamed,
// packs, templates) and for a partial specialization's instantiations.
bool templateCondition(const LambdaExpr &Instance, ASTContext &Ctx, std::string &Condition) {
  PrintingPolicy Policy = emittedPolicy(Ctx);
  std::vector<std::string> Terms;
  for (const DeclContext *DC = Instance.getLambdaClass()->getDeclContext(); DC; DC = DC->getParent()) {
    const TemplateParameterList *Params = nullptr;
    const TemplateArgumentList *Args = nullptr;
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(DC)) {
      if (Spec->getSpecializedTemplateOrPartial().is<ClassTemplatePartialSpecializationDecl *>())
        return false;
      Params = Spec->getSpecializedTemplate()->getTemplateParameters();
      Args = &Spec->getTemplateArgs();
    } else if (const auto *Fn = dyn_cast<FunctionDecl>(DC); Fn && Fn->getPrimaryTemplate()) {
      Params = Fn->getPrimaryTemplate()->getTemplateParameters();
      Args = Fn->getTemplateSpecializationArgs();
    }
    for (unsigned I = 0; Params && I != Params->size(); ++I) {
      const NamedDecl *Param = Params->getParam(I);
      const TemplateArgument &Arg = Args->get(I);
      if (Param->getName().empty() || Param->isTemplateParameterPack())
        return false;
      if (Arg.getKind() == TemplateArgument::Type)
        Terms.push_back("std::is_same_v<" + Param->getNameAsString() + ", " +
                        Arg.getAsType().getCanonicalType().getAsString(Policy) + ">");
      else if (Arg.getKind() == TemplateArgument::Integral)
        Terms.push_back(Param->getNameAsString() + " == " + toString(Arg.getAsIntegral(), 10));
      else
        return false;
    }
  }
  Condition = llvm::join(Terms, " && ");
  return true;
}

class TransformConsumer : public ASTConsumer {
public:
  TransformConsumer(const TransformOptions &Options, TransformResult &Out) : Options(Options), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    checkAnnotations(Ctx);
    checkDanglingLambdas(Ctx);
    EarlyCallChecker EarlyCalls(Ctx);
    EarlyCalls.TraverseDecl(Ctx.getTranslationUnitDecl());
    SourceManager &SM = Ctx.getSourceManager();
    StringRef Input = SM.getBufferData(SM.getMainFileID());
    size_t FirstNewline = Input.find('\n');
    bool CRLF = FirstNewline != StringRef::npos && FirstNewline != 0 && Input[FirstNewline - 1] == '\r';
    bool Ok = true;
    std::string Text;
    unsigned Copied = 0;  // offset in Input
    std::vector<Edit> Edits;
    std::vector<AtClassEnd> AtClassEnds;
    std::vector<AtClassEnd> AfterClasses;  // after the member templates' specializations
    for (const FunctionDecl *FD : findAsyncFunctions(Ctx)) {
      if (!checkAwaitedFunctions(*FD, Ctx) || awaitsMemberTemplate(*FD, Ctx, ReportedAwaits)) {
        Ok = false;
        continue;
      }
      if (const LambdaExpr *Lambda = lambdaOf(*FD, Ctx)) {
        if (loweredWith(*FD, Ctx))
          continue;  // lowered with the function whose body holds it
        if (!transformLambda(*Lambda, Ctx, CRLF, Edits))
          Ok = false;
        continue;
      }
      if (const auto *Method = dyn_cast<CXXMethodDecl>(FD);
          Method && Method->getParent()->getDescribedClassTemplate() && !Method->getDescribedFunctionTemplate()) {
        if (!transformClassTemplateMethod(*Method, Ctx, CRLF, Edits))
          Ok = false;
        continue;
      }
      if (const auto *Method = dyn_cast<CXXMethodDecl>(FD); Method && FD->getDescribedFunctionTemplate()) {
        if (!transformMemberTemplate(*Method, Ctx, CRLF, Edits))
          Ok = false;
        continue;
      }
      if (const FunctionTemplateDecl *Template = FD->getDescribedFunctionTemplate()) {
        if (const FunctionTemplateDecl *Earlier = Template->getPreviousDecl()) {
          report(Ctx, Diag::DeclaredTwice, Earlier->getLocation());
          Ok = false;
          continue;
        }
        std::optional<std::string> Future = transformFunctionTemplate(*Template, Ctx);
        if (!Future) {
          Ok = false;
          continue;
        }
        Edits.push_back({SM.getFileOffset(SM.getExpansionLoc(Template->getBeginLoc())),
                         SM.getFileOffset(SM.getExpansionLoc(bodyEnd(*FD))) + 1,
                         withLineEndings(withLinkageOf(*FD, *Future), CRLF)});
        continue;
      }
      std::optional<LoweredFunction> F = lowerAsyncFunction(*FD, Ctx, Options.DisplayName);
      if (!F) {
        Ok = false;
        continue;
      }
      if (std::optional<unsigned> Depth = afterClassDepth(*FD)) {
        if (!transformAfterClass(*cast<CXXMethodDecl>(FD), *Depth, *F, Ctx, CRLF, Edits, AfterClasses))
          Ok = false;
        addWithNestedLambdas(std::move(*F));
        continue;
      }
      // The definition becomes the future, or only its wrapper when the
      // struct is defined at the first declaration; an out-of-line method's
      // declaration in the class now declares the future and returns it.
      const FunctionDecl &Home = futureHome(*FD);
      std::optional<unsigned> Depth = classEndDepth(*FD);
      std::string Definition = Depth          ? "struct " + F->FutureName + ";\n" + emitWrapper(*F)
                               : &Home == FD ? emitFuture(*F, Options.Emission)
                                             : emitWrapper(*F);
      // A struct that needs those of methods defined after it goes to the
      // end of the class, with the method's access; here, the method.
      if (Depth) {
        const auto *Method = cast<CXXMethodDecl>(FD);
        AtClassEnds.push_back({SM.getFileOffset(SM.getExpansionLoc(Method->getParent()->getBraceRange().getEnd())),
                               *Depth,
                               std::string(getAccessSpelling(Method->getAccess())) + ":\n" +
                                   emitFutureStruct(*F, Options.Emission) + "\n"});
      }
      Edits.push_back({SM.getFileOffset(textBegin(*FD)),
                       SM.getFileOffset(SM.getExpansionLoc(bodyEnd(*FD))) + 1,  // after the '}'
                       withLineEndings(inNamespaceOf(*FD, withLinkageOf(*FD, Definition)), CRLF)});
      // A struct defined in its class has its lambdas' factories before
      // the class, where functions can be defined.
      if (const auto *Method = dyn_cast<CXXMethodDecl>(FD);
          Method && !F->LambdaFactories.empty() && (!F->OutOfLine || &Home == FD->getCanonicalDecl())) {
        LoweredFunction Member = *F;
        Member.OutOfLine = false;
        unsigned At = SM.getFileOffset(SM.getExpansionLoc(outermostClass(*Method)->getBeginLoc()));
        Edits.push_back({At, At, withLineEndings(emitLambdaFactories(Member, Options.Emission) + "\n", CRLF)});
      }
      if (!isa<CXXMethodDecl>(FD))
        for (const FunctionDecl *R : FD->redecls())
          if (R != FD && !addDeclarationEdit(*R, *F, &Home == R, Ctx, CRLF, Edits))
            Ok = false;
      if (F->OutOfLine) {
        const FunctionDecl *InClass = FD->getCanonicalDecl();
        SourceLocation ReturnEnd = Lexer::getLocForEndOfToken(
            SM.getExpansionLoc(InClass->getReturnTypeSourceRange().getEnd()), 0, SM, Ctx.getLangOpts());
        std::string Declaration = emitOutOfLineDeclaration(*F, leadingAttributes(*InClass));
        // Defined in the class, where calls before the body find it, the
        // struct is not declared again.
        if (&Home == InClass) {
          LoweredFunction Member = *F;
          Member.OutOfLine = false;
          Declaration = emitFutureStruct(Member, Options.Emission) +
                        Declaration.substr(Declaration.find('\n'));
        }
        Edits.push_back({SM.getFileOffset(textBegin(*InClass)), SM.getFileOffset(ReturnEnd),
                         withLineEndings(Declaration, CRLF)});
      }
      addWithNestedLambdas(std::move(*F));
    }
    // Those that need others first, after them.
    for (std::vector<AtClassEnd> *Structs : {&AtClassEnds, &AfterClasses}) {
      std::stable_sort(Structs->begin(), Structs->end(), [](const AtClassEnd &A, const AtClassEnd &B) {
        return std::tie(A.Offset, A.Depth) < std::tie(B.Offset, B.Depth);
      });
      for (const AtClassEnd &S : *Structs)
        Edits.push_back({S.Offset, S.Offset, withLineEndings(S.Text, CRLF)});
    }
    if (!Ok || EarlyCalls.Failed || Ctx.getDiagnostics().hasErrorOccurred())
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
  // A method's struct defined at the end of its class (classEndDepth).
  struct AtClassEnd {
    unsigned Offset;  // of the class's closing brace
    unsigned Depth;
    std::string Text;
  };

  // A method defined in its class that awaits a member template of the
  // class (afterClassDepth): in the class, its struct and the method are
  // declared, as written; after the class and the template's
  // specializations, the struct is defined and the method, `inline`.
  bool transformAfterClass(const CXXMethodDecl &Method, unsigned Depth, LoweredFunction &F, ASTContext &Ctx, bool CRLF,
                           std::vector<Edit> &Edits, std::vector<AtClassEnd> &AfterClasses) {
    const SourceManager &SM = Ctx.getSourceManager();
    SourceLocation AfterClass = Lexer::findLocationAfterToken(SM.getExpansionLoc(Method.getParent()->getEndLoc()),
                                                              tok::semi, SM, Ctx.getLangOpts(), false);
    if (AfterClass.isInvalid())
      return false;
    std::string Declaration = emitOutOfLineDeclaration(F, leadingAttributes(Method)) + " " + F.WrapperHead +
                              (F.TrailingQualifiers.empty() ? "" : " " + F.TrailingQualifiers) + ";";
    // Its lambdas' factories, defined with the struct, are private members.
    if (!F.LambdaFactoryDeclarations.empty()) {
      std::string Access = getAccessSpelling(Method.getAccess()).str();
      std::string Factories = llvm::join(F.LambdaFactoryDeclarations, "\n") + "\n";
      Declaration = (Access == "private" ? Factories : "private:\n" + Factories + Access + ":\n") + Declaration;
    }
    Edits.push_back({SM.getFileOffset(textBegin(Method)), SM.getFileOffset(SM.getExpansionLoc(bodyEnd(Method))) + 1,
                     withLineEndings(Declaration, CRLF)});
    F.OutOfLine = true;
    F.InlineSpecified = true;
    F.WrapperHead = declaratorWithoutDefaults(Method, Ctx);
    AfterClasses.push_back({SM.getFileOffset(AfterClass), Depth, "\n" + emitFuture(F, Options.Emission)});
    return true;
  }

  // A separate declaration of an ASYNC function declares its wrapper, and
  // the struct it returns: declared, or defined here when this is its home
  // (after the declaration, which a recursive poll calls with its default
  // arguments).
  bool addDeclarationEdit(const FunctionDecl &Decl, const LoweredFunction &F, bool Home, ASTContext &Ctx, bool CRLF,
                          std::vector<Edit> &Edits) {
    const SourceManager &SM = Ctx.getSourceManager();
    SourceLocation AfterSemi = Lexer::findLocationAfterToken(SM.getExpansionLoc(Decl.getEndLoc()), tok::semi, SM,
                                                             Ctx.getLangOpts(), /*SkipTrailingWhitespaceAndNewLine=*/false);
    if (AfterSemi.isInvalid()) {
      report(Ctx, Diag::DeclaredTwice, Decl.getLocation());
      return false;
    }
    std::string Attributes = leadingAttributes(Decl);
    std::string Text = "struct " + F.FutureName + ";\n" + (Attributes.empty() ? "" : Attributes + " ") + "inline " +
                       F.FutureName + " " + sourceText(Decl.getLocation(), Decl.getEndLoc(), Ctx) + ";";
    if (Home)
      Text += "\n" + emitFutureStruct(F, Options.Emission);
    Edits.push_back({SM.getFileOffset(textBegin(Decl)), SM.getFileOffset(AfterSemi),
                     withLineEndings(withLinkageOf(Decl, Text), CRLF)});
    return true;
  }

  // F, then the versions of the ASYNC lambdas in its body (and in theirs),
  // for --dump and --list.
  void addWithNestedLambdas(LoweredFunction F) {
    std::vector<LoweredFunction> Nested;
    for (const LoweredLambda &Lambda : F.NestedLambdas)
      Nested.insert(Nested.end(), Lambda.Versions.begin(), Lambda.Versions.end());
    Out.Functions.push_back(std::move(F));
    for (LoweredFunction &N : Nested)
      addWithNestedLambdas(std::move(N));
  }

  // An ASYNC lambda that no ASYNC function's body holds: the lambda stays,
  // and its body declares the future's struct and returns it. A generic
  // lambda has a version per instantiation; one in a template (a member
  // function of a class template, a function template), a version per
  // instantiation of each instantiation of the template, chosen by the
  // template's arguments too.
  bool transformLambda(const LambdaExpr &Lambda, ASTContext &Ctx, bool CRLF, std::vector<Edit> &Edits) {
    const SourceManager &SM = Ctx.getSourceManager();
    LoweredLambda Lowered;
    Lowered.Head = lambdaIntroducer(Lambda, Ctx) + lambdaSignature(Lambda, Ctx);
    bool InTemplate = Lambda.getLambdaClass()->isDependentContext();
    for (const LambdaExpr *Instance : InTemplate ? instancesOf(Lambda, Ctx) : std::vector<const LambdaExpr *>{&Lambda}) {
      std::string InstanceCondition;
      if (InTemplate && !templateCondition(*Instance, Ctx, InstanceCondition)) {
        report(Ctx, Diag::TemplatedLambda, SM.getExpansionLoc(Lambda.getBeginLoc()));
        return false;
      }
      for (const CXXMethodDecl *Version : lambdaCalls(*Instance)) {
        std::optional<LoweredFunction> F = lowerAsyncFunction(*Version, Ctx, Options.DisplayName);
        if (!F)
          return false;
        if (!InstanceCondition.empty())
          F->LambdaCondition = F->LambdaCondition.empty() ? InstanceCondition
                                                           : InstanceCondition + " && " + F->LambdaCondition;
        Lowered.Versions.push_back(std::move(*F));
      }
    }
    Edits.push_back({SM.getFileOffset(SM.getExpansionLoc(Lambda.getBeginLoc())),
                     SM.getFileOffset(SM.getExpansionLoc(Lambda.getEndLoc())) + 1,
                     withLineEndings(emitLambda(Lowered, Options.Emission), CRLF)});
    Out.Functions.insert(Out.Functions.end(), Lowered.Versions.begin(), Lowered.Versions.end());
    return true;
  }

  // An ASYNC method defined in a class template: in the class, the future's
  // struct is declared and the method returns it; after the class, each
  // specialization of the class this file uses gets an explicit
  // specialization of that struct, and the method is defined once, for all.
  //
  // Defined outside the class (`template <class T> ASYNC asyncc::Async<T>
  // Box<T>::get() {...}`), its declaration in the class declares the struct
  // and the method, and the definition's place gets the specializations and
  // the method, under the definition's own names of the parameters.
  bool transformClassTemplateMethod(const CXXMethodDecl &Method, ASTContext &Ctx, bool CRLF, std::vector<Edit> &Edits) {
    const SourceManager &SM = Ctx.getSourceManager();
    const ClassTemplateDecl *Class = Method.getParent()->getDescribedClassTemplate();
    const CXXMethodDecl &InClass = *Method.getCanonicalDecl();
    bool OutOfLine = &InClass != &Method;
    if (OutOfLine &&
        (Method.getNumTemplateParameterLists() != 1 || InClass.getFriendObjectKind() != Decl::FOK_None ||
         std::distance(Method.redecls_begin(), Method.redecls_end()) != 2 ||
         !SM.isInMainFile(SM.getExpansionLoc(InClass.getLocation())))) {
      report(Ctx, Diag::ClassTemplateMethodOutOfLine, Method.getLocation());
      return false;
    }
    TemplateWrapper W = wrapperOf(Method, OutOfLine ? *Method.getTemplateParameterList(0) : *Class->getTemplateParameters(),
                                  Ctx);
    W.ClassName = Class->getNameAsString();
    // The declaration in the class keeps its default arguments.
    TemplateWrapper Declared = OutOfLine ? wrapperOf(InClass, *Class->getTemplateParameters(), Ctx) : W;
    SourceLocation DeclarationEnd = SM.getExpansionLoc(bodyEnd(Method)).getLocWithOffset(1);
    if (OutOfLine)
      DeclarationEnd = Lexer::findLocationAfterToken(SM.getExpansionLoc(InClass.getEndLoc()), tok::semi, SM,
                                                     Ctx.getLangOpts(), /*SkipTrailingWhitespaceAndNewLine=*/false);
    if (DeclarationEnd.isInvalid())
      return false;
    Edits.push_back({SM.getFileOffset(textBegin(InClass)), SM.getFileOffset(DeclarationEnd),
                     withLineEndings(emitMethodDeclaration(Declared), CRLF)});
    std::vector<LoweredFunction> Specializations;
    bool Ok = true;
    for (const ClassTemplateSpecializationDecl *Spec : Class->specializations())
      for (const NamedDecl *D : Spec->lookup(Method.getDeclName())) {
        const auto *Instance = dyn_cast<CXXMethodDecl>(D);
        const FunctionDecl *Pattern = Instance ? Instance->getTemplateInstantiationPattern() : nullptr;
        if (!Pattern || Pattern->getCanonicalDecl() != &InClass || !Instance->hasBody())
          continue;
        if (awaitsMemberTemplate(*Instance, Ctx, ReportedAwaits))
          Ok = false;
        else if (std::optional<LoweredFunction> F = lowerAsyncFunction(*Instance, Ctx, Options.DisplayName))
          Specializations.push_back(std::move(*F));
        else
          Ok = false;
      }
    if (!Ok)
      return false;
    std::string Text = withLineEndings(emitClassTemplateMethod(W, Specializations, Options.Emission), CRLF);
    Out.Functions.insert(Out.Functions.end(), Specializations.begin(), Specializations.end());
    if (OutOfLine) {
      Edits.push_back({SM.getFileOffset(textBegin(Method)),
                       SM.getFileOffset(SM.getExpansionLoc(bodyEnd(Method))) + 1, Text});
      return true;
    }
    // After the class template's closing `};`.
    SourceLocation AfterClass = Lexer::findLocationAfterToken(SM.getExpansionLoc(Class->getEndLoc()), tok::semi, SM,
                                                              Ctx.getLangOpts(), false);
    if (AfterClass.isInvalid())
      return false;
    unsigned At = SM.getFileOffset(AfterClass);
    Edits.push_back({At, At, Text});
    return true;
  }

  // An ASYNC member template of a class at namespace scope, defined in the
  // class: there, the struct template is declared and the method template
  // returns it; after the class, each instantiation this file uses gets an
  // explicit specialization of the struct, and the method is defined once.
  //
  // Defined outside the class (`template <class T> ASYNC asyncc::Async<T>
  // Client::get(T x) {...}`), its declaration in the class declares the
  // struct template and the method, default arguments kept, and the
  // definition's place gets the specializations and the method, under the
  // definition's own names of the parameters.
  bool transformMemberTemplate(const CXXMethodDecl &Method, ASTContext &Ctx, bool CRLF, std::vector<Edit> &Edits) {
    const SourceManager &SM = Ctx.getSourceManager();
    const FunctionTemplateDecl &Template = *Method.getDescribedFunctionTemplate();
    const CXXRecordDecl *Class = Method.getParent();
    const FunctionTemplateDecl &InClass = *Template.getCanonicalDecl();
    bool OutOfLine = &InClass != &Template;
    if (Class->isDependentContext() || Class->isLambda() || !Class->getDeclContext()->isFileContext() ||
        Class->getDeclName().isEmpty() ||
        (OutOfLine && (!Method.isOutOfLine() || Method.getNumTemplateParameterLists() != 0 ||
                       InClass.getFriendObjectKind() != Decl::FOK_None ||
                       std::distance(Template.redecls_begin(), Template.redecls_end()) != 2 ||
                       !SM.isInMainFile(SM.getExpansionLoc(InClass.getLocation())))) ||
        (!OutOfLine && Method.isOutOfLine())) {
      report(Ctx, Diag::MemberTemplate, Method.getLocation());
      return false;
    }
    TemplateWrapper W = wrapperOf(Method, *Template.getTemplateParameters(), Ctx);
    W.ClassName = Class->getNameAsString();
    W.MemberTemplate = true;
    // The declaration in the class keeps its default arguments.
    TemplateWrapper Declared = W;
    if (OutOfLine) {
      Declared = wrapperOf(*cast<CXXMethodDecl>(InClass.getTemplatedDecl()), *InClass.getTemplateParameters(), Ctx);
      Declared.ClassName = W.ClassName;
      Declared.MemberTemplate = true;
    }
    std::vector<LoweredFunction> Specializations;
    bool Ok = lowerSpecializations(Template, Ctx, Specializations) && mergeGenericVersions(Template, Ctx, Specializations);
    SourceLocation AfterClass = Lexer::findLocationAfterToken(SM.getExpansionLoc(Class->getEndLoc()), tok::semi, SM,
                                                              Ctx.getLangOpts(), false);
    SourceLocation DeclarationEnd =
        OutOfLine ? Lexer::findLocationAfterToken(SM.getExpansionLoc(InClass.getEndLoc()), tok::semi, SM,
                                                  Ctx.getLangOpts(), /*SkipTrailingWhitespaceAndNewLine=*/false)
                  : SM.getExpansionLoc(bodyEnd(Method)).getLocWithOffset(1);
    if (!Ok || AfterClass.isInvalid() || DeclarationEnd.isInvalid())
      return false;
    Edits.push_back({SM.getFileOffset(SM.getExpansionLoc(InClass.getBeginLoc())), SM.getFileOffset(DeclarationEnd),
                     withLineEndings(emitMethodDeclaration(Declared), CRLF)});
    std::string Text = withLineEndings(emitClassTemplateMethod(W, Specializations, Options.Emission), CRLF);
    if (OutOfLine) {
      Edits.push_back({SM.getFileOffset(SM.getExpansionLoc(Template.getBeginLoc())),
                       SM.getFileOffset(SM.getExpansionLoc(bodyEnd(Method))) + 1, Text});
    } else {
      unsigned At = SM.getFileOffset(AfterClass);
      Edits.push_back({At, At, Text});
    }
    Out.Functions.insert(Out.Functions.end(), Specializations.begin(), Specializations.end());
    return true;
  }

  // Lowers each instantiation of Template this file uses; false if any is
  // refused (each reported).
  bool lowerSpecializations(const FunctionTemplateDecl &Template, ASTContext &Ctx,
                            std::vector<LoweredFunction> &Specializations) {
    bool Ok = true;
    for (const FunctionDecl *Spec : Template.specializations()) {
      if (!Spec->hasBody())
        continue;
      if (awaitsMemberTemplate(*Spec, Ctx, ReportedAwaits))
        Ok = false;
      else if (std::optional<LoweredFunction> F = lowerAsyncFunction(*Spec, Ctx, Options.DisplayName))
        Specializations.push_back(std::move(*F));
      else
        Ok = false;
    }
    return Ok;
  }

  // The specializations whose arguments C++ cannot name (lambdas passed to
  // the template) are one struct per set of the other arguments: a partial
  // specialization, or the template's definition. The lambdas' versions of
  // one must be the same text; one is kept.
  bool mergeGenericVersions(const FunctionTemplateDecl &Template, ASTContext &Ctx,
                            std::vector<LoweredFunction> &Specializations) {
    std::map<std::string, std::string> Texts;  // by head and arguments
    std::vector<LoweredFunction> Kept;
    for (LoweredFunction &F : Specializations) {
      if (F.GenericHead.empty()) {
        Kept.push_back(std::move(F));
        continue;
      }
      std::string Text = emitFuture(F, Options.Emission);
      auto [It, New] = Texts.try_emplace(F.GenericHead + F.TemplateArgs, Text);
      if (!New && It->second != Text) {
        report(Ctx, Diag::GenericVersions, Template.getLocation()) << Template.getNameAsString();
        return false;
      }
      if (New)
        Kept.push_back(std::move(F));
    }
    Specializations = std::move(Kept);
    return true;
  }

  // An ASYNC function template: the struct template, declared; its explicit
  // specialization for each instantiation this file uses, each lowered like
  // a function; then the function template that makes the future.
  std::optional<std::string> transformFunctionTemplate(const FunctionTemplateDecl &Template, ASTContext &Ctx) {
    TemplateWrapper W = wrapperOf(*Template.getTemplatedDecl(), *Template.getTemplateParameters(), Ctx);
    std::vector<LoweredFunction> Specializations;
    bool Ok = lowerSpecializations(Template, Ctx, Specializations);
    if (!Ok || !mergeGenericVersions(Template, Ctx, Specializations))
      return std::nullopt;
    std::string Text = emitFunctionTemplate(W, Specializations, Options.Emission);
    Out.Functions.insert(Out.Functions.end(), Specializations.begin(), Specializations.end());
    return Text;
  }

  const TransformOptions &Options;
  TransformResult &Out;
  llvm::DenseSet<const void *> ReportedAwaits;  // awaits of member templates reported
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
