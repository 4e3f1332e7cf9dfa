// The lowering of full-expressions: each co_await becomes a sub-future in
// the frame, polled until ready, whose value replaces the await in the
// expression's text; values C++ computes before an await are kept in the
// frame; `&&`, `||` and `?:` whose skipped operand awaits become if/else.
#include "AstQueries.h"
#include "Find.h"
#include "Lowerer.h"

#include "clang/AST/ParentMap.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace asyncc::tool {

// The type of the sub-future an operand makes. A call of another ASYNC
// function returns Async<T> before transformation and its struct after.
std::string Lowerer::futureType(const Expr *Operand) {
  const Expr *E = strip(Operand);
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (Callee && isAsync(*Callee) && lambdaOf(*Callee, Ctx))
      return lambdaFutureType(Call);
    if (Callee && returnsOwnFuture(*Callee)) {
      if (Callee->getCanonicalDecl() == FD.getCanonicalDecl()) {
        // The fix: the recursive future goes to the heap, behind a pointer.
        SourceRange R = SM.getExpansionRange(Operand->getSourceRange()).getAsRange();
        SourceLocation End = Lexer::getLocForEndOfToken(R.getEnd(), 0, SM, Ctx.getLangOpts());
        report(Diag::AwaitsItself, R.getBegin()) << FixItHint::CreateInsertion(R.getBegin(), "asyncc::boxed(")
                                                 << FixItHint::CreateInsertion(End, ")");
        return "";
      }
      // Its struct defined earlier, here or in an included header (which
      // asyncc transforms too): at its definition, or at its first
      // declaration when it can go there. It is then complete where ours is.
      const FunctionDecl *Def = Callee->getDefinition();
      if (!Def || !futureDefinedBefore(*Def, FD)) {
        report(Diag::AwaitedDefinedLater, Operand->getBeginLoc()) << Callee->getNameAsString();
        return "";
      }
      std::string Qualified = qualifiedName(*Callee);
      std::string Name = Qualified.substr(0, Qualified.size() - Callee->getNameAsString().size()) + futureNameOf(*Callee);
      if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee))
        Name = typeName(Ctx.getRecordType(Method->getParent())) + "::" + futureNameOf(*Callee);
      if (Callee->isFunctionTemplateSpecialization()) {
        llvm::ArrayRef<TemplateArgument> Args = Callee->getTemplateSpecializationArgs()->asArray();
        SourceLocation Template = Callee->getPrimaryTemplate()->getBeginLoc();
        // An argument the specialization cannot name (a lambda): what the
        // function template returns for the emitted arguments.
        if (llvm::any_of(Args, [&](const TemplateArgument &A) { return unnameableAt(A, Template, SM); })) {
          // A lambda written as an argument is made by its factory, whose
          // return type names it.
          for (unsigned I = 0; I != Call->getNumArgs(); ++I) {
            const auto *Lambda = dyn_cast<LambdaExpr>(Call->getArg(I)->IgnoreImplicit());
            if (!Lambda || ClosureTypes.count(Lambda))
              continue;
            const ParmVarDecl *Param = I < Callee->getNumParams() ? Callee->getParamDecl(I) : nullptr;
            std::optional<LambdaFactory> Factory =
                lambdaFactory(Lambda, Param && !Param->getName().empty() ? Param->getNameAsString() : "lambda");
            if (!Factory) {
              report(Diag::UnnamedType, Lambda->getBeginLoc()) << "this lambda";
              return "";
            }
            SourceRange Range = SM.getExpansionRange(Lambda->getSourceRange()).getAsRange();
            Scratch.ReplaceText(Range.getBegin(), text(Range).size(), Factory->Make);
          }
          return callType(Call, Operand->getBeginLoc());
        }
        Name += spellTemplateArgs(Args, Ctx);
      }
      return Name;
    }
  }
  QualType T = E->getType();
  if (!spellable(T, Operand->getBeginLoc(), "the awaited future"))
    return "";
  if (involvesAsync(T))
    return exprType(Operand, Operand->getBeginLoc());
  // Called on an argument kept generic (a lambda given to a template): what
  // it returns for its parameter, so that one struct serves them all.
  if (const auto *Call = dyn_cast<CallExpr>(E); Call && !GenericArgs.empty()) {
    const Expr *Object = nullptr;
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call); Op && Op->getOperator() == OO_Call)
      Object = Op->getArg(0);
    else if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call))
      Object = Member->getImplicitObjectArgument();
    if (Object && genericName(Object->getType().getNonReferenceType()))
      return callType(Call, Operand->getBeginLoc());
  }
  // What a function template returns is spelled by what it denotes: its
  // sugar names the template's own parameters and aliases.
  if (const auto *Call = dyn_cast<CallExpr>(E); Call && Call->getDirectCallee() &&
                                                Call->getDirectCallee()->isTemplateInstantiation())
    return T.getCanonicalType().getUnqualifiedType().getAsString(Policy);
  return typeName(T.getUnqualifiedType());
}

// The future of a call of an ASYNC lambda: what its closure's call operator
// returns given arguments of the call's types and value categories (the
// same instantiation, for a generic lambda).
std::string Lowerer::lambdaFutureType(const CallExpr *Call) {
  const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call);
  std::string Closure = Op ? closureType(Op->getArg(0)) : "";
  if (Closure.empty()) {
    report(Diag::LambdaFutureType, Call->getBeginLoc());
    return "";
  }
  std::vector<std::string> Args;
  for (unsigned I = 1; I < Op->getNumArgs(); ++I) {
    // As given, before it binds to a parameter: what deduces `auto`.
    const Expr *Arg = Op->getArg(I)->IgnoreParens();
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(Arg))
      Arg = MTE->getSubExpr();
    QualType T = Arg->getType();
    std::string Type = involvesAsync(T) ? exprType(Arg, Arg->getExprLoc())
                                        : typeName(Arg->isPRValue() ? T.getUnqualifiedType() : T);
    if (Type.empty())
      return "";
    Args.push_back("std::declval<" + Type + (Arg->isLValue() ? "&" : Arg->isXValue() ? "&&" : "") + ">()");
  }
  return "decltype(std::declval<" + Closure + "&>()(" + llvm::join(Args, ", ") + "))";
}

