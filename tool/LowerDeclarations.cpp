// The lowering of declarations: variables stored in the frame (by value,
// references as pointers, arrays, structured bindings), plain locals whose
// initializer awaits, types declared in the body, and the range-based for,
// whose range, iterators and loop variable the frame keeps.
#include "AstQueries.h"
#include "Find.h"
#include "Lowerer.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace asyncc::tool {

// A plain local whose initializer awaits: nothing later in its block
// suspends, so it is declared after the resume point, as written.
void Lowerer::lowerLocalInit(const VarDecl *VD) {
  QualType T = VD->getType();
  const Expr *Init = VD->getInit();
  if (Init && containsAwait(Init)) {
    if (!spellable(T, VD->getLocation(), "this variable"))
      return;
    auto L = lowerFullExpr(Init);
    if (!L)
      return;
    std::string Decl = DeclaratorHead.count(VD) ? DeclaratorHead.lookup(VD)
                                                : originalText(SourceRange(VD->getBeginLoc(), VD->getLocation()));
    if (const auto *DD = dyn_cast<DecompositionDecl>(VD)) {
      // `auto [a, b]`: up to the closing bracket.
      SourceLocation Last = SM.getExpansionLoc(DD->bindings().back()->getLocation());
      SourceLocation Close = Lexer::findLocationAfterToken(Last, tok::r_square, SM, Ctx.getLangOpts(), false);
      Decl = Lexer::getSourceText(CharSourceRange::getCharRange(SM.getExpansionLoc(VD->getBeginLoc()), Close), SM,
                                  Ctx.getLangOpts())
                 .str();
    }
    if (VD->getInitStyle() == VarDecl::CInit)
      emit(Decl + " = " + L->Text + ";");
    else if (isa<InitListExpr>(strip(Init)))  // the braces are the initializer's own
      emit(Decl + L->Text + ";");
    else
      emit(Decl + "{" + L->Text + "};");
    endFullExpr(*L);
  }
}

void Lowerer::lowerVar(const VarDecl *VD) {
  QualType T = VD->getType();
  if (!Frame->isFrameVar(VD)) {
    lowerLocalInit(VD);
    return;
  }
  if (const auto *LE = VD->getInit() ? dyn_cast<LambdaExpr>(strip(VD->getInit())) : nullptr;
      LE && !T->isReferenceType() && lowerLambdaVar(VD, LE))
    return;
  if (Failed || !spellable(T, VD->getLocation(), "this variable"))
    return;
  if (T->isReferenceType()) {
    lowerReferenceVar(VD);
    return;
  }
  if (VD->isStaticLocal() || !VD->hasLocalStorage())
    return;
  std::string Type = typeName(T.getUnqualifiedType());
  if (T->isArrayType())
    return lowerArrayVar(VD);
  // A future of another async function kept in a variable: after the
  // transformation its type is that function's struct, not Async<T>.
  if (involvesAsync(T)) {
    if (!VD->getInit()) {
      report(Diag::AsyncVariable, VD->getLocation());
      return;
    }
    Type = exprType(VD->getInit(), VD->getLocation());
    if (Type.empty())
      return;
    VarType[VD] = Type;
  }
  std::string Path = Layout.addSlotTo(Layout.home(), slotName(VD), Type, declComment(VD), ownName(VD));
  std::string Placement = placement(Path, Type);
  const Expr *Init = VD->getInit();
  const auto *DefaultConstruct = dyn_cast_or_null<CXXConstructExpr>(Init ? strip(Init) : nullptr);
  bool DefaultInit = DefaultConstruct && DefaultConstruct->getNumArgs() == 0 &&
                     DefaultConstruct->getParenOrBraceRange().isInvalid();
  if (!Init || DefaultInit) {
    emit(Placement + ";");
  } else {
    bool Braced = VD->getInitStyle() == VarDecl::ListInit;
    // The initializer's text: `e` of `T x = e`, the arguments of `T x(a, b)`
    // or of `T x{a, b}`.
    const Expr *Source = Init;
    std::string Args;
    const auto *Construct = dyn_cast<CXXConstructExpr>(strip(Init));
    bool ParenInit = VD->getInitStyle() == VarDecl::CallInit;
    if ((ParenInit || Braced) && Construct && Construct->getParenOrBraceRange().isValid()) {
      std::vector<std::string> Parts;
      std::vector<Lowered> Ends;
      for (const Expr *Arg : Construct->arguments()) {
        if (isa<CXXDefaultArgExpr>(Arg))
          continue;
        auto L = lowerFullExpr(Arg);
        if (!L)
          return;
        Parts.push_back(L->Text);
        Ends.push_back(*L);
      }
      Args = llvm::join(Parts, ", ");
      // `T x{a, b}` with an initializer_list constructor: the one argument is
      // the braced list itself, and more braces would make a list of one.
      bool ListArgument = Braced && Parts.size() == 1 && Construct->getNumArgs() >= 1 &&
                          isa<CXXStdInitializerListExpr>(Construct->getArg(0)->IgnoreImplicit());
      Layout.begin(Path);
      emit(Placement + (ListArgument ? Args : Braced ? "{" + Args + "}" : "(" + Args + ")") + ";");
      for (auto It = Ends.rbegin(); It != Ends.rend(); ++It)
        endFullExpr(*It);
    } else {
      bool SameType = Ctx.hasSameUnqualifiedType(strip(Init)->getType(), T) || T->isScalarType();
      bool Ok = emitWithValue(Source, [&](const std::string &Value) {
        Layout.begin(Path);
        if (Braced)  // an aggregate's initializer list has its braces already
          return Placement + (isa<InitListExpr>(strip(Source)) ? Value : "{" + Value + "}") + ";";
        if (SameType)
          return Placement + "(" + Value + ");";
        // Copy-initialization, explicit constructors excluded, as written.
        return Placement + "([&]() -> " + Type + " { return " + Value + "; }());";
      });
      if (!Ok)
        return;
    }
  }
  VarPath[VD] = Path;
  construct(Path, T);
  bindNames(VD);
}

