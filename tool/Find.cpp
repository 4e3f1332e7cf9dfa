#include "Find.h"

#include "AsyncMarks.h"
#include "AstQueries.h"
#include "MainFileVisitor.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <functional>
#include <tuple>

using namespace clang;

namespace asyncc::tool {
namespace {

// The parameter's type as written, before array and function types decay.
QualType writtenType(const ParmVarDecl &P) {
  if (const TypeSourceInfo *TSI = P.getTypeSourceInfo())
    return TSI->getType();
  return P.getType();
}

std::string signatureOf(const FunctionDecl &FD, const PrintingPolicy &Policy) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  FD.printQualifiedName(OS, Policy);
  OS << '(';
  for (unsigned I = 0, N = FD.getNumParams(); I != N; ++I) {
    if (I != 0)
      OS << ", ";
    OS << writtenType(*FD.getParamDecl(I)).getAsString(Policy);
  }
  if (FD.isVariadic())
    OS << (FD.getNumParams() != 0 ? ", ..." : "...");
  OS << ')';
  if (const auto *FPT = FD.getType()->getAs<FunctionProtoType>()) {
    if (Qualifiers Quals = FPT->getMethodQuals(); !Quals.empty())
      OS << ' ' << Quals.getAsString(Policy);
    switch (FPT->getRefQualifier()) {
    case RQ_None:
      break;
    case RQ_LValue:
      OS << " &";
      break;
    case RQ_RValue:
      OS << " &&";
      break;
    }
  }
  return Out;
}

class AsyncFunctionCollector : public MainFileVisitor<AsyncFunctionCollector> {
public:
  AsyncFunctionCollector(const SourceManager &SM) : MainFileVisitor(SM), SM(SM) {}

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody() && isAsync(*FD))
      Found.push_back(FD);
    return true;
  }

  // An ASYNC lambda: its call operator (`[x] ASYNC (int y) -> Async<T> {...}`).
  bool VisitLambdaExpr(LambdaExpr *LE) {
    if (CXXMethodDecl *Call = LE->getCallOperator(); Call && isAsync(*Call))
      Found.push_back(Call);
    return true;
  }

  std::vector<const FunctionDecl *> Found;

private:
  const SourceManager &SM;
};

class AnalysisConsumer : public ASTConsumer {
public:
  explicit AnalysisConsumer(FileModel &Out) : Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    Out.Functions = collectAsyncFunctions(Ctx, Out.File);
  }

private:
  FileModel &Out;
};

class AnalysisAction : public ASTFrontendAction {
public:
  explicit AnalysisAction(FileModel &Out) : Out(Out) {}

protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    return markingAsyncFunctions(CI, std::make_unique<AnalysisConsumer>(Out));
  }

private:
  FileModel &Out;
};

class AnalysisActionFactory : public tooling::FrontendActionFactory {
public:
  explicit AnalysisActionFactory(FileModel &Out) : Out(Out) {}

  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<AnalysisAction>(Out);
  }

private:
  FileModel &Out;
};

} // namespace

AnnotateAttr *asyncMark(const FunctionDecl &FD) {
  for (AnnotateAttr *A : FD.specific_attrs<AnnotateAttr>())
    if (A->getAnnotation() == AsyncAnnotation)
      return A;
  return nullptr;
}

bool isAsync(const FunctionDecl &FD) {
  if (asyncMark(FD))
    return true;
  // An instantiation is ASYNC as its template is: the marks are made once
  // the whole file is parsed, after Clang has instantiated what it uses.
  const FunctionDecl *Pattern = FD.getTemplateInstantiationPattern(/*ForDefinition=*/false);
  if (Pattern && Pattern != &FD && isAsync(*Pattern))
    return true;
  // The call operator template of a generic lambda in an instantiation of
  // a template is instantiated from the one the template writes.
  const FunctionTemplateDecl *Described = FD.getDescribedFunctionTemplate();
  const FunctionTemplateDecl *From = Described ? Described->getInstantiatedFromMemberTemplate() : nullptr;
  return From && isAsync(*From->getTemplatedDecl());
}