// The emitted type of the closure Object is: a lambda the frame keeps, made
// by its factory, directly or through the variable it initializes; or a
// variable at namespace scope declared before this function. Empty if it
// has none.
std::string Lowerer::closureType(const Expr *Object) {
  const Expr *E = Object->IgnoreImplicit()->IgnoreParens();
  if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
    E = MTE->getSubExpr()->IgnoreImplicit()->IgnoreParens();
  if (const auto *LE = dyn_cast<LambdaExpr>(E))
    return ClosureTypes.lookup(LE);
  const auto *Ref = dyn_cast<DeclRefExpr>(E);
  const auto *VD = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!VD)
    return "";
  if (const auto *LE = VD->getInit() ? dyn_cast<LambdaExpr>(strip(VD->getInit())) : nullptr)
    if (auto It = ClosureTypes.find(LE); It != ClosureTypes.end())
      return It->second;
  if (!VD->getDeclContext()->isFileContext() ||
      !SM.isBeforeInTranslationUnit(SM.getExpansionLoc(VD->getLocation()), textBegin(FD)))
    return "";
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  PrintingPolicy Qualified = Policy;
  Qualified.SuppressUnwrittenScope = true;  // no `(anonymous namespace)::`
  VD->printQualifiedName(OS, Qualified);
  return "decltype(" + Name + ")";
}

// The type of E (without reference) as the emitted code spells it. Where it
// involves the future of an ASYNC function, it is what E denotes after the
// transformation: that function's struct for a call of it, a variable's
// emitted type, and for a call of a function template (join, select,
// timeout) what it returns given those: decltype of the call made of
// std::declval of its arguments' emitted types.
std::string Lowerer::exprType(const Expr *E, SourceLocation Loc) {
  QualType T = E->getType().getNonReferenceType().getUnqualifiedType();
  if (!involvesAsync(T))
    return typeName(T);
  const Expr *X = strip(E);
  const auto *Call = dyn_cast<CallExpr>(X);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (Callee && returnsOwnFuture(*Callee))
    return futureType(X);
  // A function declared to return asyncc::Async<T> (a virtual ASYNC method
  // too) returns it, boxed: the type it declares.
  if (Callee && !Callee->isTemplateInstantiation() && !Callee->getReturnType()->getContainedDeducedType() &&
      !Callee->getReturnType()->isDependentType() && involvesAsync(Callee->getReturnType()))
    return typeName(Callee->getReturnType().getNonReferenceType().getUnqualifiedType());
  if (const auto *Ref = dyn_cast<DeclRefExpr>(X)) {
    if (auto It = VarType.find(Ref->getDecl()); It != VarType.end())
      return It->second;
    // A parameter keeps the type it is declared with (`asyncc::Async<int>
    // inner`, which any future of int converts to), unless deduced.
    if (const auto *Param = dyn_cast<ParmVarDecl>(Ref->getDecl())) {
      const auto *Function = dyn_cast<FunctionDecl>(Param->getDeclContext());
      if (Function && !Function->isTemplateInstantiation() && !Param->getType()->getContainedDeducedType())
        return typeName(Param->getType().getNonReferenceType().getUnqualifiedType());
    }
  }
  // A copy or a move of one (`auto b = std::move(a)`) has its type.
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(X);
      Construct && Construct->getNumArgs() == 1 &&
      Ctx.hasSameUnqualifiedType(Construct->getArg(0)->getType().getNonReferenceType(), T))
    return exprType(Construct->getArg(0), Loc);
  if (Callee && Call->getNumArgs() == 1 &&
      (Callee->getQualifiedNameAsString() == "std::move" || Callee->getQualifiedNameAsString() == "std::forward"))
    return exprType(Call->getArg(0), Loc);
  if (!Call) {
    report(Diag::FutureType, Loc);
    return "";
  }
  return callType(Call, Loc);
}

// The type of Call as the emitted code spells it: decltype of the call made of
// std::declval of the emitted types of its callee's object and arguments.
std::string Lowerer::callType(const CallExpr *Call, SourceLocation Loc) {
  const FunctionDecl *Callee = Call->getDirectCallee();
  // What calls: a function by its name, a callable object, a method.
  std::string Function;
  unsigned FirstArg = 0;
  const auto *Named = dyn_cast<DeclRefExpr>(Call->getCallee()->IgnoreImplicit());
  const auto *Operator = dyn_cast<CXXOperatorCallExpr>(Call);
  const auto *Member =
      isa<CXXMemberCallExpr>(Call) ? dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParens()) : nullptr;
  if (Named && !Named->hasExplicitTemplateArgs() && Callee && !isa<CXXMethodDecl>(Callee)) {
    Function = qualifiedName(*Callee);
  } else if (Operator && Operator->getOperator() == OO_Call) {
    Function = declvalOf(Operator->getArg(0), Loc);
    FirstArg = 1;
  } else if (Member && !Member->hasExplicitTemplateArgs() && isa<CXXMethodDecl>(Member->getMemberDecl())) {
    Function = declvalOf(Member->getBase(), Loc) + (Member->isArrow() ? "->" : ".") +
               Member->getMemberNameInfo().getAsString();
  } else {
    report(Diag::FutureType, Loc);
    return "";
  }
  if (Function.empty())
    return "";
  std::vector<std::string> Args;
  for (unsigned I = FirstArg; I < Call->getNumArgs(); ++I) {
    const Expr *Arg = Call->getArg(I);
    if (isa<CXXDefaultArgExpr>(Arg))
      break;
    std::string Type = closureType(Arg);
    if (Type.empty() && !spellable(Arg->getType(), Arg->getBeginLoc(), "this argument"))
      return "";
    if (Type.empty())
      Type = exprType(Arg, Loc);
    if (Type.empty())
      return "";
    const Expr *Written = Arg->IgnoreImplicit();
    const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(Arg->IgnoreParens());
    if (MTE)
      Written = MTE->getSubExpr();
    if (MTE && PinnedFutures.count(MTE))
      Type = "asyncc::detail::Pinned<" + Type + ">";
    Args.push_back("std::declval<" + Type + (Written->isLValue() ? "&" : Written->isXValue() ? "&&" : "") + ">()");
  }
  std::string Decltype = "decltype(" + Function + "(" + llvm::join(Args, ", ") + "))";
  return Call->isGLValue() || Call->getCallReturnType(Ctx)->isReferenceType()
             ? "std::remove_reference_t<" + Decltype + ">"
             : Decltype;
}