// An array in the frame: declared through an alias (`type_t<int[3]> a;`),
// made by array placement new from its braces, destroyed element by element.
void Lowerer::lowerArrayVar(const VarDecl *VD) {
  QualType T = VD->getType();
  const Expr *Init = VD->getInit() ? strip(VD->getInit()) : nullptr;
  if (!Ctx.getAsConstantArrayType(T) || (Init && !isa<InitListExpr>(Init) && !isa<CXXConstructExpr>(Init))) {
    report(Diag::ArrayVariable, VD->getLocation());
    return;
  }
  std::string Type = "asyncc::detail::type_t<" + typeName(T.getUnqualifiedType()) + ">";
  std::string Path = Layout.addSlotTo(Layout.home(), slotName(VD), Type, declComment(VD), ownName(VD));
  std::string Placement = placement(Path, Type);
  if (Init && isa<InitListExpr>(Init)) {
    if (!emitWithValue(Init, [&](const std::string &Value) { return Placement + Value + ";"; }))
      return;
  } else {
    emit(Placement + ";");
  }
  VarPath[VD] = Path;
  if (destroys(T))
    construct(Path, "asyncc::detail::destroy_array(" + Path + ");");
}

namespace {
// Whether the lambda's body or parameters name an entity declared in Fn
// outside the lambda that it does not capture (a local type, a static
// local, a constant read without capture): a function defined before the
// future's struct could not name it. For a method's lambda, whose factory
// goes before the class (Point), also what the class declares (its factory
// is no member) and what is declared after Point.
class LocalNames : public RecursiveASTVisitor<LocalNames> {
public:
  LocalNames(const FunctionDecl &Fn, const LambdaExpr &LE, const CXXRecordDecl *Class, SourceLocation Point,
             bool Member)
      : Fn(Fn), LE(LE), Class(Class), Point(Point), Member(Member), SM(Fn.getASTContext().getSourceManager()) {}
  bool Found = false;

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()); VD && declaredOutsideLambda(VD) && !captured(VD))
      Found = true;
    if (isa<EnumConstantDecl>(DRE->getDecl()) && declaredOutsideLambda(DRE->getDecl()))
      Found = true;
    if (!captured(DRE->getDecl()))
      Found |= !beforeClass(DRE->getDecl());
    return true;
  }
  bool VisitMemberExpr(MemberExpr *ME) {
    Found |= !beforeClass(ME->getMemberDecl());
    return true;
  }
  bool VisitTypeLoc(TypeLoc TL) {
    const Type *T = TL.getTypePtr();
    const NamedDecl *D = T->getAsTagDecl();
    if (const auto *TT = dyn_cast<TypedefType>(T))
      D = TT->getDecl();
    if (D && (declaredOutsideLambda(D) || !beforeClass(D)))
      Found = true;
    return true;
  }
  bool VisitCXXThisExpr(CXXThisExpr *) {
    Found |= !Member;
    return true;
  }

