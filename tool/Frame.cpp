#include "Frame.h"
#include "AstQueries.h"
#include "Find.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

#include <optional>

using namespace clang;

namespace asyncc::tool {

FrameAnalysis::FrameAnalysis(const CompoundStmt *Body, std::function<bool(QualType)> Destroyed)
    : Body(Body), Destroyed(std::move(Destroyed)) {
  findFrameVars(Body);
  while (keepWhatJumpsLeave()) {
  }
}

bool FrameAnalysis::destroysAtScopeEnd(const VarDecl *VD) const {
  if (Destroyed(VD->getType()))
    return true;
  // A reference bound to a temporary extends it to the end of the scope.
  const Expr *Init = VD->getInit();
  if (!VD->getType()->isReferenceType() || !Init)
    return false;
  if (const auto *Cleanups = dyn_cast<ExprWithCleanups>(Init))
    Init = Cleanups->getSubExpr();
  const auto *Temporary = dyn_cast<MaterializeTemporaryExpr>(Init->IgnoreParenImpCasts());
  return Temporary && Destroyed(Temporary->getType());
}

void FrameAnalysis::findFrameVars(const Stmt *S) {
  if (!S)
    return;
  auto markDeclaredIn = [&](const Stmt *Decls, bool Await, bool Return) {
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(unlabeled(Decls)))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasLocalStorage())
          if (Await || (Return && Destroyed(VD->getType())))
            FrameVars.insert(VD);
  };
  auto scopeHas = [&](const Stmt *X, bool &Await, bool &Return) {
    Await |= containsAwait(X);
    Return |= contains<CoreturnStmt>(X);
  };
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    // A declaration initialized by a co_await resumes inside its own
    // initializer: the variable is constructed after the resume point, and
    // stays a plain local only when nothing later suspends.
    // A variable with a destructor declared after one in the frame goes in
    // the frame too: the block's frame values are destroyed by a statement
    // at its end, which must come after the variable's own destructor.
    const Stmt *const *Begin = CS->body_begin();
    bool AfterFrameDestructor = false;
    for (unsigned I = 0, N = CS->size(); I != N; ++I) {
      bool Await = false, Return = false;
      for (unsigned J = I + 1; J != N; ++J)
        scopeHas(Begin[J], Await, Return);
      markDeclaredIn(Begin[I], Await, Return || AfterFrameDestructor);
      if (const auto *DS = dyn_cast<DeclStmt>(unlabeled(Begin[I])))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D);
              VD && FrameVars.count(VD) && Destroyed(VD->getType()))
            AfterFrameDestructor = true;
    }
  } else if (const auto *FS = dyn_cast<ForStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(FS->getCond(), Await, Return);
    scopeHas(FS->getInc(), Await, Return);
    scopeHas(FS->getBody(), Await, Return);
    markDeclaredIn(FS->getInit(), Await, Return);
    markDeclaredIn(FS->getConditionVariableDeclStmt(), Await, Return);
  } else if (const auto *SW = dyn_cast<SwitchStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(SW->getCond(), Await, Return);
    scopeHas(SW->getBody(), Await, Return);
    markDeclaredIn(SW->getInit(), Await, Return);
    markDeclaredIn(SW->getConditionVariableDeclStmt(), Await, Return);
  } else if (const auto *IS = dyn_cast<IfStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(IS->getCond(), Await, Return);
    scopeHas(IS->getThen(), Await, Return);
    scopeHas(IS->getElse(), Await, Return);
    markDeclaredIn(IS->getInit(), Await, Return);
    markDeclaredIn(IS->getConditionVariableDeclStmt(), Await, Return);
  } else if (const auto *WS = dyn_cast<WhileStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(WS->getCond(), Await, Return);
    scopeHas(WS->getBody(), Await, Return);
    markDeclaredIn(WS->getConditionVariableDeclStmt(), Await, Return);
  } else if (const auto *RF = dyn_cast<CXXForRangeStmt>(S)) {
    // A range-based for that is lowered keeps its range, iterators and
    // loop variable in the frame.
    if (lowersRangeFor(RF))
      FrameVars.insert(RF->getLoopVariable());
  }
  if (isa<LambdaExpr>(S))
    return;
  for (const Stmt *Child : S->children())
    findFrameVars(Child);
}