// `std::declval<T&>()` for the object E, a callable or the object of a
// method call, T its emitted type (a lambda the frame keeps, a future):
// what it names in a decltype. Empty if it has none (reported): a lambda
// the frame does not keep.
std::string Lowerer::declvalOf(const Expr *E, SourceLocation Loc) {
  E = E->IgnoreImpCasts();  // as written: not made const for a const operator()
  QualType T = E->getType().getNonReferenceType();
  std::string Type = closureType(E);
  if (Type.empty() && involvesAsync(T))
    Type = exprType(E, Loc);
  if (Type.empty()) {
    if (!spellable(T, Loc, "the object called"))
      return "";
    Type = typeName(T);
  } else if (T.isConstQualified()) {
    Type = "const " + Type;
  }
  return "std::declval<" + Type + (E->isLValue() ? "&" : E->isXValue() ? "&&" : "") + ">()";
}

std::optional<Lowerer::Lowered> Lowerer::lowerFullExpr(const Expr *E) {
  std::vector<const Expr *> Awaits;
  collectAwaits(E, Awaits);
  if (Awaits.empty()) {
    renameIn(E);
    return Lowered{text(E->getSourceRange()), "", {}, CurrentLive, std::nullopt};
  }
  ValuesBeforeAwaits Before = valuesBeforeAwaits(E);
  if (const Stmt *Refused = Before.Refused) {
    const auto *X = dyn_cast<Expr>(Refused);
    report(Diag::EvaluatedBefore, X ? X->getExprLoc() : Refused->getBeginLoc());
    return std::nullopt;
  }
  Hoists = std::move(Before.Hoists);
  unsigned LiveAtStart = CurrentLive;

  // Several awaits, results kept to the end or values read before an await:
  // a scope holds them to the end of the full-expression (endFullExpr),
  // beside one for the sub-futures, each of which ends when it is ready.
  bool Group = Awaits.size() > 1 || !Hoists.empty() || llvm::any_of(Awaits, [](const Expr *A) {
                 const auto *CA = dyn_cast<CoawaitExpr>(A);
                 return !CA || !operandTemporaries(CA->getOperand()).Kept.empty();
               });
  LayoutBuilder::Open GroupHome = Layout.innermost();
  if (Group) {
    Layout.open();
    GroupHome = Layout.innermost();
    Layout.open();
  }
  std::vector<std::string> KeptReady;
  std::string LastReady;
  ParentMap Parents(const_cast<Expr *>(E));
  for (size_t I = 0; I != Awaits.size(); ++I) {
    for (const Hoist &H : Hoists)
      if (H.Before == Awaits[I] && !keepValue(H, GroupHome, KeptReady))
        return std::nullopt;
    bool Last = I + 1 == Awaits.size();
    if (isShortCircuit(Awaits[I])) {
      // Its own full-expressions inside: they must not take the hoists, nor
      // the Finish guard of a co_return, which belongs after all of it.
      std::vector<Hoist> OuterHoists = std::move(Hoists);
      std::string Guard = std::exchange(AfterLastResume, "");
      std::optional<std::string> Value = lowerShortCircuit(Awaits[I], GroupHome, KeptReady);
      Hoists = std::move(OuterHoists);
      if (!Value)
        return std::nullopt;
      if (Last && !Guard.empty())
        emit(Guard);
      else
        AfterLastResume = Guard;
      SourceRange Range = SM.getExpansionRange(Awaits[I]->getSourceRange()).getAsRange();
      Scratch.ReplaceText(Range.getBegin(), text(Range).size(), *Value);
      continue;
    }
    if (!lowerAwait(cast<CoawaitExpr>(Awaits[I]), Last, Parents, GroupHome, KeptReady, LastReady))
      return std::nullopt;
  }
  std::optional<LayoutBuilder::Open> Kept;
  if (Group) {
    Layout.close();  // the futures
    Layout.closeKeeping();
    Kept = GroupHome;
  }
  renameIn(E);
  return Lowered{text(E->getSourceRange()), LastReady, KeptReady, LiveAtStart, Kept};
}