private:
  bool captured(const Decl *D) const {
    return llvm::any_of(LE.captures(),
                        [&](const LambdaCapture &C) { return C.capturesVariable() && C.getCapturedVar() == D; });
  }
  // Whether a factory before the class can name D: the lambda's own, or
  // declared before the class, outside it (an ASYNC function's struct too).
  bool beforeClass(const Decl *D) const {
    if (!Class || D->isImplicit() || D->getLocation().isInvalid())
      return true;
    for (const DeclContext *C = D->getDeclContext(); C; C = C->getParent())
      if (C == LE.getCallOperator() || C == LE.getLambdaClass())
        return true;
      else if (C == Class)
        return false;
    if (const auto *Function = dyn_cast<FunctionDecl>(D); Function && isAsync(*Function))
      D = Function->getDefinition() ? &futureHome(*Function->getDefinition()) : nullptr;
    return D && llvm::any_of(D->redecls(), [&](const Decl *R) {
             return SM.isBeforeInTranslationUnit(SM.getExpansionLoc(R->getLocation()), Point);
           });
  }
  // Declared in Fn (its body, not its parameters, which are captured), and
  // not in the lambda itself.
  bool declaredOutsideLambda(const Decl *D) const {
    if (isa<ParmVarDecl>(D) && D->getDeclContext() == &Fn)
      return false;
    bool InLambda = false;
    for (const DeclContext *C = D->getDeclContext(); C; C = C->getParent()) {
      if (C == LE.getCallOperator() || C == LE.getLambdaClass())
        InLambda = true;
      if (C == &Fn)
        return !InLambda;
    }
    return false;
  }
  const FunctionDecl &Fn;
  const LambdaExpr &LE;
  const CXXRecordDecl *Class;
  SourceLocation Point;
  bool Member;  // the factory is a static member of the method's class: `this` is its parameter
  const SourceManager &SM;
};

} // namespace