bool FrameAnalysis::enteredByGoto(const Stmt *S) const {
  if (!contains<LabelStmt>(S))
    return false;
  bool Entered = false;
  forEachStmt(Body, [&](const Stmt *X) {
    if (const auto *GS = dyn_cast<GotoStmt>(X))
      Entered |= within(GS->getLabel()->getStmt(), S) && !within(GS, S);
  });
  return Entered;
}

bool FrameAnalysis::lowersRangeFor(const CXXForRangeStmt *RF) const {
  return containsAwait(RF->getBody()) || contains<CoreturnStmt>(RF->getBody()) || leavesByGoto(RF->getBody());
}

namespace {

// The statement a break, continue or goto leaves up to: the loop or switch
// it ends, or the innermost statement holding the goto's label.
const Stmt *jumpTarget(const Stmt *Jump, const ParentMap &PM) {
  if (const auto *GS = dyn_cast<GotoStmt>(Jump)) {
    const LabelStmt *Label = GS->getLabel()->getStmt();
    llvm::DenseSet<const Stmt *> AboveLabel;
    for (const Stmt *X = Label; X; X = PM.getParent(X))
      AboveLabel.insert(X);
    for (const Stmt *X = PM.getParent(Jump); X; X = PM.getParent(X))
      if (AboveLabel.count(X))
        return X;
    return nullptr;
  }
  bool Continue = isa<ContinueStmt>(Jump);
  for (const Stmt *X = PM.getParent(Jump); X; X = PM.getParent(X))
    if (isa<ForStmt>(X) || isa<WhileStmt>(X) || isa<DoStmt>(X) || isa<CXXForRangeStmt>(X) ||
        (!Continue && isa<SwitchStmt>(X)))
      return X;
  return nullptr;
}

} // namespace

// A jump destroys what it leaves the scope of: the frame's values by
// statements before it, poll's locals after, as it happens. Locals with a
// destructor declared after such a frame value must then be in the frame
// too, to be destroyed before it.
bool FrameAnalysis::keepWhatJumpsLeave() {
  ParentMap PM(const_cast<CompoundStmt *>(Body));
  bool Changed = false;
  forEachStmt(Body, [&](const Stmt *Jump) {
    if (!isa<BreakStmt>(Jump) && !isa<ContinueStmt>(Jump) && !isa<GotoStmt>(Jump))
      return;
    const Stmt *Target = jumpTarget(Jump, PM);
    if (!Target)
      return;
    std::vector<const Stmt *> Path;  // from the target down to the jump
    for (const Stmt *X = Jump; X && X != Target; X = PM.getParent(X))
      Path.insert(Path.begin(), X);
    Path.insert(Path.begin(), Target);
    // What the jump destroys, in the order it was made; a null entry
    // stands for a lowered range-based for's range and iterators.
    std::vector<const VarDecl *> Left;
    auto declared = [&](const Stmt *Decls) {
      if (const auto *DS = dyn_cast_or_null<DeclStmt>(unlabeled(Decls)))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasLocalStorage())
            Left.push_back(VD);
    };
    for (size_t I = 0; I + 1 < Path.size(); ++I) {
      const Stmt *Scope = Path[I], *Inner = Path[I + 1];
      bool Own = Scope == Target;
      if (const auto *CS = dyn_cast<CompoundStmt>(Scope)) {
        // A goto back to a label of this block destroys what was declared
        // from the label on; one forward, nothing here.
        bool From = !Own;
        for (const Stmt *Child : CS->body()) {
          if (Child == Inner)
            break;
          if (!From)  // only a goto targets a block
            From = within(cast<GotoStmt>(Jump)->getLabel()->getStmt(), Child);
          if (From)
            declared(Child);
        }
      } else if (const auto *FS = dyn_cast<ForStmt>(Scope); FS && !Own) {
        declared(FS->getInit());
        declared(FS->getConditionVariableDeclStmt());
      } else if (const auto *IS = dyn_cast<IfStmt>(Scope); IS && !Own) {
        declared(IS->getInit());
        declared(IS->getConditionVariableDeclStmt());
      } else if (const auto *SW = dyn_cast<SwitchStmt>(Scope); SW && !Own) {
        declared(SW->getInit());
        declared(SW->getConditionVariableDeclStmt());
      } else if (const auto *WS = dyn_cast<WhileStmt>(Scope); WS && !Own) {
        declared(WS->getConditionVariableDeclStmt());
      } else if (const auto *RF = dyn_cast<CXXForRangeStmt>(Scope); RF && lowersRangeFor(RF)) {
        if (!Own)
          Left.push_back(nullptr);
        if (Inner == RF->getBody())
          Left.push_back(RF->getLoopVariable());
      }
    }
    bool AfterFrameDestructor = false;
    for (const VarDecl *VD : Left) {
      if (!VD) {
        AfterFrameDestructor = true;
        continue;
      }
      if (!destroysAtScopeEnd(VD))
        continue;
      if (FrameVars.count(VD))
        AfterFrameDestructor = true;
      else if (AfterFrameDestructor)
        Changed |= FrameVars.insert(VD).second;
    }
  });
  return Changed;
}