namespace {
// The `[[` or `__attribute__((` that opens the attribute named at Name.
SourceLocation attributeOpening(SourceLocation Name, const SourceManager &SM) {
  auto [File, Offset] = SM.getDecomposedLoc(Name);
  StringRef Before = SM.getBufferData(File).substr(0, Offset).rtrim();
  if (Before.ends_with("[["))
    return Name.getLocWithOffset(static_cast<int>(Before.size() - 2) - static_cast<int>(Offset));
  if (Before.consume_back("((") && Before.rtrim().ends_with("__attribute__"))
    return Name.getLocWithOffset(static_cast<int>(Before.rtrim().size() - 13) - static_cast<int>(Offset));
  return Name;
}
} // namespace

namespace {
// FD's name as part of an identifier: `operator()` is operator_call.
std::string identifierOf(const FunctionDecl &FD) {
  switch (FD.getOverloadedOperator()) {
  case OO_None:
    return FD.getNameAsString();
#define OVERLOADED_OPERATOR(Name, Spelling, Token, Unary, Binary, MemberOnly)                                  \
  case OO_##Name:                                                                                              \
    return "operator_" + llvm::StringRef(#Name).lower();
#include "clang/Basic/OperatorKinds.def"
  default:
    return "operator";
  }
}
} // namespace

SourceLocation textBegin(const FunctionDecl &FD) {
  const SourceManager &SM = FD.getASTContext().getSourceManager();
  SourceLocation Begin = SM.getExpansionLoc(FD.getBeginLoc());
  for (const Attr *A : FD.attrs()) {
    // ASYNC's mark is implicit, at the ASYNC; an inherited attribute is
    // written on another declaration.
    bool Mark = A == asyncMark(FD);
    if (A->isInherited() || (A->isImplicit() && !Mark) || A->getLocation().isInvalid())
      continue;
    SourceLocation At = SM.getExpansionLoc(A->getLocation());
    if (SM.getFileID(At) != SM.getFileID(Begin) || !SM.isBeforeInTranslationUnit(At, Begin))
      continue;
    Begin = Mark ? At : attributeOpening(At, SM);
  }
  return Begin;
}

const CXXTryStmt *functionTryBlock(const FunctionDecl &FD) {
  const Stmt *Body = FD.getBody();
  if (const auto *Coroutine = dyn_cast_or_null<CoroutineBodyStmt>(Body))
    Body = Coroutine->getBody();
  if (const auto *Block = dyn_cast_or_null<CompoundStmt>(Body);
      Block && Block->getLBracLoc().isInvalid() && Block->size() == 1)
    Body = Block->body_front();
  return dyn_cast_or_null<CXXTryStmt>(Body);
}

SourceLocation bodyEnd(const FunctionDecl &FD) {
  if (const CXXTryStmt *Try = functionTryBlock(FD))
    return Try->getEndLoc();
  return FD.getEndLoc();
}

std::string leadingAttributes(const FunctionDecl &FD) {
  const SourceManager &SM = FD.getASTContext().getSourceManager();
  SourceLocation Begin = textBegin(FD), End = SM.getExpansionLoc(FD.getBeginLoc());
  if (!SM.isBeforeInTranslationUnit(Begin, End))
    return "";
  // Without the ASYNC, which its mark locates.
  unsigned From = SM.getFileOffset(Begin), To = SM.getFileOffset(End);
  StringRef Input = SM.getBufferData(SM.getFileID(Begin));
  std::string Text = Input.slice(From, To).str();
  if (const AnnotateAttr *Mark = asyncMark(FD); Mark && Mark->getLocation().isValid()) {
    SourceLocation At = SM.getExpansionLoc(Mark->getLocation());
    unsigned Offset = SM.getFileOffset(At);
    if (SM.getFileID(At) == SM.getFileID(Begin) && Offset >= From && Offset < To)
      Text.replace(Offset - From, Lexer::MeasureTokenLength(At, SM, FD.getASTContext().getLangOpts()), " ");
  }
  return StringRef(oneLine(Text)).trim().str();
}

std::string futureNameOf(const FunctionDecl &FD) {
  const FunctionDecl *Canonical = FD.getCanonicalDecl();
  auto isAsyncDecl = [](const FunctionDecl *F) {
    return llvm::any_of(F->redecls(), [](const FunctionDecl *R) { return isAsync(*R); });
  };
  std::vector<const FunctionDecl *> Overloads;
  for (const NamedDecl *D : FD.getDeclContext()->getRedeclContext()->getPrimaryContext()->lookup(FD.getDeclName()))
    if (const auto *Other = dyn_cast<FunctionDecl>(D); Other && isAsyncDecl(Other))
      Overloads.push_back(Other->getCanonicalDecl());
  const SourceManager &SM = FD.getASTContext().getSourceManager();
  llvm::sort(Overloads, [&](const FunctionDecl *A, const FunctionDecl *B) {
    return SM.isBeforeInTranslationUnit(A->getLocation(), B->getLocation());
  });
  Overloads.erase(std::unique(Overloads.begin(), Overloads.end()), Overloads.end());
  size_t Index = std::find(Overloads.begin(), Overloads.end(), Canonical) - Overloads.begin();
  std::string Name = identifierOf(FD) + "_future";
  return Index == 0 || Index == Overloads.size() ? Name : Name + "_" + std::to_string(Index + 1);
}

namespace {
// Whether what the definition Def names is all declared before Point, as
// its struct's text needs there: the function's own parameters and locals
// aside, each name has a declaration before Point (a class its definition,
// a function whose use needs its body its definition), and each ASYNC
// function it names has its struct before Point.
class DeclaredBefore : public RecursiveASTVisitor<DeclaredBefore> {
public:
  DeclaredBefore(const FunctionDecl &Def, SourceLocation Point)
      : Def(Def), Point(Point), SM(Def.getASTContext().getSourceManager()) {}