// A lambda kept in the frame: its closure type has no name, so a function
// defined before the future's struct makes the same lambda from its
// captures, passed as arguments (references for what it captures by
// reference, copies for the rest), and the slot's type is what that
// function returns. The lambda's text is kept as written (an ASYNC one's,
// lowered); a function template's specialization's factory names the
// template's parameters as its struct does (`using T = int;`). A method's
// factories go before its class (at namespace scope), so its lambda may
// name nothing of the class; but those of a method whose struct follows
// the class (afterClassDepth) are static members defined there, which may
// use all of it, `this` being their parameter `self`. Methods of templates
// and ASYNC lambdas (whose struct is local to a lambda) are not lowered so:
// nothing, and the variable is refused as one of a type that cannot be
// named.
std::optional<Lowerer::LambdaFactory> Lowerer::lambdaFactory(const LambdaExpr *LE, const std::string &Name) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&FD);
  bool Member = Method && afterClassDepth(FD);
  const CXXRecordDecl *Class = Method && !Member ? outermostClass(*Method) : nullptr;
  // A specialization of a class template at namespace scope: its member
  // struct, and the factory before it, follow the class.
  if (const auto *Spec = Method ? dyn_cast<ClassTemplateSpecializationDecl>(Method->getParent()) : nullptr;
      Spec && Spec->getDeclContext()->isFileContext())
    Class = Spec;
  if (FD.getDescribedFunctionTemplate() || Out.IsLambda || (Method && !Class && !Member))
    return std::nullopt;
  LocalNames Names(FD, *LE, Class, Class ? SM.getExpansionLoc(Class->getBeginLoc()) : SourceLocation(), Member);
  Names.TraverseStmt(LE->getBody());
  for (const ParmVarDecl *P : LE->getCallOperator()->parameters())
    if (const TypeSourceInfo *TSI = P->getTypeSourceInfo())
      Names.TraverseTypeLoc(TSI->getTypeLoc());
  if (Names.Found)
    return std::nullopt;
  std::vector<std::string> Params, Declvals, Captures, Args, ParamTypes;
  for (const auto &[C, CaptureInit] : llvm::zip(LE->captures(), LE->capture_inits())) {
    if (C.capturesThis() && Member && !Out.SelfType.empty()) {
      Params.push_back(Out.SelfType + "* \037self");
      ParamTypes.push_back(Out.SelfType + "*");
      Declvals.push_back("std::declval<" + Out.SelfType + "*>()");
      Captures.push_back(C.getCaptureKind() == LCK_StarThis ? "\037self = asyncc::detail::copy_of(*\037self)" : "\037self");
      Args.push_back("\037self");
      continue;
    }
    if (!C.capturesVariable() || C.isPackExpansion())
      return std::nullopt;
    const ValueDecl *Captured = C.getCapturedVar();
    std::string Name = Captured->getNameAsString();
    bool ByCopy = C.getCaptureKind() == LCK_ByCopy;
    std::string Arg;
    QualType T = Captured->getType();
    if (const auto *Init = dyn_cast<VarDecl>(Captured); Init && Init->isInitCapture()) {
      // The lambda's own initializer: an instantiation's variable may not
      // have the template's.
      renameIn(CaptureInit);
      Arg = text(CaptureInit->getSourceRange());
      ByCopy = !T->isReferenceType();
    } else {
      Arg = pathOf(Captured);
      if (Arg.empty())
        return std::nullopt;
    }
    QualType Value = T.getNonReferenceType();
    if (ByCopy)
      Value = Value.getUnqualifiedType();
    std::string Type = capturedType(Captured, Value);
    if (Type.find(Out.FutureName + "::") != std::string::npos || Type.find("(lambda") != std::string::npos)
      return std::nullopt;
    // An array is passed by reference, and a plain capture of the
    // reference copies it, as the lambda's capture of the array does.
    bool Array = Value->isArrayType();
    if (Array)
      Type = "asyncc::detail::type_t<" + Type + ">";
    bool ByReference = !ByCopy || Array;
    Params.push_back(Type + (ByReference ? "& " : " ") + Name);
    ParamTypes.push_back(Type + (ByReference ? "&" : ""));
    Declvals.push_back("std::declval<" + Type + (ByReference ? "&" : "") + ">()");
    Captures.push_back(!ByCopy ? "&" + Name : Array ? Name : Name + " = std::move(" + Name + ")");
    Args.push_back(Arg);
  }
  std::string Introducer = "[" + llvm::join(Captures, ", ") + "]";
  std::string Lambda;
  if (isAsync(*LE->getCallOperator())) {
    // Lowered with this function, under the factory's captures.
    std::optional<size_t> Index = lowerNestedLambda(LE);
    if (!Index)
      return std::nullopt;
    RenamedLambdas.insert(LE);  // its text in poll is the factory's call
    Lambda = Introducer + nestedLambdaMark(*Index);
  } else {
    // The lambda's text after its captures, as written but for the ASYNC
    // lambdas in it, lowered with this function (their marks).
    if (RenamedLambdas.insert(LE).second) {
      placeLambdasIn(LE);
      if (Member)
        renameThisIn(LE->getBody());
    }
    SourceLocation AfterIntroducer =
        Lexer::getLocForEndOfToken(SM.getExpansionLoc(LE->getIntroducerRange().getEnd()), 0, SM, Ctx.getLangOpts());
    Lambda = Introducer + text(SourceRange(AfterIntroducer, SM.getExpansionLoc(LE->getEndLoc())));
  }
  // At namespace scope, a method's factory is named after its class too,
  // a specialization's after its template arguments.
  // (A class template's arguments are in its name.)
  std::string Factory;
  for (char C : (Method && !Member ? Out.ClassName + "_" : "") + Out.FutureName +
                    (Method && !Out.MemberTemplate ? "" : Out.TemplateArgs)) {
    char Part = isAlphanumeric(C) ? C : '_';
    if (Part != '_' || (!Factory.empty() && Factory.back() != '_'))
      Factory += Part;
  }
  if (Factory.back() != '_')
    Factory += '_';
  Factory += "make_" + Name;
  // The lambda may not name them all.
  std::string Aliases;
  for (const std::string &Alias : Out.TemplateAliases) {
    StringRef Rest = Alias;
    if (Rest.consume_front("using ")) {
      auto [Name, Type] = Rest.split(" = ");
      Aliases += "  using " + Name.str() + " [[maybe_unused]] = " + Type.str() + "\n";
    } else {
      Aliases += "  [[maybe_unused]] " + Alias + "\n";
    }
  }
  if (!Out.LambdaFactories.empty())
    Factory += "_" + std::to_string(Out.LambdaFactories.size() + 1);
  Out.LambdaFactories.push_back("// The lambda " + Name + " of " + Out.Name +
                                ", made where the frame can name its type.\ninline auto " +
                                (Member ? Out.ClassName + "::" : "") + Factory + "(" + llvm::join(Params, ", ") +
                                ") {\n" + Aliases + "  return " + Lambda + ";\n}");
  if (Member)
    Out.LambdaFactoryDeclarations.push_back("static auto " + Factory + "(" + llvm::join(ParamTypes, ", ") + ");");
  std::string Type = "decltype(" + Factory + "(" + llvm::join(Declvals, ", ") + "))";
  ClosureTypes[LE] = Type;
  return LambdaFactory{Type, Factory + "(" + llvm::join(Args, ", ") + ")"};
}