// One co_await of a full-expression: its future is made in the frame (or,
// named, polled where it is), the state is set, and on resumption the Poll
// is taken; kept in the group (GroupHome) when it must outlive later awaits.
bool Lowerer::lowerAwait(const CoawaitExpr *CA, bool Last, const ParentMap &Parents, const LayoutBuilder::Open &GroupHome,
                         std::vector<std::string> &KeptReady, std::string &LastReady) {
  const Expr *Operand = CA->getOperand();
  unsigned Number = Out.States.size() + 1;
  std::string N = std::to_string(Number);
  PresumedLoc PL = SM.getPresumedLoc(SM.getExpansionLoc(CA->getBeginLoc()));
  std::string Flat = oneLine(originalText(CA->getSourceRange()));

  // The future: a temporary is stored in the frame; a named one (an
  // lvalue) is polled where it is.
  const Expr *Stripped = strip(Operand);
  bool Borrowed = Stripped->isLValue() && !isa<MaterializeTemporaryExpr>(Operand->IgnoreParens());
  if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(Operand))
    Borrowed = !MTE->getSubExpr()->isPRValue() && Stripped->isLValue();
  renameIn(Operand);
  if (!keepTemporaries(Operand, GroupHome, KeptReady))
    return false;
  // After the temporaries: a lambda called where it is written is one, and
  // its closure's type, made there, names the future's.
  std::string FutureType = Borrowed ? typeName(Stripped->getType().getUnqualifiedType()) : futureType(Operand);
  if (Failed)
    return false;
  std::string OperandText = text(Operand->getSourceRange());
  // The future of an ASYNC call, made here and destroyed once ready, is
  // never polled after it completed: it is resumed.
  const auto *Call = dyn_cast<CallExpr>(Stripped);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  bool Resumed = !Borrowed && Callee && returnsOwnFuture(*Callee);
  std::string Poll = Resumed ? ".poll(\037cx, asyncc::detail::resume)" : ".poll(\037cx)";
  std::string FuturePath, DestroyFuture;
  unsigned LiveBefore = CurrentLive;
  emit("// " + Flat + "   " + File.str() + ":" + std::to_string(PL.getLine()));
  if (Borrowed) {
    FuturePath = "(" + OperandText + ")";
  } else {
    FuturePath = Layout.addSlot(numbered("await", Number), FutureType, Flat);
    DestroyFuture = "std::destroy_at(&" + FuturePath + ");";
    emit(placement(FuturePath, FutureType) + "(" + OperandText + ");");
    construct(FuturePath, DestroyFuture);
  }
  // Once ready, a future made in the frame is destroyed and its bytes free.
  auto futureReady = [&] {
    if (Borrowed)
      return;
    destroyDownTo(LiveBefore);
    Layout.end(FuturePath);
  };
  SuspendState State;
  State.Name = "Await" + N;
  State.SourceText = Flat;
  State.Line = PL.getLine();
  State.Live = CurrentLive;
  State.Entry = Tries.empty() ? numbered("resume", Number) : Tries.front().Label;
  if (!Tries.empty())
    Tries.back().Targets.push_back({State.Name, numbered("resume", Number)});
  Out.States.push_back(State);
  add(PollNode::Await, numbered("resume", Number)).State = Number;
  PollStep Step;
  Step.Number = Number;
  Step.FuturePath = FuturePath;
  Step.Destroy = DestroyFuture;
  Step.SiteType = "asyncc::detail::SharedPoll<" + FutureType + (Resumed ? ", asyncc::detail::Resume>" : ">");
  if (Last && !AfterLastResume.empty()) {
    Step.Guard = AfterLastResume;
    AfterLastResume.clear();
  }
  const std::string Pending = " return \037unwind.leave(asyncc::Poll<\037Output>::pending());";
  std::string Ready, Value;
  QualType ValueType = CA->getType();
  // A trivial value, a reference (the Poll holds a pointer) or nothing.
  bool TrivialPoll = CA->isLValue() || ValueType->isVoidType() ||
                     (CA->isPRValue() && ValueType.isTrivialType(Ctx) && !ValueType.isVolatileQualified());
  Step.Shareable = !Borrowed && Tries.empty() && TrivialPoll;
  auto placePoll = [&] {
    PollSteps.push_back(std::move(Step));
    add(PollNode::Poll, "").State = PollSteps.size();
  };
  if (Last) {
    Ready = numbered("ready", Number);
    Step.InPlace = {"auto " + Ready + " = " + FuturePath + Poll + ";", "if (" + Ready + ".is_pending())" + Pending};
    Step.Take = "auto " + Ready + " = \035.ready();";
    placePoll();
    futureReady();
    LastReady = Ready;
    Value = "asyncc::detail::take(" + Ready + ")";
  } else if (CA->isPRValue() && !ValueType->isVoidType() && !movesAreObservable(ValueType)) {
    // Alive across later awaits: the value itself, kept to the end of the
    // full-expression (a move of it cannot show).
    std::string SlotType = ValueType->isBuiltinType() ? typeName(ValueType.getUnqualifiedType())
                                                      : "asyncc::output_of<" + FutureType + ">";
    Ready = Layout.addSlotTo(GroupHome, numbered("value", Number), SlotType, "value of " + Flat);
    Step.InPlace = {"if (!asyncc::detail::" + std::string(Resumed ? "resume_into" : "poll_into") + "(&" + Ready + ", " +
                    FuturePath + ", \037cx))" + Pending};
    Step.Take = placement(Ready, SlotType) + "(\035.ready().value());";
    placePoll();
    futureReady();
    if (destroys(ValueType)) {
      construct(Ready, ValueType);
      KeptReady.push_back(Ready);
    }
    // A scalar operand of a conversion or of built-in arithmetic is read
    // where it stands; anywhere else (a reference binds to it, its value
    // is discarded) the slot's value is the prvalue the await is.
    const Stmt *User = Parents.getParentIgnoreParens(CA);
    const auto *Cast = dyn_cast_or_null<ImplicitCastExpr>(User);
    bool Operand = (Cast && Cast->getCastKind() != CK_NoOp) || isa_and_nonnull<UnaryOperator>(User) ||
                   (isa_and_nonnull<BinaryOperator>(User) && !cast<BinaryOperator>(User)->isCommaOp());
    Value = ValueType->isScalarType() && Operand ? Ready : "asyncc::detail::moved(" + Ready + ")";
  } else {
    // A value whose move could show, a reference or void: its Poll is
    // kept, and the value taken from it where the await stood.
    std::string ReadyType = "asyncc::detail::poll_result_t<" + FutureType + ">";
    Ready = Layout.addSlotTo(GroupHome, numbered("ready", Number), ReadyType, "value of " + Flat);
    // A pending Poll holds nothing: it is simply made again next time.
    Step.InPlace = {placement(Ready, ReadyType) + "(" + FuturePath + Poll + ");", "if (" + Ready + ".is_pending())" + Pending};
    Step.Take = placement(Ready, ReadyType) + "(\035.ready());";
    placePoll();
    futureReady();
    construct(Ready, "std::destroy_at(&" + Ready + ");");
    KeptReady.push_back(Ready);
    Value = "asyncc::detail::take(" + Ready + ")";
  }
  // Replaced by its rewritten length: names inside it may already have
  // been renamed, which a range in original offsets would not cover.
  SourceRange AwaitRange = SM.getExpansionRange(CA->getSourceRange()).getAsRange();
  Scratch.ReplaceText(AwaitRange.getBegin(), text(AwaitRange).size(), Value);
  return true;
}