  bool VisitDeclRefExpr(DeclRefExpr *E) { return need(E->getDecl()) && need(E->getFoundDecl()); }
  bool VisitMemberExpr(MemberExpr *E) { return need(E->getMemberDecl()) && need(E->getFoundDecl().getDecl()); }
  bool VisitCXXConstructExpr(CXXConstructExpr *E) { return need(E->getConstructor()); }
  bool VisitExpr(Expr *E) { return needType(E->getType()); }
  bool VisitValueDecl(ValueDecl *D) { return needType(D->getType()); }
  bool VisitTagTypeLoc(TagTypeLoc TL) { return need(TL.getDecl()); }
  bool VisitTypedefTypeLoc(TypedefTypeLoc TL) { return need(TL.getTypedefNameDecl()); }
  bool VisitUsingTypeLoc(UsingTypeLoc TL) { return need(TL.getFoundDecl()); }
  bool VisitTemplateSpecializationTypeLoc(TemplateSpecializationTypeLoc TL) {
    return need(TL.getTypePtr()->getTemplateName().getAsTemplateDecl()) && needType(TL.getType());
  }
  bool TraverseNestedNameSpecifierLoc(NestedNameSpecifierLoc NNS) {
    // The definition's own qualifier (`Cache::get`) is not in the struct.
    if (NNS && NNS.getBeginLoc() == Def.getQualifierLoc().getBeginLoc())
      return true;
    for (NestedNameSpecifierLoc Prefix = NNS; Prefix; Prefix = Prefix.getPrefix())
      if (!need(Prefix.getNestedNameSpecifier()->getAsNamespaceAlias()))
        return false;
    return RecursiveASTVisitor::TraverseNestedNameSpecifierLoc(NNS);
  }

private:
  bool before(const Decl *D) const {
    SourceLocation Loc = D->getLocation();
    return Loc.isInvalid() || SM.isBeforeInTranslationUnit(SM.getExpansionLoc(Loc), Point);
  }