bool FrameAnalysis::hasFrameStorage(const Stmt *S) const {
  bool Found = false;
  forEachStmt(S, [&](const Stmt *X) {
    if (isa<CoawaitExpr>(X))
      Found = true;
    else if (const auto *DS = dyn_cast<DeclStmt>(X))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && FrameVars.count(VD))
          Found = true;
  });
  return Found;
}

bool FrameAnalysis::jumpIsLowerable(const GotoStmt *GS) const {
  const LabelStmt *Label = GS->getLabel()->getStmt();
  if (!Label)
    return false;
  ParentMap PM(const_cast<CompoundStmt *>(Body));
  auto chain = [&](const Stmt *X) {
    std::vector<const Stmt *> Chain;
    for (; X; X = PM.getParent(X))
      Chain.insert(Chain.begin(), X);
    return Chain;
  };
  std::vector<const Stmt *> A = chain(Label), B = chain(GS);
  size_t Common = 0;
  while (Common < A.size() && Common < B.size() && A[Common] == B[Common])
    ++Common;
  if (Common == 0)
    return false;
  // Out of any statements, and into blocks, branches and the bodies of
  // loops kept as they are: the lowering destroys what the goto leaves, as
  // for a break. (C++ forbids jumping past a declaration that constructs.)
  if (llvm::all_of(llvm::ArrayRef(A).drop_front(Common), enteredAsWritten))
    return true;
  // Into a switch, or a loop lowered with a flag or a condition in the
  // frame: nothing in the frame may lie between.
  const Stmt *Ancestor = A[Common - 1];
  const auto *CS = dyn_cast<CompoundStmt>(Ancestor);
  if (!CS || Common >= A.size() || Common >= B.size())
    return !hasFrameStorage(Ancestor);
  // The children of the block from the one holding the label to the one
  // holding the goto (either order).
  const Stmt *First = A[Common], *Second = B[Common];
  bool Inside = false;
  for (const Stmt *Child : CS->body()) {
    bool Edge = Child == First || Child == Second;
    if (Edge || Inside)
      if (hasFrameStorage(Child))
        return false;
    if (Edge && First != Second)
      Inside = !Inside;
  }
  return true;
}

namespace {

bool movesAreObservable(QualType T, llvm::DenseSet<const CXXRecordDecl *> &Seen) {
  T = T.getCanonicalType();
  if (const auto *AT = T->getAsArrayTypeUnsafe())
    return movesAreObservable(AT->getElementType(), Seen);
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || !Seen.insert(RD).second)
    return false;
  // The standard library's classes move what they hold (optional, pair,
  // tuple, variant) and nothing else that shows.
  if (RD->isInStdNamespace()) {
    const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
    return Spec && llvm::any_of(Spec->getTemplateArgs().asArray(), [&](const TemplateArgument &Arg) {
             return Arg.getKind() == TemplateArgument::Type && movesAreObservable(Arg.getAsType(), Seen);
           });
  }
  if (RD->hasUserDeclaredCopyConstructor() || RD->hasUserDeclaredMoveConstructor() ||
      RD->hasUserDeclaredDestructor())
    return true;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (movesAreObservable(B.getType(), Seen))
      return true;
  for (const FieldDecl *F : RD->fields())
    if (movesAreObservable(F->getType(), Seen))
      return true;
  return false;
}

} // namespace