// The name by which a call, anywhere in the file, reaches the entity a
// default argument names: qualified from the global namespace. None for
// what it may not reach (a member that is not public, a class template's)
// or may find otherwise (a function with overloads: one declared between
// the declaration and the call would join them).
std::optional<std::string> Lowerer::nameAtCall(const NamedDecl *D) {
  const auto *Var = dyn_cast<VarDecl>(D);
  if (Var && Var->isLocalVarDeclOrParm())
    return std::nullopt;
  if (const auto *Function = dyn_cast<FunctionDecl>(D)) {
    if (const auto *Method = dyn_cast<CXXMethodDecl>(Function); Method && !Method->isStatic())
      return std::nullopt;
    const Decl *Entity = Function->getPrimaryTemplate() ? static_cast<const Decl *>(Function->getPrimaryTemplate())
                                                        : Function;
    for (const NamedDecl *Found : Function->getDeclContext()->getRedeclContext()->lookup(Function->getDeclName()))
      if (Found->getCanonicalDecl() != Entity->getCanonicalDecl())
        return std::nullopt;
  } else if (!Var && !isa<EnumConstantDecl>(D)) {
    return std::nullopt;
  }
  for (const DeclContext *DC = D->getDeclContext(); !DC->isTranslationUnit(); DC = DC->getParent()) {
    const auto *Class = dyn_cast<CXXRecordDecl>(DC);
    if (isa<FunctionDecl>(DC) || (Class && (isa<ClassTemplateSpecializationDecl>(Class) ||
                                            Class->getDescribedClassTemplate() || Class->isLambda())))
      return std::nullopt;
  }
  for (const Decl *Member = D; isa<CXXRecordDecl>(Member->getDeclContext());
       Member = cast<Decl>(Member->getDeclContext()))
    if (Member->getAccess() != AS_public)
      return std::nullopt;
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  PrintingPolicy Qualified = Policy;
  Qualified.SuppressUnwrittenScope = true;  // no `(anonymous namespace)::`
  D->printQualifiedName(OS, Qualified);
  return "::" + Name;
}

// The text of Range, within a default argument's expression E, spelled to
// mean at a call what it means at the declaration: each entity it names
// (a variable, a function, an enumerator, a static member) by its name
// from the global namespace (nameAtCall), and each class it makes by its
// qualified name (`= Options{default_level()}` becomes
// `files::Options{::files::default_level()}`). None if it names what a
// call cannot reach so, or holds what it cannot spell (a lambda, an
// operator call, a name from a macro, template arguments).
std::optional<std::string> Lowerer::spelledAtCall(const Expr *E, SourceRange Range) {
  struct Edit {
    unsigned Offset, Length;
    std::string Text;
  };
  std::vector<Edit> Edits;
  std::string Text = originalText(Range);
  unsigned Begin = SM.getFileOffset(Range.getBegin());
  bool Spelled = true;
  auto replace = [&](SourceLocation From, SourceLocation LastToken, std::string With) {
    if (From.isMacroID() || LastToken.isMacroID()) {
      Spelled = false;
      return;
    }
    unsigned Start = SM.getFileOffset(From);
    unsigned End = SM.getFileOffset(LastToken) + Lexer::MeasureTokenLength(LastToken, SM, Ctx.getLangOpts());
    if (Start >= Begin && End <= Begin + Text.size())  // outside: the caller spells it
      Edits.push_back({Start - Begin, End - Start, std::move(With)});
  };
  forEachStmt(E, [&](const Stmt *S) {
    if (!Spelled)
      return;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
      std::optional<std::string> Name = Ref->hasExplicitTemplateArgs() ? std::nullopt : nameAtCall(Ref->getDecl());
      if (!Name)
        Spelled = false;
      else
        replace(Ref->getQualifierLoc() ? Ref->getQualifierLoc().getBeginLoc() : Ref->getLocation(), Ref->getLocation(),
                *Name);
      return;
    }
    if (const auto *Member = dyn_cast<MemberExpr>(S)) {
      Spelled = Member->getMemberDecl()->getAccess() == AS_public && !Member->hasQualifier() &&
                !Member->hasExplicitTemplateArgs();
      return;
    }
    const TypeSourceInfo *Written = nullptr;
    if (const auto *Object = dyn_cast<CXXTemporaryObjectExpr>(S))
      Written = Object->getTypeSourceInfo();
    else if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(S))
      Written = Cast->getTypeInfoAsWritten();
    if (Written) {
      QualType T = Written->getType();
      Spelled = !T->isDependentType() && !T->getContainedDeducedType();
      if (Spelled) {
        SourceRange TypeRange = Written->getTypeLoc().getSourceRange();
        replace(TypeRange.getBegin(), TypeRange.getEnd(), typeName(T));
      }
      return;
    }
    // What names nothing itself, and calls and ?:, whose names are their
    // children's.
    if (isa<CallExpr>(S) && !isa<CXXOperatorCallExpr>(S))
      return;
    if (isa<ConditionalOperator>(S) || namesNothingItself(S))
      return;
    Spelled = false;
  });
  if (!Spelled)
    return std::nullopt;
  llvm::sort(Edits, [](const Edit &A, const Edit &B) { return A.Offset > B.Offset; });
  for (const Edit &Ed : Edits)
    Text.replace(Ed.Offset, Ed.Length, Ed.Text);
  return Text;
}

// The text of what a default argument makes (Made), without the `=` that
// the range of a braced default starts with.
SourceRange Lowerer::defaultRange(const Expr *Made) {
  SourceRange R = SM.getExpansionRange(Made->getSourceRange()).getAsRange();
  Token First;
  if (!Lexer::getRawToken(R.getBegin(), First, SM, Ctx.getLangOpts()) && First.is(tok::equal))
    if (std::optional<Token> Next = Lexer::findNextToken(R.getBegin(), SM, Ctx.getLangOpts()))
      R.setBegin(Next->getLocation());
  return R;
}

// Where the initializer of a construction that names its class begins:
// its parenthesis or brace.
static SourceLocation initializerBegin(const Expr *Written) {
  if (const auto *Object = dyn_cast<CXXTemporaryObjectExpr>(Written))
    return Object->getParenOrBraceRange().getBegin();
  const auto *Cast = cast<CXXFunctionalCastExpr>(Written);
  return Cast->getLParenLoc().isValid() ? Cast->getLParenLoc() : Cast->getSubExpr()->IgnoreImplicit()->getBeginLoc();
}