  bool need(const Decl *D) {
    if (!D || D->isImplicit())
      return true;
    const DeclContext *DC = D->getDeclContext();
    if (DC && (DC->Equals(&Def) || Def.Encloses(DC)))
      return true;  // the function's own
    // A method's struct is a member of its class, and poll is in the
    // class's complete-class context: its members are all seen there, but
    // not its types declared after the point.
    // An ASYNC function's struct (a type, even a member's) must come first.
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (FD && FD->getCanonicalDecl() == Def.getCanonicalDecl())
      return true;  // a recursive call: the wrapper is declared before the struct
    if (FD && isAsync(*FD)) {
      const FunctionDecl *Other = FD->getDefinition();
      return Other && before(&futureHome(*Other));
    }
    const auto *Class = isa<CXXMethodDecl>(Def) ? cast<CXXMethodDecl>(Def).getParent() : nullptr;
    if (Class && DC && (DC->Equals(Class) || Class->Encloses(DC)) && !isa<TypeDecl>(D))
      return true;
    if (FD) {
      // A function whose use needs its body: a deduced return type, constexpr.
      if (FD->getReturnType()->getContainedDeducedType() || FD->isConstexpr())
        return FD->getDefinition() && before(FD->getDefinition());
    }
    if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->isConstexpr())
      return before(VD);
    // A class is complete after its definition (not inside it, where the
    // point of a method's struct is).
    if (const auto *TD = dyn_cast<TagDecl>(D); TD && TD->getDefinition())
      return before(TD->getDefinition()) &&
             SM.isBeforeInTranslationUnit(SM.getExpansionLoc(TD->getDefinition()->getBraceRange().getEnd()), Point);
    return llvm::any_of(D->redecls(), [&](const Decl *R) { return before(R); });
  }

  bool needType(QualType T) {
    if (T.isNull() || T->isDependentType())
      return true;
    if (const TagDecl *TD = T->getAsTagDecl())
      return need(TD);
    return true;
  }

  const FunctionDecl &Def;
  SourceLocation Point;
  const SourceManager &SM;
};

// Whether a using-directive at namespace scope of the main file stands
// between From and To: the names it makes visible at To are not at From.
bool usingDirectiveBetween(SourceLocation From, SourceLocation To, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  std::function<bool(const DeclContext *)> Search = [&](const DeclContext *DC) {
    for (const Decl *D : DC->decls()) {
      SourceLocation Loc = SM.getExpansionLoc(D->getLocation());
      if (isa<UsingDirectiveDecl>(D) && SM.isBeforeInTranslationUnit(From, Loc) &&
          SM.isBeforeInTranslationUnit(Loc, To))
        return true;
      if (const auto *Inner = dyn_cast<DeclContext>(D); Inner && Inner->isFileContext() && SM.isInMainFile(Loc) &&
                                                         Search(Inner))
        return true;
      if (const auto *Linkage = dyn_cast<LinkageSpecDecl>(D); Linkage && Search(Linkage))
        return true;
    }
    return false;
  };
  return Search(Ctx.getTranslationUnitDecl());
}
} // namespace

const FunctionDecl &futureHome(const FunctionDecl &Definition) {
  const FunctionDecl *First = Definition.getCanonicalDecl();
  ASTContext &Ctx = Definition.getASTContext();
  const SourceManager &SM = Ctx.getSourceManager();
  // A free function's first declaration at namespace scope, or an
  // out-of-line method's declaration in its class (not a template's).
  const auto *Method = dyn_cast<CXXMethodDecl>(&Definition);
  bool Declared = Method ? Method->isOutOfLine() && First->getLexicalDeclContext() == Method->getParent() &&
                               !Method->getParent()->isDependentContext() && !Method->getParent()->isLambda() &&
                               !isa<ClassTemplateSpecializationDecl>(Method->getParent())
                         : First->getLexicalDeclContext()->isFileContext();
  if (First == &Definition || !Declared || Definition.isTemplated() || Definition.isFunctionTemplateSpecialization() ||
      Definition.isTemplateInstantiation() || First->getFriendObjectKind() != Decl::FOK_None ||
      !SM.isInMainFile(SM.getExpansionLoc(First->getLocation())))
    return Definition;
  // Asked again for a function it names (mutual recursion): the definition.
  static llvm::SmallPtrSet<const FunctionDecl *, 4> Asking;
  if (!Asking.insert(&Definition).second)
    return Definition;
  SourceLocation Point = textBegin(*First);
  bool Hoisted = !usingDirectiveBetween(Point, SM.getExpansionLoc(Definition.getLocation()), Ctx) &&
                 DeclaredBefore(Definition, Point).TraverseDecl(const_cast<FunctionDecl *>(&Definition));
  Asking.erase(&Definition);
  return Hoisted ? *First : Definition;
}