bool movesAreObservable(QualType T) {
  llvm::DenseSet<const CXXRecordDecl *> Seen;
  return movesAreObservable(T, Seen);
}

ValuesBeforeAwaits valuesBeforeAwaits(const Expr *E) {
  ValuesBeforeAwaits Out;
  // Every node in the order Clang completes it: operands left to right,
  // except that the right side of an assignment comes first (C++17); an
  // await is one node (its operand is evaluated when it starts). Function
  // arguments, whose order C++ leaves open, are taken left to right.
  std::vector<const Stmt *> Done;
  llvm::DenseMap<const Stmt *, const Stmt *> Parent;
  llvm::DenseMap<const Stmt *, size_t> Index;
  std::function<void(const Stmt *)> visit = [&](const Stmt *S) {
    if (!S)
      return;
    if (!isSuspending(S))
      for (const Stmt *C : inEvaluationOrder(S))
        if (C) {
          Parent[C] = S;
          visit(C);
        }
    Index[S] = Done.size();
    Done.push_back(S);
  };
  visit(E);
  size_t LastAwait = 0;
  for (size_t I = 0; I != Done.size(); ++I)
    if (isSuspending(Done[I]))
      LastAwait = I;
  // The value of an earlier await is taken where the whole expression is
  // evaluated, after the last await: conversions of it are fine, and so is
  // materializing it, unless its type could tell (a user's class with its
  // own copy, move or destructor).
  auto stable = [&](const Stmt *S) {
    if (isSuspending(S) || isa<IntegerLiteral>(S) || isa<StringLiteral>(S) || isa<FloatingLiteral>(S) ||
        isa<CharacterLiteral>(S) || isa<CXXBoolLiteralExpr>(S) || isa<CXXNullPtrLiteralExpr>(S) ||
        isa<CXXThisExpr>(S) || isa<ParenExpr>(S) || isa<DeclRefExpr>(S))
      return true;
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(S))
      return Cast->getCastKind() != CK_LValueToRValue && Cast->getCastKind() != CK_UserDefinedConversion &&
             Cast->getCastKind() != CK_ConstructorConversion;
    // Built-in arithmetic on values that are stable or kept computes the
    // same whenever it runs.
    if (const auto *BO = dyn_cast<BinaryOperator>(S))
      return !BO->isAssignmentOp() && !BO->isCommaOp() && BO->getType()->isScalarType();
    if (const auto *UO = dyn_cast<UnaryOperator>(S))
      return (UO->getOpcode() == UO_Minus || UO->getOpcode() == UO_Plus || UO->getOpcode() == UO_LNot ||
              UO->getOpcode() == UO_Not) &&
             UO->getType()->isScalarType();
    if (isa<MaterializeTemporaryExpr>(S) || isa<CXXBindTemporaryExpr>(S))
      return containsAwait(S) && !movesAreObservable(cast<Expr>(S)->getType());
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      return !ME->isArrow() || isa<CXXThisExpr>(ME->getBase()->IgnoreImplicit());
    return false;
  };
  // What can be kept of a node: its value, its address, or (a void value
  // or one discarded) only its effects.
  auto howKept = [&](const Expr *X) -> std::optional<Hoist::Kind> {
    const Stmt *P = Parent.lookup(X);
    const auto *Comma = dyn_cast_or_null<BinaryOperator>(P);
    if ((Comma && Comma->isCommaOp() && Comma->getLHS() == X) ||
        (isa_and_nonnull<CastExpr>(P) && cast<CastExpr>(P)->getType()->isVoidType()))
      return Hoist::Discarded;
    QualType T = X->getType();
    if (T->isVoidType() || T->isSpecificPlaceholderType(BuiltinType::BoundMember) || T->isFunctionType() ||
        T.isVolatileQualified())
      return std::nullopt;
    if (isa<MaterializeTemporaryExpr>(X))
      return Hoist::Object;
    if (X->isGLValue())
      return X->refersToBitField() ? std::nullopt : std::optional(Hoist::Address);
    if (T->isScalarType())
      return Hoist::Scalar;
    if (T->isRecordType() && !movesAreObservable(T))
      return Hoist::Object;
    return std::nullopt;
  };
  llvm::DenseSet<const Stmt *> Covered;
  for (size_t I = 0; I < LastAwait; ++I) {
    const Stmt *S = Done[I];
    if (Covered.count(S) || stable(S))
      continue;
    size_t Next = I + 1;
    while (!isSuspending(Done[Next]))
      ++Next;
    // The largest expression evaluated wholly before that await which can
    // be kept: up through its parents while they end before it.
    const Stmt *Top = nullptr;
    for (const Stmt *X = S; X && Index.lookup(X) < Next; X = Parent.lookup(X))
      if (isa<Expr>(X) && howKept(cast<Expr>(X)))
        Top = X;
    if (!Top) {
      Out.Refused = S;
      return Out;
    }
    forEachStmt(Top, [&](const Stmt *X) { Covered.insert(X); });
    Out.Hoists.push_back({cast<Expr>(Top), *howKept(cast<Expr>(Top)), cast<Expr>(Done[Next])});
  }
  return Out;
}