// The temporaries of an await's operand live, as C++ keeps them, to the end
// of the full-expression: each is made in the frame where it stands in the
// operand, in the scope GroupHome, and destroyed by endFullExpr in the
// reverse order.
bool Lowerer::keepTemporaries(const Expr *Operand, const LayoutBuilder::Open &GroupHome,
                              std::vector<std::string> &Kept) {
  OperandTemporaries Temps = operandTemporaries(Operand);
  if (Temps.Refused) {
    // A default argument has no text at the call: the call's place.
    const auto *Default = dyn_cast<CXXDefaultArgExpr>(Temps.Refused);
    report(Temps.RefusedAs, Default ? Default->getUsedLocation() : Temps.Refused->getExprLoc());
    return false;
  }
  // A default argument's temporary has no text at the call: it is made
  // from the declaration's, and the call passes it, after what is written.
  // Temps.Defaults are in the order of Kept, a call's together.
  size_t NextDefault = 0;
  std::vector<std::pair<const CXXDefaultArgExpr *, std::string>> DefaultsMade;  // of one call
  PinnedFutures.insert(Temps.Pinned.begin(), Temps.Pinned.end());
  // The calls' own text first: their arguments' are replaced below.
  for (const MadeInPlace &M : Temps.Calls) {
    bool DefaultsKept = llvm::any_of(Temps.Defaults, [&](const KeptDefault &D) { return D.Call == M.Call; });
    if (!constructFutureDirectly(M.Call, M.Argument, !DefaultsKept))
      return false;
  }
  for (const Expr *Temp : Temps.Kept) {
    const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(Temp);
    const auto *Bound = dyn_cast<CXXBindTemporaryExpr>(Temp);
    const Expr *Made = MTE ? MTE->getSubExpr() : Bound ? Bound->getSubExpr() : Temp;
    QualType T = Temp->getType().getUnqualifiedType();
    SourceRange Range = SM.getExpansionRange(Temp->getSourceRange()).getAsRange();
    bool Default = NextDefault != Temps.Defaults.size() && Temps.Defaults[NextDefault].Temporary == Temp;
    std::optional<std::string> Spelled = Default ? spelledAtCall(Made, defaultRange(Made)) : std::nullopt;
    if (Default && !Spelled) {
      report(Diag::DefaultArgumentTemporary, Temps.Defaults[NextDefault].Argument->getUsedLocation());
      return false;
    }
    std::string Source = Default ? *Spelled : text(Range);
    size_t Length = Source.size();
    std::string Type;
    // A closure (a lambda called where it is written) is made by its
    // factory, whose return type names it.
    const auto *Lambda = MTE ? dyn_cast<LambdaExpr>(Made->IgnoreImplicit()) : nullptr;
    std::optional<LambdaFactory> Factory = Lambda ? lambdaFactory(Lambda, "lambda") : std::nullopt;
    if (Factory) {
      Type = Factory->Type;
      Source = Factory->Make;
    } else {
      if (Failed || !spellable(T, Temp->getExprLoc(), "this temporary"))
        return false;
      Type = exprType(Made, Temp->getExprLoc());
    }
    if (Type.empty())
      return false;
    std::string Slot = Layout.addSlotTo(GroupHome, numbered("tmp", ++TempCount),
                                        Factory ? Type : declarable(Type),
                                        Factory ? "the closure of the lambda called here"
                                        : MTE   ? "temporary " + oneLine(originalText(Range))
                                                : "argument " + oneLine(originalText(Range)));
    std::string New = placementNew(Slot, T, Type, Made, Source);
    // A default's class, as the declaration names it, is spelled as here.
    if (const Expr *Written = Default ? writtenConstruction(Made) : nullptr)
      New = placement(Slot, declarable(Type)) +
            *spelledAtCall(Made, SourceRange(initializerBegin(Written), Written->getEndLoc()));
    std::string Value;
    if (destroys(T)) {
      unsigned Before = CurrentLive;
      CurrentLive = addLiveNode(Slot, "std::destroy_at(&" + Slot + ");");
      Value = "asyncc::detail::made(" + New + ", \037live, \037Live::" + Out.Live[Before].Name + ", \037Live::" +
              Out.Live[CurrentLive].Name + ")";
      Kept.push_back(Slot);
    } else {
      Value = "asyncc::detail::made(" + New + ")";
    }
    if (PinnedFutures.count(Temp))
      Value = "asyncc::detail::pinned(" + Value + ")";
    if (!Default) {
      Scratch.ReplaceText(Range.getBegin(), Length, Value);
      continue;
    }
    // Passed once its call's last is made, before a temporary around the
    // call takes the call's text.
    const KeptDefault &D = Temps.Defaults[NextDefault++];
    DefaultsMade.emplace_back(D.Argument, Value);
    if (NextDefault == Temps.Defaults.size() || Temps.Defaults[NextDefault].Call != D.Call) {
      if (!passDefaults(D.Call, D.Close, DefaultsMade))
        return false;
      DefaultsMade.clear();
    }
  }
  return true;
}

// The default arguments of Call, one of whose temporaries is made in the
// frame (Made): the call passes them all, after the written ones, each as
// the declaration writes it, when that means the same there (sameAtCall).
bool Lowerer::passDefaults(const Expr *Call, SourceLocation Close,
                           const std::vector<std::pair<const CXXDefaultArgExpr *, std::string>> &Made) {
  const auto *Construct = dyn_cast<CXXConstructExpr>(Call);
  llvm::ArrayRef<const Expr *> Arguments =
      Construct ? llvm::ArrayRef(Construct->getArgs(), Construct->getNumArgs())
                : llvm::ArrayRef(cast<CallExpr>(Call)->getArgs(), cast<CallExpr>(Call)->getNumArgs());
  std::vector<std::string> Passed;
  unsigned Written = 0;
  for (const Expr *Arg : Arguments) {
    const auto *Default = dyn_cast<CXXDefaultArgExpr>(Arg);
    if (!Default) {
      ++Written;
      continue;
    }
    auto It = llvm::find_if(Made, [&](const auto &M) { return M.first == Default; });
    if (It != Made.end()) {
      Passed.push_back(It->second);
      continue;
    }
    std::optional<std::string> Spelled = spelledAtCall(Default->getExpr(), defaultRange(Default->getExpr()));
    if (!Spelled) {
      report(Diag::DefaultArgumentTemporary, Default->getUsedLocation());
      return false;
    }
    Passed.push_back(*Spelled);
  }
  Scratch.InsertText(Close, (Written ? ", " : "") + llvm::join(Passed, ", "));
  return true;
}