bool Lowerer::lowerLambdaVar(const VarDecl *VD, const LambdaExpr *LE) {
  std::optional<LambdaFactory> Made = lambdaFactory(LE, VD->getNameAsString());
  if (!Made)
    return false;
  std::string Path = Layout.addSlotTo(Layout.home(), slotName(VD), Made->Type, declComment(VD), ownName(VD));
  emit(placement(Path, Made->Type) + "(" + Made->Make + ");");
  VarPath[VD] = Path;
  construct(Path, VD->getType());
  return true;
}

// A structured binding in the frame: the object it decomposes is the slot,
// and each name is a member (or element) of it.
void Lowerer::bindNames(const VarDecl *VD) {
  const auto *DD = dyn_cast<DecompositionDecl>(VD);
  if (!DD)
    return;
  std::string Object = VarPath[VD];
  for (const BindingDecl *B : DD->bindings()) {
    const Expr *E = B->getBinding() ? B->getBinding()->IgnoreImplicit() : nullptr;
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(E)) {
      BindingPath[B] = Object + "." + ME->getMemberDecl()->getNameAsString();
      continue;
    }
    if (const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(E)) {
      BindingPath[B] = Object + "[" + text(AS->getIdx()->getSourceRange()) + "]";
      if (const auto *Index = dyn_cast<IntegerLiteral>(AS->getIdx()->IgnoreImplicit()))
        BindingPath[B] = Object + "[" + llvm::toString(Index->getValue(), 10, false) + "]";
      continue;
    }
    // A tuple-like type: each name is a reference to what get<i> returned,
    // made once, kept in the frame as a pointer.
    const VarDecl *Holding = B->getHoldingVar();
    const auto *Get = Holding && Holding->getInit() ? dyn_cast<CallExpr>(Holding->getInit()->IgnoreImplicit()) : nullptr;
    const FunctionDecl *Callee = Get ? Get->getDirectCallee() : nullptr;
    const TemplateArgumentList *Args = Callee ? Callee->getTemplateSpecializationArgs() : nullptr;
    if (!Args || Args->size() == 0 || Args->get(0).getKind() != TemplateArgument::Integral) {
      report(Diag::StructuredBinding, B->getLocation());
      return;
    }
    std::string Index = llvm::toString(Args->get(0).getAsIntegral(), 10);
    const Expr *Source = isa<CXXMemberCallExpr>(Get) ? cast<CXXMemberCallExpr>(Get)->getImplicitObjectArgument()
                                                      : Get->getArg(0);
    std::string From = Source->isXValue() ? "std::move(" + Object + ")" : Object;
    std::string Call = isa<CXXMemberCallExpr>(Get) ? From + ".get<" + Index + ">()"
                                                    : Callee->getQualifiedNameAsString() + "<" + Index + ">(" + From + ")";
    QualType Referenced = Holding->getType().getNonReferenceType();
    if (!spellable(Referenced, B->getLocation(), "this binding"))
      return;
    std::string Slot = Layout.addSlotTo(Layout.home(), slotName(VD) + "_" + B->getNameAsString(),
                                        typeName(Referenced) + " *", "the binding " + B->getNameAsString());
    emit(Slot + " = asyncc::detail::address(" + Call + ");");
    BindingPath[B] = "(*" + Slot + ")";
  }
}

// Whether the variable's slot may have its name: nothing else the function
// writes is named so (a member of that name would hide it in poll).
bool Lowerer::ownName(const VarDecl *VD) {
  return !isa<DecompositionDecl>(VD) && !NamedOtherwise.count(VD->getName());
}

// The member name of a variable in the frame; a structured binding's
// object is named after its names.
std::string Lowerer::slotName(const VarDecl *VD) {
  const auto *DD = dyn_cast<DecompositionDecl>(VD);
  if (!DD)
    return VD->getNameAsString();
  std::string Name = "binding";
  for (const BindingDecl *B : DD->bindings())
    Name += "_" + B->getNameAsString();
  return Name;
}