namespace {

// The in-class ASYNC methods of Method's class that Method's body calls (not
// in its lambdas), other than itself.
std::vector<const CXXMethodDecl *> classMethodsCalled(const CXXMethodDecl &Method) {
  std::vector<const CXXMethodDecl *> Called;
  forEachStmt(Method.getBody(), [&](const Stmt *S) {
    const auto *Call = dyn_cast<CallExpr>(S);
    const auto *Callee = Call ? dyn_cast_or_null<CXXMethodDecl>(Call->getDirectCallee()) : nullptr;
    const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
    if (Def && Callee->getParent() == Method.getParent() && isAsync(*Def) && !Def->isOutOfLine() &&
        !Def->isTemplated() && Def->getCanonicalDecl() != Method.getCanonicalDecl())
      Called.push_back(cast<CXXMethodDecl>(Def));
  });
  return Called;
}

// Whether Callee is a specialization of an ASYNC member template of Class,
// whose structs follow the class.
bool isMemberTemplateOf(const FunctionDecl &Callee, const CXXRecordDecl &Class) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&Callee);
  return Method && Method->getParent() == &Class && Callee.isFunctionTemplateSpecialization() && isAsync(Callee);
}

// Whether the lambda uses `this` or names a member of Class (in lambdas
// in it too).
bool usesClass(const LambdaExpr &LE, const CXXRecordDecl &Class) {
  bool Uses = llvm::any_of(LE.captures(), [](const LambdaCapture &C) { return C.capturesThis(); });
  std::function<void(const Stmt *)> Visit = [&](const Stmt *S) {
    if (!S || Uses)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      const auto *Record = dyn_cast<CXXRecordDecl>(DRE->getDecl()->getDeclContext());
      Uses |= Record && !Record->isLocalClass() && Class.Encloses(Record);
    }
    for (const Stmt *Child : S->children())
      Visit(Child);
  };
  Visit(LE.getBody());
  return Uses;
}

// Whether Body keeps a lambda that uses Class across an await: one that
// initializes a variable of a block with an await after it, or stands in an
// awaited expression. Its factory, which the frame names, must be a member.
bool keepsLambdaUsingClass(const Stmt *Body, const CXXRecordDecl &Class) {
  bool Keeps = false;
  forEachStmt(Body, [&](const Stmt *S) {
    if (const auto *Await = dyn_cast<CoawaitExpr>(S))
      forEachStmt(Await->getOperand(), [&](const Stmt *X) {
        if (const auto *LE = dyn_cast<LambdaExpr>(X))
          Keeps |= usesClass(*LE, Class);
      });
    const auto *Block = dyn_cast<CompoundStmt>(S);
    if (!Block)
      return;
    bool Declared = false;
    for (const Stmt *Child : Block->body()) {
      if (Declared && containsAwait(Child))
        Keeps = true;
      if (const auto *DS = dyn_cast<DeclStmt>(unlabeled(Child)))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D))
            if (const auto *LE = dyn_cast_or_null<LambdaExpr>(strip(VD->getInit())))
              Declared |= usesClass(*LE, Class);
    }
  });
  return Keeps;
}

// Whether a value of type T holds a Class, which must then be complete:
// itself, an array of it, a specialization of a template on it.
bool holdsByValue(QualType T, const CXXRecordDecl &Class) {
  T = T.getNonReferenceType();
  while (const ArrayType *A = T->getAsArrayTypeUnsafe())
    T = A->getElementType();
  const auto *Record = T->getAsCXXRecordDecl();
  if (!Record)
    return false;
  if (Record->getCanonicalDecl() == Class.getCanonicalDecl())
    return true;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Record))
    for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray())
      if (Arg.getKind() == TemplateArgument::Type && holdsByValue(Arg.getAsType(), Class))
        return true;
  return false;
}

} // namespace

bool holdsClassByValue(const FunctionDecl &FD, const CXXRecordDecl &Class) {
  for (const ParmVarDecl *P : FD.parameters())
    if (!P->getType()->isReferenceType() && holdsByValue(P->getType(), Class))
      return true;
  bool Holds = false;
  forEachStmt(FD.getBody(), [&](const Stmt *S) {
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && !VD->getType()->isReferenceType())
          Holds |= holdsByValue(VD->getType(), Class);
    if (const auto *Temporary = dyn_cast<MaterializeTemporaryExpr>(S))
      Holds |= holdsByValue(Temporary->getType(), Class);
  });
  return Holds;
}