namespace {

// Whether a value of type T can hold the address of anything: pointers,
// references and classes with such members can; integers and enums cannot.
bool mayHoldAddress(QualType T) {
  T = T.getCanonicalType();
  if (const auto *AT = T->getAsArrayTypeUnsafe())
    return mayHoldAddress(AT->getElementType());
  if (T->isVoidType() || T->isIntegralOrEnumerationType() || T->isRealFloatingType() || T->isNullPtrType())
    return false;
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || RD->isPolymorphic() || RD->getNumVBases() != 0)
    return true;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (mayHoldAddress(B.getType()))
      return true;
  for (const FieldDecl *F : RD->fields())
    if (mayHoldAddress(F->getType()))
      return true;
  return false;
}

// asyncc::join, select and timeout: they take their futures by forwarding
// reference and poll them, whatever type they are.
bool isPinningCombinator(const FunctionDecl *F) {
  if (!F)
    return false;
  std::string Name = F->getQualifiedNameAsString();
  return Name == "asyncc::join" || Name == "asyncc::select" || Name == "asyncc::timeout";
}

bool observableDestructor(QualType T) {
  const auto *RD = T->getAsCXXRecordDecl();
  const CXXDestructorDecl *D = RD ? RD->getDestructor() : nullptr;
  return D && D->isUserProvided() && !RD->isInStdNamespace();
}

// The parenthesis or brace that closes the arguments of the construction
// Parents.back(): its own, or the cast's that it is (`T(x)`).
SourceLocation closingOf(const std::vector<const Stmt *> &Parents) {
  const auto *Construct = cast<CXXConstructExpr>(Parents.back());
  if (Construct->getParenOrBraceRange().isValid())
    return Construct->getParenOrBraceRange().getEnd();
  for (auto It = Parents.rbegin() + 1; It != Parents.rend(); ++It) {
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(*It))
      return Cast->getRParenLoc();
    if (!isa<CXXBindTemporaryExpr, ImplicitCastExpr>(*It))
      break;
  }
  return SourceLocation();
}

// Whether the construction Parents.back() makes Top: is it, or the
// construction of the cast that Top is.
bool makes(const std::vector<const Stmt *> &Parents, const Expr *Top) {
  for (auto It = Parents.rbegin(); It != Parents.rend(); ++It) {
    if (*It == Top)
      return true;
    if (It != Parents.rbegin() && !isa<CXXBindTemporaryExpr, ImplicitCastExpr, CXXFunctionalCastExpr>(*It))
      return false;
  }
  return false;
}

// Whether T has a constructor taking a std::initializer_list first, which
// braces that pass a default argument as written could choose instead.
bool hasInitListConstructor(QualType T) {
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return false;
  return llvm::any_of(RD->ctors(), [](const CXXConstructorDecl *C) {
    if (C->getNumParams() == 0)
      return false;
    QualType First = C->getParamDecl(0)->getType().getNonReferenceType();
    const auto *List = First->getAsCXXRecordDecl();
    return List && List->getName() == "initializer_list" && List->isInStdNamespace();
  });
}