// A reference in the frame is a pointer to what it refers to; its uses read
// through the pointer. One bound to a temporary, which lives as long as the
// reference (`const std::string& s = co_await read()`), keeps that temporary
// in the frame instead, and its uses name it.
void Lowerer::lowerReferenceVar(const VarDecl *VD) {
  const Expr *Init = VD->getInit();
  const Expr *Bound = Init ? Init->IgnoreParens() : nullptr;
  if (const auto *Cleanups = dyn_cast_or_null<ExprWithCleanups>(Bound))
    Bound = Cleanups->getSubExpr()->IgnoreParens();
  while (const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(Bound))  // to a base, adding const
    Bound = Cast->getSubExpr()->IgnoreParens();
  if (!Bound) {
    report(Diag::ReferenceToTemporary, VD->getLocation());
    return;
  }
  // A temporary of which the reference names a part (`pair().first`): the
  // whole temporary lives as long as the reference.
  std::vector<const MaterializeTemporaryExpr *> Extended;
  forEachStmt(Init, [&](const Stmt *X) {
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(X); MTE && MTE != Bound && MTE->getExtendingDecl() == VD)
      Extended.push_back(MTE);
  });
  QualType Pointee = VD->getType().getNonReferenceType();
  if (!Extended.empty()) {
    lowerReferenceToPart(VD, Bound, Extended);
    return;
  }
  if (const auto *Temporary = dyn_cast<MaterializeTemporaryExpr>(Bound)) {
    QualType T = Temporary->getType().getUnqualifiedType();
    if (!spellable(T, VD->getLocation(), "this variable"))
      return;
    std::string Type = typeName(T);
    std::string Path = Layout.addSlotTo(Layout.home(), slotName(VD), Type, declComment(VD), ownName(VD));
    if (!emitWithValue(Init, [&](const std::string &Value) {
          Layout.begin(Path);
          return placement(Path, Type) + "(" + Value + ");";
        }))
      return;
    VarPath[VD] = Ctx.hasSameType(Pointee, T) ? Path : "static_cast<" + typeName(Pointee) + "&>(" + Path + ")";
    construct(Path, T);
    bindNames(VD);
    return;
  }
  std::string Type = typeName(Pointee) + "*";
  std::string Path = Layout.addSlotTo(Layout.home(), slotName(VD), Type, declComment(VD), ownName(VD));
  if (!emitWithValue(Init, [&](const std::string &Value) {
        Layout.begin(Path);
        return Path + " = std::addressof(" + Value + ");";
      }))
    return;
  VarPath[VD] = "(*" + Path + ")";
  bindNames(VD);
}

// `const std::string& s = pair().first;`: the temporary is the frame's
// value, made from its own expression (the rest only names a part of it),
// and the reference's uses name that part. Only member accesses and
// conversions to a base may lead from the reference to the temporary: any
// other expression there would be evaluated after it.
void Lowerer::lowerReferenceToPart(const VarDecl *VD, const Expr *Bound,
                                   llvm::ArrayRef<const MaterializeTemporaryExpr *> Extended) {
  std::vector<std::string> Members;
  const Expr *E = Bound;
  while (E != Extended.front()) {
    if (const auto *Paren = dyn_cast<ParenExpr>(E)) {
      E = Paren->getSubExpr();
    } else if (const auto *Cast = dyn_cast<ImplicitCastExpr>(E);
               Cast && (Cast->getCastKind() == CK_NoOp || Cast->getCastKind() == CK_DerivedToBase ||
                        Cast->getCastKind() == CK_UncheckedDerivedToBase)) {
      E = Cast->getSubExpr();
    } else if (const auto *Member = dyn_cast<MemberExpr>(E);
               Member && !Member->isArrow() && isa<FieldDecl>(Member->getMemberDecl())) {
      Members.push_back(Member->getMemberDecl()->getNameAsString());
      E = Member->getBase();
    } else {
      break;
    }
  }
  if (Extended.size() != 1 || E != Extended.front()) {
    report(Diag::ReferenceToTemporary, VD->getLocation());
    return;
  }
  const MaterializeTemporaryExpr *Temporary = Extended.front();
  QualType T = Temporary->getType().getUnqualifiedType();
  if (!spellable(T, VD->getLocation(), "this variable"))
    return;
  std::string Type = typeName(T);
  std::string Path = Layout.addSlotTo(Layout.home(), slotName(VD), Type,
                                      "the whole temporary: " + declComment(VD), ownName(VD));
  if (!emitWithValue(Temporary->getSubExpr(), [&](const std::string &Value) {
        Layout.begin(Path);
        return placement(Path, Type) + "(" + Value + ");";
      }))
    return;
  std::string Part = Path;
  for (auto It = Members.rbegin(); It != Members.rend(); ++It)
    Part += "." + *It;
  QualType Pointee = VD->getType().getNonReferenceType();
  VarPath[VD] = Ctx.hasSameType(Pointee, Bound->getType()) ? Part : "static_cast<" + typeName(Pointee) + "&>(" + Part + ")";
  construct(Path, T);
  bindNames(VD);
}