std::optional<unsigned> afterClassDepth(const FunctionDecl &FD) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&FD);
  if (!Method || !FD.doesThisDeclarationHaveABody() || Method->isOutOfLine() || FD.isTemplated() ||
      FD.isTemplateInstantiation() || !isAsync(FD))
    return std::nullopt;
  const CXXRecordDecl &Class = *Method->getParent();
  if (Class.isDependentContext() || Class.isLambda() || !Class.getDeclContext()->isFileContext() ||
      Class.getDeclName().isEmpty())
    return std::nullopt;
  static llvm::SmallPtrSet<const FunctionDecl *, 4> Visiting;  // a cycle is the lowering's to report
  if (!Visiting.insert(&FD).second)
    return std::nullopt;
  std::optional<unsigned> Depth;
  if (keepsLambdaUsingClass(FD.getBody(), Class) || holdsClassByValue(FD, Class))
    Depth = 0;
  forEachStmt(FD.getBody(), [&](const Stmt *S) {
    const auto *Call = dyn_cast<CallExpr>(S);
    if (const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr; Callee && isMemberTemplateOf(*Callee, Class))
      Depth = Depth.value_or(0);
  });
  for (const CXXMethodDecl *Callee : classMethodsCalled(*Method))
    if (std::optional<unsigned> CalleeDepth = afterClassDepth(*Callee))
      Depth = std::max(Depth.value_or(0), *CalleeDepth + 1);
  Visiting.erase(&FD);
  return Depth;
}

std::optional<unsigned> classEndDepth(const FunctionDecl &FD) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&FD);
  if (!Method || !FD.doesThisDeclarationHaveABody() || Method->isOutOfLine() || FD.isTemplated() ||
      FD.isTemplateInstantiation() || Method->getParent()->isLambda() || !isAsync(FD) || afterClassDepth(FD))
    return std::nullopt;
  // The methods being asked about, callers first: one asked again is a cycle.
  static llvm::SmallPtrSet<const FunctionDecl *, 4> Visiting;
  if (!Visiting.insert(&FD).second)
    return std::nullopt;
  const SourceManager &SM = FD.getASTContext().getSourceManager();
  std::optional<unsigned> Depth;
  bool Cycle = false;
  for (const CXXMethodDecl *Callee : classMethodsCalled(*Method)) {
    Cycle |= Visiting.count(Callee) != 0;
    if (Cycle)
      break;
    if (std::optional<unsigned> CalleeDepth = classEndDepth(*Callee))
      Depth = std::max(Depth.value_or(0), *CalleeDepth + 1);
    else if (SM.isBeforeInTranslationUnit(FD.getLocation(), Callee->getLocation()) && !Depth)
      Depth = 0;
  }
  Visiting.erase(&FD);
  return Cycle ? std::nullopt : Depth;
}

bool returnsOwnFuture(const FunctionDecl &FD) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&FD);
  return isAsync(FD) && !(Method && Method->isVirtual());
}

bool futureDefinedBefore(const FunctionDecl &Callee, const FunctionDecl &User) {
  // After those at the end of the class, those that follow it.
  auto place = [](const FunctionDecl &F) -> std::pair<SourceLocation, unsigned> {
    if (std::optional<unsigned> Depth = afterClassDepth(F))
      return {cast<CXXMethodDecl>(F).getParent()->getBraceRange().getEnd(), *Depth + 1 + (1u << 16)};
    if (std::optional<unsigned> Depth = classEndDepth(F))
      return {cast<CXXMethodDecl>(F).getParent()->getBraceRange().getEnd(), *Depth + 1};
    return {futureHome(F).getLocation(), 0};
  };
  auto [CalleeAt, CalleeRank] = place(Callee);
  // A lambda's struct stands in its body: in a method defined in a class
  // (a complete-class context), every struct the class declares is there.
  if (const auto *CalleeMethod = dyn_cast<CXXMethodDecl>(&Callee);
      CalleeMethod && !afterClassDepth(Callee) && !loweredWith(User, User.getASTContext())) {
    const FunctionDecl *Outer = &User;
    while (Outer && lambdaOf(*Outer, User.getASTContext()))
      Outer = enclosingFunction(*Outer);
    if (const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Outer); Method && Outer != &User &&
                                                                     !Method->isOutOfLine() &&
                                                                     CalleeMethod->getParent()->Encloses(Method))
      return true;
  }
  auto [UserAt, UserRank] = place(User);
  const SourceManager &SM = User.getASTContext().getSourceManager();
  return CalleeAt == UserAt ? CalleeRank < UserRank : SM.isBeforeInTranslationUnit(CalleeAt, UserAt);
}