// A call making a future, whose argument objects are made in the frame
// (keepTemporaries), calls the constructor of the function's struct: it
// takes them by reference, as a coroutine's parameter copies are made from
// its parameter objects. The function itself would take them by value, a
// move more than native C++ makes. A method's object is the constructor's
// first argument, and the default arguments follow the written ones, each
// as the declaration writes it (unless keepTemporaries passes them: one
// of them is made in the frame).
bool Lowerer::constructFutureDirectly(const CallExpr *Call, const Expr *Argument, bool PassDefaults) {
  // Operator calls are left out by operandTemporaries: a method's call
  // here is a member call.
  const FunctionDecl *Callee = Call->getDirectCallee();
  const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Callee);
  const auto *MemberCall = dyn_cast<CXXMemberCallExpr>(Call);
  // Only asyncc's own futures can be made from the objects in place.
  if (!Callee || !returnsOwnFuture(*Callee) || Callee->isVariadic()) {
    report(Diag::ArgumentDestructor, Argument->getExprLoc());
    return false;
  }
  if (PassDefaults && llvm::any_of(Call->arguments(), [](const Expr *A) { return isa<CXXDefaultArgExpr>(A); }) &&
      !passDefaults(Call, Call->getRParenLoc(), {}))
    return false;
  std::string FutureType = futureType(Call);
  if (FutureType.empty())
    return false;
  SourceRange Range = SM.getExpansionRange(Call->getCallee()->IgnoreImpCasts()->getSourceRange()).getAsRange();
  // A method's object goes first inside the parenthesis that follows the
  // callee (before the argument object, at least one, written there).
  std::string Self;
  std::optional<Token> LParen;
  if (MemberCall && !Method->isStatic()) {
    const Expr *Object = MemberCall->getImplicitObjectArgument()->IgnoreImpCasts();
    const auto *Member = cast<MemberExpr>(MemberCall->getCallee()->IgnoreImpCasts());
    // A smart pointer's `->` is a call of its operator->, on the pointer.
    const auto *Arrow = dyn_cast<CXXOperatorCallExpr>(Object);
    std::string Written = text(SM.getExpansionRange((Arrow ? Arrow->getArg(0) : Object)->getSourceRange()).getAsRange());
    Self = isa<CXXThisExpr>(Object) && cast<CXXThisExpr>(Object)->isImplicit() ? "\037self"
           : !Member->isArrow()                                                 ? "std::addressof(" + Written + ")"
           : Arrow                                                              ? "std::addressof(*" + Written + ")"
                                                                                : "(" + Written + ")";
    LParen = Lexer::findNextToken(Range.getEnd(), SM, Ctx.getLangOpts());
    if (!LParen || !LParen->is(tok::l_paren)) {
      report(Diag::ArgumentDestructor, Argument->getExprLoc());
      return false;
    }
  }
  // The parenthesis is replaced with the callee, not inserted after: the
  // text of the first argument stays its own.
  Scratch.ReplaceText(Range.getBegin(), text(Range).size(), FutureType + (LParen ? "(" + Self + ", " : ""));
  if (LParen)
    Scratch.RemoveText(LParen->getLocation(), 1);
  return true;
}

// A value computed before an await and used after it (Frame.h): computed
// into the group's struct (GroupHome) in a statement of its own, then read
// from there where it stood.
bool Lowerer::keepValue(const Hoist &H, const LayoutBuilder::Open &GroupHome, std::vector<std::string> &Kept) {
  const Expr *X = H.Value;
  renameIn(X);
  if (!keepTemporaries(X, GroupHome, Kept))
    return false;
  SourceRange Range = SM.getExpansionRange(X->getSourceRange()).getAsRange();
  std::string Source = text(Range);
  std::string Flat = oneLine(originalText(Range));
  std::string Value;
  if (H.HowKept == Hoist::Discarded) {
    emit(Source + ";");
    Value = "(void)0";
  } else {
    QualType T = X->getType().getUnqualifiedType();
    if (!spellable(T, X->getExprLoc(), "this value"))
      return false;
    std::string Type = H.HowKept == Hoist::Address ? typeName(X->getType()) : exprType(X, X->getExprLoc());
    if (Type.empty())
      return false;
    bool Address = H.HowKept == Hoist::Address;
    std::string SlotType = declarable(Type) + (Address ? " *" : "");
    std::string Slot = Layout.addSlotTo(GroupHome, numbered("tmp", ++TempCount), SlotType,
                                        (Address ? "address of " : "value of ") + Flat + " before the await");
    if (Address) {
      emit(Slot + " = asyncc::detail::address(" + Source + ");");
      Value = X->isXValue() ? "std::move(*" + Slot + ")" : "(*" + Slot + ")";
    } else if (H.HowKept == Hoist::Scalar) {
      emit(Slot + " = " + Source + ";");
      Value = Slot;
    } else {
      const Expr *Made = X;
      if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(X))
        Made = MTE->getSubExpr();
      emit(placementNew(Slot, T, Type, Made, Source) + ";");
      if (destroys(T)) {
        construct(Slot, T);
        Kept.push_back(Slot);
      }
      Value = "std::move(" + Slot + ")";
    }
  }
  Scratch.ReplaceText(Range.getBegin(), Source.size(), Value);
  return true;
}

// `::new (&Slot) T(...)`: T made from Made (whose text is Source) as C++
// makes it, from a braced list, by an implicit conversion, or as the prvalue
// it is.
std::string Lowerer::placementNew(const std::string &Slot, QualType T, const std::string &Type, const Expr *Made,
                                  const std::string &Source) {
  Made = Made->IgnoreImplicit();
  const auto *Construct = dyn_cast<CXXConstructExpr>(Made);
  bool Braced = isa<InitListExpr>(Made) ||
                (Construct && Construct->isListInitialization() && !isa<CXXTemporaryObjectExpr>(Construct));
  bool Converted = !Braced && (Construct ? !isa<CXXTemporaryObjectExpr>(Construct) &&
                                               Construct->getParenOrBraceRange().isInvalid()
                                         : !Ctx.hasSameUnqualifiedType(Made->getType(), T));
  std::string Init = Braced                           ? Source
                     : Converted && T->isRecordType() ? "(asyncc::detail::implicitly<" + Type + ">(" + Source + "))"
                                                      : "(" + Source + ")";
  return placement(Slot, declarable(Type)) + Init;
}