// for (decl : range) body, with awaits in the body: the range (or a pointer
// to it), the iterators and the loop variable live in the frame.
void Lowerer::lowerRangeFor(const CXXForRangeStmt *RF) {
  unsigned LiveAtEntry = CurrentLive;
  openBlock();
  emit("// " + oneLine(originalText(SourceRange(RF->getBeginLoc(), RF->getRParenLoc()))));
  Layout.openScope();
  if (RF->getInit())
    lowerStmt(RF->getInit());
  const Expr *RangeInit = RF->getRangeInit();
  const auto *RangeVar = cast<VarDecl>(RF->getRangeStmt()->getSingleDecl());
  const auto *BeginVar = cast<VarDecl>(RF->getBeginStmt()->getSingleDecl());
  const auto *EndVar = cast<VarDecl>(RF->getEndStmt()->getSingleDecl());
  std::string Range;
  std::optional<uint64_t> ArrayLength;  // of a range that is an array
  if (const auto *Array = Ctx.getAsConstantArrayType(strip(RangeInit)->getType()))
    ArrayLength = Array->getSize().getZExtValue();
  {
    bool Braces = containsAwait(RangeInit);
    if (Braces) {
      openBlock();
    }
    auto L = lowerFullExpr(RangeInit);
    if (!L)
      return;
    if (const auto *List = dyn_cast<CXXStdInitializerListExpr>(strip(RangeInit))) {
      // `for (x : {a, b})`: the initializer_list only refers to the braces'
      // array, which must live as long as the loop: the array is the range.
      QualType ArrayT = List->getSubExpr()->IgnoreImplicit()->getType();
      const ConstantArrayType *Array = Ctx.getAsConstantArrayType(ArrayT);
      // Its elements are const; the slot's are not, so that it can be made in place.
      std::string Type = "asyncc::detail::type_t<" + typeName(Array->getElementType().getUnqualifiedType()) + "[" +
                         std::to_string(Array->getSize().getZExtValue()) + "]>";
      std::string Path = Layout.addSlot("range", Type, "the array of the braced list");
      emit(placement(Path, Type) + L->Text + ";");
      endFullExpr(*L);
      if (ArrayT.isDestructedType() != QualType::DK_none)
        construct(Path, "asyncc::detail::destroy_array(" + Path + ");");
      Range = Path;
      ArrayLength = Array->getSize().getZExtValue();
    } else if (strip(RangeInit)->isLValue()) {
      QualType T = RangeVar->getType().getNonReferenceType();
      std::string Path = Layout.addSlot("range", declarable(typeName(T)) + "*", "the range");
      emit(Path + " = std::addressof(" + L->Text + ");");
      endFullExpr(*L);
      Range = "(*" + Path + ")";
    } else {
      QualType T = strip(RangeInit)->getType().getUnqualifiedType();
      if (!spellable(T, RangeInit->getBeginLoc(), "the range"))
        return;
      std::string Path = Layout.addSlot("range", typeName(T), "the range");
      emit(placement(Path, typeName(T)) + "(" + L->Text + ");");
      endFullExpr(*L);
      construct(Path, T);
      Range = Path;
    }
    if (Braces) {
      closeBlock();
    }
  }
  // begin and end as the range-based for finds them: members, else ADL.
  auto call = [&](const VarDecl *V, StringRef Name) {
    if (ArrayLength)
      return Name == "begin" ? Range + " + 0" : Range + " + " + std::to_string(*ArrayLength);
    if (isa<CXXMemberCallExpr>(strip(V->getInit())))
      return Range + "." + Name.str() + "()";
    return Name.str() + "(" + Range + ")";
  };
  std::string Begin = Layout.addSlot("begin", typeName(BeginVar->getType()), "the iterator");
  emit(placement(Begin, typeName(BeginVar->getType())) + "(" + call(BeginVar, "begin") + ");");
  construct(Begin, BeginVar->getType());
  std::string End = Layout.addSlot("end", typeName(EndVar->getType()), "the end");
  emit(placement(End, typeName(EndVar->getType())) + "(" + call(EndVar, "end") + ");");
  construct(End, EndVar->getType());
  Layout.open();
  open(PollNode::Loop, "for (; " + Begin + " != " + End + "; ++" + Begin + ")");
  openBlock();
  enterLoop();
  Layout.open();
  const VarDecl *LoopVar = RF->getLoopVariable();
  QualType T = LoopVar->getType();
  if (!spellable(T, LoopVar->getLocation(), "the loop variable"))
    return;
  std::string VarComment = oneLine(originalText(LoopVar->getSourceRange()));
  if (T->isReferenceType()) {
    std::string Path = Layout.addSlotTo(Layout.innermost(), slotName(LoopVar), typeName(T.getNonReferenceType()) + "*", VarComment, ownName(LoopVar));
    emit(Path + " = std::addressof(*" + Begin + ");");
    VarPath[LoopVar] = "(*" + Path + ")";
  } else {
    std::string Type = typeName(T.getUnqualifiedType());
    std::string Path = Layout.addSlotTo(Layout.innermost(), slotName(LoopVar), Type, VarComment, ownName(LoopVar));
    emit(placement(Path, Type) + "(*" + Begin + ");");
    VarPath[LoopVar] = Path;
    construct(Path, T);
  }
  bindNames(LoopVar);  // `for (auto& [key, value] : map)`
  Layout.open();
  lowerStmt(RF->getBody());
  Layout.close();
  destroyDownTo(ContinueLive.back());
  leaveLoop();
  Layout.close();
  closeBlock();
  close();
  Layout.closeScope();
  destroyDownTo(LiveAtEntry);
  closeBlock();
}