const LambdaExpr *lambdaOf(const FunctionDecl &FD, ASTContext &Ctx) {
  const auto *MD = dyn_cast<CXXMethodDecl>(&FD);
  if (!MD || !MD->getParent()->isLambda())
    return nullptr;
  for (const DynTypedNode &Parent : Ctx.getParents(*MD->getParent()))
    if (const auto *LE = Parent.get<LambdaExpr>())
      return LE;
  return nullptr;
}

std::vector<const CXXMethodDecl *> lambdaCalls(const LambdaExpr &LE) {
  const CXXMethodDecl *Call = LE.getCallOperator();
  const FunctionTemplateDecl *Generic = Call->getDescribedFunctionTemplate();
  if (!Generic)
    return {Call};
  std::vector<const CXXMethodDecl *> Calls;
  for (const FunctionDecl *Spec : Generic->specializations())
    if (Spec->hasBody())
      Calls.push_back(cast<CXXMethodDecl>(Spec));
  return Calls;
}

const FunctionDecl *enclosingFunction(const Decl &D) {
  const Decl *From = &D;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&D); Method && Method->getParent()->isLambda())
    From = Method->getParent();
  for (const DeclContext *DC = From->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *FD = dyn_cast<FunctionDecl>(DC))
      return FD;
  return nullptr;
}

const FunctionDecl *loweredWith(const FunctionDecl &Call, ASTContext &Ctx) {
  const FunctionDecl *Inner = &Call;
  for (const FunctionDecl *Outer = enclosingFunction(Call); Outer && lambdaOf(*Inner, Ctx);
       Inner = Outer, Outer = enclosingFunction(*Outer))
    if (isAsync(*Outer))
      return Outer;
  return nullptr;
}

const CXXRecordDecl *outermostClass(const CXXMethodDecl &Method) {
  const CXXRecordDecl *Class = Method.getParent();
  while (const auto *Outer = dyn_cast<CXXRecordDecl>(Class->getDeclContext()))
    Class = Outer;
  bool Template = Class->isDependentContext() || isa<ClassTemplateSpecializationDecl>(Class);
  return Class->getDeclContext()->isFileContext() && !Template ? Class : nullptr;
}

std::vector<const FunctionDecl *> findAsyncFunctions(ASTContext &Ctx) {
  AsyncFunctionCollector Collector(Ctx.getSourceManager());
  Collector.TraverseDecl(Ctx.getTranslationUnitDecl());
  return Collector.Found;
}

std::vector<AsyncFunction> collectAsyncFunctions(ASTContext &Ctx,
                                                 llvm::StringRef MainFileName) {
  const SourceManager &SM = Ctx.getSourceManager();
  AsyncFunctionCollector Collector(SM);
  Collector.TraverseDecl(Ctx.getTranslationUnitDecl());

  const PrintingPolicy &Policy = Ctx.getPrintingPolicy();
  std::vector<AsyncFunction> Functions;
  for (const FunctionDecl *FD : Collector.Found) {
    // A name spelled in a macro argument is reported where it is written,
    // one produced by a macro body where the macro is used.
    SourceLocation Loc = SM.getFileLoc(FD->getLocation());
    AsyncFunction F;
    F.QualifiedName = FD->getQualifiedNameAsString();
    F.Signature = signatureOf(*FD, Policy);
    F.ReturnType = FD->getDeclaredReturnType().getAsString(Policy);
    F.Location = {MainFileName.str(), SM.getSpellingLineNumber(Loc),
                  SM.getSpellingColumnNumber(Loc)};
    Functions.push_back(std::move(F));
  }
  llvm::stable_sort(Functions, [](const AsyncFunction &A, const AsyncFunction &B) {
    return std::tie(A.Location.Line, A.Location.Column) <
           std::tie(B.Location.Line, B.Location.Column);
  });
  return Functions;
}

std::unique_ptr<tooling::FrontendActionFactory>
newAnalysisActionFactory(FileModel &Out) {
  return std::make_unique<AnalysisActionFactory>(Out);
}

} // namespace asyncc::tool