// `a && b`, `a || b`, `c ? x : y` or `a ?: b` with awaits where C++ may skip them:
// an if/else of their own full-expressions, whose value goes to a slot of
// the group (GroupHome). Returns the expression that reads the value.
std::optional<std::string> Lowerer::lowerShortCircuit(const Expr *E, const LayoutBuilder::Open &GroupHome,
                                                      std::vector<std::string> &Kept) {
  std::string Flat = oneLine(originalText(E->getSourceRange()));
  std::string Temp = numbered("tmp", ++TempCount);
  emit("// " + Flat);
  auto toBool = [](const std::string &Slot) {
    return [Slot](const std::string &Value) { return Slot + " = static_cast<bool>(" + Value + ");"; };
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    std::string Slot = Layout.addSlotTo(GroupHome, Temp, "bool", "value of " + Flat);
    if (!emitWithValue(BO->getLHS(), toBool(Slot)))
      return std::nullopt;
    open(PollNode::If, std::string("if (") + (BO->getOpcode() == BO_LAnd ? "" : "!") + Slot + ")");
    openBlock();
    if (!emitWithValue(BO->getRHS(), toBool(Slot)))
      return std::nullopt;
    closeBlock();
    close();
    return Slot;
  }
  const auto *CO = dyn_cast<ConditionalOperator>(E);
  const auto *GnuCO = dyn_cast<BinaryConditionalOperator>(E);
  QualType T = E->getType();
  if (!spellable(T, E->getBeginLoc(), "the value of this '?:'"))
    return std::nullopt;
  std::string Cond = Layout.addSlotTo(GroupHome, Temp + "_cond", "bool", "condition of " + Flat);
  // `a ?: b` evaluates a once: kept (a glvalue by address, a prvalue made
  // in the frame to the end of the full-expression), tested, and the value
  // when it is true.
  std::string Common;
  if (GnuCO) {
    const Expr *A = GnuCO->getCommon();
    // A class prvalue is a temporary (materialized), which the value is
    // moved from.
    const auto *Temporary = dyn_cast<MaterializeTemporaryExpr>(A);
    if (Temporary)
      A = Temporary->getSubExpr();
    QualType AT = A->getType();
    if (!spellable(AT, A->getBeginLoc(), "the value of this '?:'"))
      return std::nullopt;
    std::string AType = typeName(AT.getUnqualifiedType());
    bool Address = A->isGLValue();
    std::string Slot = Layout.addSlotTo(GroupHome, Temp + "_common", Address ? typeName(AT) + "*" : AType,
                                        "value of " + oneLine(originalText(A->getSourceRange())));
    if (!emitWithValue(A, [&](const std::string &Value) {
          if (Address)
            return Slot + " = std::addressof(" + Value + ");";
          if (AT->isRecordType())
            return placementNew(Slot, AT, AType, A, Value) + ";";
          return Slot + " = " + Value + ";";
        }))
      return std::nullopt;
    if (!Address && AT->isRecordType()) {
      construct(Slot, AT);
      Kept.push_back(Slot);
    }
    emit(Cond + " = static_cast<bool>(" + (Address ? "*" + Slot : Slot) + ");");
    Common = Address ? "(*" + Slot + ")" : Temporary ? "std::move(" + Slot + ")" : Slot;
  } else if (!emitWithValue(CO->getCond(), toBool(Cond))) {
    return std::nullopt;
  }
  // A glvalue is kept as a pointer; a prvalue is made in the slot.
  bool Glvalue = E->isGLValue();
  bool Object = !Glvalue && T->isRecordType();
  std::string Type = typeName(T.getUnqualifiedType());
  std::string Slot = Layout.addSlotTo(GroupHome, Temp, Glvalue ? typeName(T) + "*" : Type, "value of " + Flat);
  auto make = [&](const std::string &Value) {
    if (Glvalue)
      return Slot + " = std::addressof(" + Value + ");";
    if (Object)
      return placement(Slot, Type) + "(" + Value + ");";
    return Slot + " = " + Value + ";";
  };
  open(PollNode::If, "if (" + Cond + ")");
  openBlock();
  if (GnuCO)
    emit(make(Common));
  else if (!emitWithValue(CO->getTrueExpr(), make))
    return std::nullopt;
  closeBlock();
  elseBranch();
  openBlock();
  if (!emitWithValue(GnuCO ? GnuCO->getFalseExpr() : CO->getFalseExpr(), make))
    return std::nullopt;
  closeBlock();
  close();
  if (Glvalue)
    return "(*" + Slot + ")";
  if (!Object)
    return Slot;
  // Alive until the end of the full-expression, as the temporary would be.
  construct(Slot, T);
  Kept.push_back(Slot);
  return "std::move(" + Slot + ")";
}

bool Lowerer::emitWithValue(const Expr *E, const std::function<std::string(const std::string &)> &Make) {
  bool Braces = containsAwait(E);
  if (Braces)
    openBlock();
  auto L = lowerFullExpr(E);
  if (!L)
    return false;
  emit(Make(L->Text));
  endFullExpr(*L);
  if (Braces)
    closeBlock();
  return true;
}

void Lowerer::endFullExpr(const Lowered &L) {
  if (!L.LastReady.empty())
    emit("asyncc::detail::discard(" + L.LastReady + ");");
  if (!L.Kept.empty()) {
    for (auto It = L.Kept.rbegin(); It != L.Kept.rend(); ++It)
      emit("std::destroy_at(&" + *It + ");");
    CurrentLive = L.LiveBefore;
    emitLive(CurrentLive);
  }
  if (L.Group)
    Layout.endScope(*L.Group);
}

} // namespace asyncc::tool