// Whether what a braced list's std::initializer_list initializes (its
// parents, innermost last) copies the elements and keeps no reference to
// them: a standard container does, a std::initializer_list or a user's
// class may not.
bool copiesBracedList(const std::vector<const Stmt *> &Parents) {
  for (auto It = Parents.rbegin() + 1; It != Parents.rend(); ++It) {
    if (isa<ImplicitCastExpr>(*It) || isa<MaterializeTemporaryExpr>(*It) || isa<CXXBindTemporaryExpr>(*It))
      continue;
    const auto *Construct = dyn_cast<CXXConstructExpr>(*It);
    const CXXRecordDecl *RD = Construct ? Construct->getType()->getAsCXXRecordDecl() : nullptr;
    return RD && RD->isInStdNamespace() && RD->getName() != "initializer_list";
  }
  return false;
}

} // namespace

OperandTemporaries operandTemporaries(const Expr *Operand) {
  OperandTemporaries Out;
  const Expr *Top = strip(Operand);  // the call or construction making the future
  // Parents of the node being visited, innermost last.
  std::vector<const Stmt *> Parents;
  using Up = std::vector<const Stmt *>::const_reverse_iterator;
  // What uses the value at It: the first parent that is not a conversion.
  auto userOf = [&](Up It) {
    while (It != Parents.rend() && (isa<CastExpr>(*It) || isa<ParenExpr>(*It) || isa<InitListExpr>(*It) ||
                                     isa<CXXBindTemporaryExpr>(*It)))
      ++It;
    return It;
  };
  // Whether the call at It makes its future from argument objects in the
  // frame: the call making the awaited future, or an ASYNC call whose
  // future is itself kept (bound to a reference, or an argument of such a
  // call).
  std::function<bool(Up)> makesInPlace = [&](Up It) {
    const auto *Call = dyn_cast<CallExpr>(*It);
    if (!Call || isa<CXXOperatorCallExpr>(Call))
      return false;
    if (Call == Top)
      return true;
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || !returnsOwnFuture(*Callee))
      return false;
    Up User = userOf(std::next(It));
    return User != Parents.rend() && (isa<MaterializeTemporaryExpr>(*User) || makesInPlace(User));
  };
  std::function<void(const Stmt *)> visit = [&](const Stmt *X) {
    if (!X || isa<CoawaitExpr>(X) || isa<LambdaExpr>(X) || Out.Refused)
      return;  // a nested await's own temporaries are its business
    // A default argument's temporary is made at the call, as if written
    // there, but its text belongs to the declaration. One bound to a
    // reference parameter of the call that makes the future, which keeps
    // that reference, must outlive the await; so must one of a call whose
    // value may refer to it (a future given to join), or whose destruction
    // shows. A constructor's (the allocator of a std::string made from a
    // literal) is copied by the object it makes.
    if (const auto *Default = dyn_cast<CXXDefaultArgExpr>(X)) {
      const Expr *Value = Default->getExpr();
      if (const auto *Cleanups = dyn_cast<FullExpr>(Value))
        Value = Cleanups->getSubExpr();
      const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(Value->IgnoreImpCasts()->IgnoreParens());
      const auto *Call = Parents.empty() ? nullptr : dyn_cast<CallExpr>(Parents.back());
      const auto *Construct = Parents.empty() ? nullptr : dyn_cast<CXXConstructExpr>(Parents.back());
      const CXXRecordDecl *Class = Construct ? Construct->getType()->getAsCXXRecordDecl() : nullptr;
      bool Reference = Default->getParam()->getType()->isReferenceType();
      if (MTE && Call && Reference &&
          (Call == Top || mayHoldAddress(Call->getType()) || observableDestructor(MTE->getType()))) {
        Out.Kept.push_back(MTE);
        Out.Defaults.push_back({Call, Default, MTE, Call->getRParenLoc()});
      } else if (MTE && Class && !Class->isInStdNamespace() && Reference &&
                 (makes(Parents, Top) || mayHoldAddress(Construct->getType()) ||
                  observableDestructor(MTE->getType()))) {
        // A user's constructor: passed in its parentheses or braces (of
        // `T(x)`, a cast, the cast's), unless there are none, or braces
        // that could choose an initializer-list constructor.
        SourceLocation Close = closingOf(Parents);
        if (Close.isValid() && !(Construct->isListInitialization() && hasInitListConstructor(Construct->getType()))) {
          Out.Kept.push_back(MTE);
          Out.Defaults.push_back({Construct, Default, MTE, Close});
        } else {
          Out.Refused = Default;
          Out.RefusedAs = Diag::ConstructorDefaultTemporary;
        }
      } else if (MTE && !Parents.empty() && Parents.back() == Top) {
        Out.Refused = Default;  // of a constructor that makes the future
        Out.RefusedAs = Diag::ConstructorDefaultTemporary;
      }
      return;
    }
    // asyncc::boxed moves its argument to the heap at once: what is left
    // of the temporary is a moved-from shell.
    if (const auto *Call = dyn_cast<CallExpr>(X);
        Call && Call->getDirectCallee() && Call->getDirectCallee()->getQualifiedNameAsString() == "asyncc::boxed")
      return;
    Parents.push_back(X);
    for (const Stmt *C : inEvaluationOrder(X))
      visit(C);
    Parents.pop_back();
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(X); MTE && !Parents.empty() &&
                                                                 isa<CXXStdInitializerListExpr>(Parents.back())) {
      // The array of a braced list, which its std::initializer_list refers
      // to: what is made of the list must not keep that reference.
      if (!copiesBracedList(Parents) || observableDestructor(MTE->getType()->castAsArrayTypeUnsafe()->getElementType())) {
        Out.Refused = MTE;
        Out.RefusedAs = Diag::BracedListArray;
      }
      return;
    }
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(X);
        MTE && MTE->getStorageDuration() == SD_FullExpression) {
      // The call or construction it is an argument of.
      const Expr *User = nullptr;
      for (auto It = Parents.rbegin(); It != Parents.rend() && !User; ++It)
        if (isa<CallExpr>(*It) || isa<CXXConstructExpr>(*It))
          User = cast<Expr>(*It);
        else if (!isa<ImplicitCastExpr>(*It) && !isa<CXXBindTemporaryExpr>(*It) && !isa<ParenExpr>(*It))
          break;
      bool Unseen = MTE->getType().isDestructedType() == QualType::DK_none && User && !mayHoldAddress(User->getType());
      if (!Unseen)
        Out.Kept.push_back(MTE);
      const auto *Combinator = dyn_cast_or_null<CallExpr>(User);
      const auto *Made = dyn_cast<CallExpr>(strip(MTE->getSubExpr()));
      if (!Unseen && Combinator && isPinningCombinator(Combinator->getDirectCallee()) && Made &&
          Made->getDirectCallee() && returnsOwnFuture(*Made->getDirectCallee()))
        Out.Pinned.push_back(MTE);
      return;
    }
    // The operand's own value is the future, stored in the frame.
    if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(X); BT && observableDestructor(BT->getType())) {
      auto It = userOf(Parents.rbegin());
      // An argument of the call that makes the future, or of an ASYNC call
      // whose future is kept, lives to the end of the full-expression, made
      // in the frame; one of another call dies with that call's statement.
      if (It != Parents.rend() && makesInPlace(It)) {
        // `Token{}` of an aggregate: the cast's text names the class.
        const auto *Cast = Parents.empty() ? nullptr : dyn_cast<CXXFunctionalCastExpr>(Parents.back());
        Out.Kept.push_back(Cast ? static_cast<const Expr *>(Cast) : BT);
        const auto *Call = cast<CallExpr>(*It);
        if (llvm::none_of(Out.Calls, [&](const MadeInPlace &M) { return M.Call == Call; }))
          Out.Calls.push_back({Call, BT});
      } else if (It != Parents.rend() && !isa<MaterializeTemporaryExpr>(*It)) {
        Out.Refused = BT;
      }
    }
  };
  visit(Top);
  return Out;
}

} // namespace asyncc::tool