void Lowerer::lowerDecl(const DeclStmt *DS) {
  if (!DS->isSingleDecl()) {
    lowerDeclarators(DS);
    return;
  }
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD) {
      report(Diag::NotAVariable, D->getLocation());
      return;
    }
    if (!Frame->isFrameVar(VD) && !(VD->getInit() && containsAwait(VD->getInit()))) {
      emitStatement(DS, stmtText(DS));
      return;
    }
    lowerVar(VD);
  }
}

// `int a = co_await f(), *p = &a, b;`: each declarator becomes a
// declaration of its own, in order, with the statement's specifiers.
void Lowerer::lowerDeclarators(const DeclStmt *DS) {
  const auto *First = dyn_cast<VarDecl>(*DS->decl_begin());
  if (!First) {
    report(Diag::NotAVariable, DS->getBeginLoc());
    return;
  }
  // The specifiers, `int` of `int a, *p`, and where each declarator begins:
  // after them, then after the comma that ends the one before.
  SourceLocation SpecEnd = Lexer::getLocForEndOfToken(SM.getExpansionLoc(First->getTypeSpecEndLoc()), 0, SM, Ctx.getLangOpts());
  std::string Specifiers = originalText(SourceRange(DS->getBeginLoc(), First->getTypeSpecEndLoc()));
  SourceLocation Begin = SpecEnd;
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || isa<DecompositionDecl>(VD)) {
      report(Diag::NotAVariable, D->getLocation());
      return;
    }
    SourceLocation NameEnd = Lexer::getLocForEndOfToken(SM.getExpansionLoc(VD->getLocation()), 0, SM, Ctx.getLangOpts());
    DeclaratorHead[VD] = Specifiers + Lexer::getSourceText(CharSourceRange::getCharRange(Begin, NameEnd), SM, Ctx.getLangOpts()).str();
    if (Frame->isFrameVar(VD) || (VD->getInit() && containsAwait(VD->getInit()))) {
      lowerVar(VD);
    } else {
      renameIn(VD->getInit());
      emitStatement(DS, Specifiers + text(SourceRange(Begin, VD->getEndLoc())) + ";");
    }
    if (Failed)
      return;
    std::optional<Token> Comma = Lexer::findNextToken(SM.getExpansionLoc(VD->getEndLoc()), SM, Ctx.getLangOpts());
    if (Comma && Comma->is(tok::comma))
      Begin = Comma->getEndLoc();
  }
}

// Types declared in the body become members of the future's struct, where
// the frame can name them.
void Lowerer::lowerLocalTypes(const DeclStmt *DS) {
  for (const Decl *D : DS->decls())
    if (!HoistedTypes.insert(cast<NamedDecl>(D)->getName()).second) {
      report(Diag::LocalTypeTwice, D->getLocation()) << cast<NamedDecl>(D)->getName();
      return;
    }
  std::string Text = originalText(DS->getSourceRange());
  Out.LocalTypes.push_back(StringRef(Text).ends_with(";") ? Text : Text + ";");
}

} // namespace asyncc::tool
