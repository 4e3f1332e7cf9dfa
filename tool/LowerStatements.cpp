// The lowering of statements: blocks and their frame scopes, control flow
// (if, loops, switch, break, continue), try and co_return. What a statement
// stores goes to the layout; what it builds with a destructor to the live set.
#include "AstQueries.h"
#include "Lowerer.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace asyncc::tool {

// Anything that needs more than its own text: awaits, co_return, frame
// variables, and jumps out of a scope that holds frame variables.
bool Lowerer::needsLowering(const Stmt *S) {
  bool Needs = Frame->hasFrameStorage(S) || contains<CoreturnStmt>(S);
  if (Needs)
    return true;
  // A break or continue of an enclosing loop or switch must destroy what
  // this scope built since that statement began.
  bool Breaks = !BreakLive.empty() && BreakLive.back() != CurrentLive;
  bool Continues = !ContinueLive.empty() && ContinueLive.back() != CurrentLive;
  Escapes Jumps = escapesOf(S);
  return (Breaks && Jumps.Breaks) || (Continues && Jumps.Continues) || leavesByGoto(S) || Frame->enteredByGoto(S);
}

void Lowerer::lowerSubStmt(const Stmt *S) {
  if (isa<CompoundStmt>(S)) {
    lowerStmt(S);
    return;
  }
  openBlock();
  lowerStmt(S);
  closeBlock();
}

void Lowerer::lowerCompound(const CompoundStmt *CS, bool Braces) {
  // The function's own block is the future itself: its members are direct.
  bool Body = Layout.atTop();
  bool HasFrame = !Body && Frame->hasFrameStorage(CS);
  if (Body) {
    Layout.pushHome();
    Layout.open();
  }
  unsigned LiveAtEntry = CurrentLive;
  openBlock(Braces ? "{" : "");
  // The block's variables live until it ends; its awaits and nested blocks
  // end before.
  if (HasFrame) {
    Layout.openScope();
    Layout.open();
  }
  for (const Stmt *Child : CS->body()) {
    lowerStmt(Child);
    if (Failed)
      return;
  }
  // After a co_return, break or continue, the end of the block is not reached.
  const Stmt *Last = CS->body_empty() ? nullptr : CS->body_back();
  if (Last && (isa<CoreturnStmt>(Last) || isa<BreakStmt>(Last) || isa<ContinueStmt>(Last) || isa<GotoStmt>(Last)))
    CurrentLive = LiveAtEntry;
  else
    destroyDownTo(LiveAtEntry);
  if (HasFrame) {
    Layout.closeScope();
  } else if (Body) {
    Layout.close();
    Layout.popHome();
  }
  closeBlock();
}


// `Slot = static_cast<bool>(cond);` with the condition's awaits before it,
// in a block of its own: its Poll results die at the end of the condition.
bool Lowerer::emitCondition(const Expr *Cond, const std::string &Slot) {
  return emitWithValue(Cond, [&](const std::string &Value) { return Slot + " = static_cast<bool>(" + Value + ");"; });
}

// A loop whose condition (or increment) awaits becomes `for (;;)` that
// evaluates them at its top, where `continue` leads:
//   while (c) B        ->  for (;;) { cond = c; if (!cond) break; B }
//   do B while (c)     ->  for (;;) { if (!first) { cond = c; if (!cond) break; } first = false; B }
//   for (I; c; n) B    ->  I; for (;;) { if (!first) n; first = false; cond = c; if (!cond) break; B }
void Lowerer::lowerLoopWithAwaitingHead(const Stmt *Loop) {
  const auto *While = dyn_cast<WhileStmt>(Loop);
  const auto *Do = dyn_cast<DoStmt>(Loop);
  const auto *For = dyn_cast<ForStmt>(Loop);
  const Expr *Cond = While ? While->getCond() : Do ? Do->getCond() : For->getCond();
  const Expr *Inc = For ? For->getInc() : nullptr;
  const Stmt *Body = While ? While->getBody() : Do ? Do->getBody() : For->getBody();

  unsigned LiveAtEntry = CurrentLive;
  openBlock();
  auto flat = [&](const Stmt *X) { return X ? oneLine(originalText(X->getSourceRange())) : std::string(); };
  auto condition = [&](const DeclStmt *CondVar) { return flat(CondVar ? static_cast<const Stmt *>(CondVar) : Cond); };
  if (While)
    emit("// while (" + condition(While->getConditionVariableDeclStmt()) + ")");
  else if (Do)
    emit("// do ... while (" + flat(Cond) + ")");
  else
    emit("// for (" + (For->getInit() ? flat(For->getInit()) : ";") + " " + condition(For->getConditionVariableDeclStmt()) +
         "; " + flat(Inc) + ")");
  Layout.openScope();
  if (For && For->getInit())
    lowerStmt(For->getInit());
  std::string First = (Do || For) ? Layout.addSlot("first", "bool", "the first iteration") : "";
  std::string CondSlot = Cond ? Layout.addSlot("cond", "bool", "the loop condition") : "";
  Layout.open();
  if (!First.empty())
    emit(First + " = true;");
  open(PollNode::Loop, "for (;;)", /*Known=*/1);
  openBlock();
  enterLoop();
  auto test = [&]() {
    if (!Cond)
      return true;
    if (const VarDecl *CondVar = While ? While->getConditionVariable() : For ? For->getConditionVariable() : nullptr) {
      // `while (T x = e)`, `for (; T x = e; )`: x is made each iteration,
      // tested, and destroyed at the end of the iteration (before the
      // for's increment) or when the test fails.
      lowerStmt(While ? While->getConditionVariableDeclStmt() : For->getConditionVariableDeclStmt());
      if (Failed)
        return false;
      unsigned Saved = CurrentLive;
      open(PollNode::If, "if (!(" + conditionVariableName(CondVar) + "))");
      openBlock();
      destroyDownTo(BreakLive.back());
      add(PollNode::Break, "break;");
      closeBlock();
      close();
      CurrentLive = Saved;
      return true;
    }
    if (containsAwait(Cond)) {
      if (!emitCondition(Cond, CondSlot))
        return false;
      open(PollNode::If, "if (!" + CondSlot + ")");
    } else {
      renameIn(Cond);
      open(PollNode::If, "if (!(" + text(Cond->getSourceRange()) + "))");
    }
    add(PollNode::Break, "break;");
    close();
    return true;
  };
  if (Do) {
    open(PollNode::If, "if (!" + First + ")");
    openBlock();
    if (!test())
      return;
    closeBlock();
    close();
    emit(First + " = false;");
  } else if (For) {
    if (Inc) {
      open(PollNode::If, "if (!" + First + ")");
      openBlock();
      if (containsAwait(Inc)) {
        lowerStmt(Inc);
      } else {
        renameIn(Inc);
        emit(text(Inc->getSourceRange()) + ";");
      }
      closeBlock();
      close();
    }
    emit(First + " = false;");
    if (!test())
      return;
  } else if (!test()) {
    return;
  }
  lowerSubStmt(Body);
  destroyDownTo(ContinueLive.back());
  leaveLoop();
  closeBlock();
  close();
  Layout.closeScope();
  destroyDownTo(LiveAtEntry);
  closeBlock();
}

// A switch: its condition, if it awaits, is evaluated into the frame first;
// the resumption of an await in a case jumps into the body directly.
void Lowerer::lowerSwitch(const SwitchStmt *SW) {
  unsigned LiveAtEntry = CurrentLive;
  const Expr *Cond = SW->getCond();
  bool CondAwaits = containsAwait(Cond);
  // `switch (T x = e)` whose e awaits or whose x is in the frame: x is
  // declared before the switch, as the init-statement would be.
  bool CondVar = lowersConditionVariable(SW->getConditionVariable());
  bool Storage = CondAwaits || (SW->getInit() && Frame->hasFrameStorage(SW->getInit())) ||
                 (CondVar && Frame->hasFrameStorage(SW->getConditionVariableDeclStmt()));
  openBlock();
  if (Storage) {
    Layout.openScope();
  }
  if (SW->getInit())
    lowerStmt(SW->getInit());
  std::string Head;
  if (CondVar) {
    lowerStmt(SW->getConditionVariableDeclStmt());
    if (Failed)
      return;
    if (Storage)
      Layout.open();
    Head = conditionVariableName(SW->getConditionVariable());
  } else if (CondAwaits) {
    std::string Slot = Layout.addSlot("cond", typeName(Cond->getType().getUnqualifiedType()),
                               "switch (" + oneLine(originalText(Cond->getSourceRange())) + ")");
    Layout.open();
    if (!emitWithValue(Cond, [&](const std::string &Value) { return Slot + " = " + Value + ";"; }))
      return;
    Head = Slot;
  } else {
    if (Storage)
      Layout.open();
    renameIn(Cond);
    Head = SW->getConditionVariableDeclStmt() ? stmtText(SW->getConditionVariableDeclStmt())
                                              : text(Cond->getSourceRange());
    if (StringRef(Head).ends_with(";"))
      Head.pop_back();
  }
  open(PollNode::Switch, "switch (" + Head + ")");
  BreakLive.push_back(CurrentLive);
  CaseLive.push_back(CurrentLive);
  lowerSubStmt(SW->getBody());
  CaseLive.pop_back();
  BreakLive.pop_back();
  close();
  if (Storage) {
    Layout.closeScope();
  }
  destroyDownTo(LiveAtEntry);
  closeBlock();
}

// A try block: C++ forbids jumping into one, so a resumption inside it
// jumps to the label before it, and the dispatch at its top goes on. A
// handler first destroys what the try block had made in the frame, as
// unwinding destroys the block's locals before the handler runs.
void Lowerer::lowerTry(const CXXTryStmt *TS) {
  unsigned LiveAtEntry = CurrentLive;
  size_t LiveCount = Out.Live.size();
  bool Dispatch = containsAwait(TS->getTryBlock());
  std::string Label;
  if (Dispatch) {
    Label = numbered("try", ++TryCount);
    Tries.push_back({Label, {}});
    Out.ResumesInsideTry = true;
    emitLabel(Label + ":");
  }
  open(PollNode::Try);
  lowerCompound(TS->getTryBlock());
  if (Failed)
    return;
  if (Dispatch) {
    // The try block starts with the dispatch of the resumptions inside it.
    TryScope Scope = std::move(Tries.back());
    Tries.pop_back();
    PollNode Resume;
    Resume.K = PollNode::Dispatch;
    Resume.Targets = Scope.Targets;
    std::vector<PollNode> &Block = OpenNodes.back().Children.back().Children;
    Block.insert(Block.begin(), std::move(Resume));
    if (!Tries.empty())
      for (const auto &Target : Scope.Targets)
        Tries.back().Targets.push_back({Target.first, Label});
  }
  for (unsigned I = 0; I != TS->getNumHandlers(); ++I) {
    const CXXCatchStmt *H = TS->getHandler(I);
    CurrentLive = LiveAtEntry;
    const VarDecl *Caught = H->getExceptionDecl();
    open(PollNode::Catch, "catch (" + (Caught ? originalText(Caught->getSourceRange()) : std::string("...")) + ")");
    openBlock();
    if (Out.Live.size() != LiveCount) {
      emit("\037drop(\037live, \037Live::" + Out.Live[LiveAtEntry].Name + ");");
      emitLive(LiveAtEntry);
    }
    lowerStmt(H->getHandlerBlock());
    closeBlock();
    close();
  }
  close();
  CurrentLive = LiveAtEntry;
}

// The Finish guard of a co_return whose operand awaits: declared after its
// last await's resume label, armed only on the way out.
static const char *const DisarmedFinish = "\037Finish \037finish{*this, \037live, false};";

// The future is done once the return value is made. With nothing left to
// destroy, that is only the state: no guard, nothing kept in memory for it.
void Lowerer::emitFinish(bool Guarded) {
  std::vector<PollNode> &Siblings = OpenNodes.back().Children;
  // The guard is a statement of its own, or declared after its await's poll.
  auto Guard = llvm::find_if(Siblings, [&](const PollNode &N) {
    return (N.K == PollNode::Code && N.Text == DisarmedFinish) ||
           (N.K == PollNode::Poll && PollSteps[N.State - 1].Guard == DisarmedFinish);
  });
  if (CurrentLive == 0 && (!Guarded || Guard != Siblings.end())) {
    if (Guarded && Guard->K == PollNode::Poll)
      PollSteps[Guard->State - 1].Guard.clear();
    else if (Guarded)
      Siblings.erase(Guard);
    emitLive(0);
    emit("\037state_ = \037State::Done;");
    return;
  }
  emitLive(CurrentLive);
  emit(Guarded ? "\037finish.armed = true;" : "\037Finish \037finish{*this, \037live};");
}

void Lowerer::lowerReturn(const CoreturnStmt *CR) {
  const Expr *Operand = CR->getOperand();
  openBlock();
  // The value is made first, then the frame is destroyed: the Finish guard
  // runs after the return value is initialized, and after the last await's
  // Poll (declared after it), as with native co_return. With an await in the
  // operand, the guard is declared after that await's resume label and armed
  // only on the way out, so that a pending return leaves the frame alone.
  bool Awaits = Operand && containsAwait(Operand);
  if (Awaits)
    AfterLastResume = DisarmedFinish;
  std::string Value;
  std::optional<LayoutBuilder::Open> Group;
  if (Operand && !Operand->getType()->isVoidType()) {
    const Expr *S = strip(Operand);
    // `co_return x;` moves a local or a by-value parameter, as C++20 does.
    bool ImplicitMove = false;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        ImplicitMove = VD->hasLocalStorage() && !VD->getType()->isReferenceType() &&
                       !VD->getType().isVolatileQualified();
    auto L = lowerFullExpr(Operand);
    if (!L)
      return;
    Value = ImplicitMove ? "std::move(" + L->Text + ")" : L->Text;
    Group = L->Group;
  } else if (Operand) {
    auto L = lowerFullExpr(Operand);
    if (!L)
      return;
    emit(L->Text + ";");
    Group = L->Group;
  }
  emitFinish(Awaits);
  if (Out.OutputType == "void")
    add(PollNode::Return, "return \037unwind.leave(asyncc::Poll<void>::ready());");
  else
    // Not through leave, which would move the value out of its parameter:
    // a move (a copy, of a class without one) that native co_return does
    // not make.
    add(PollNode::Return, "return asyncc::detail::ready<\037Output>(\037unwind.armed, " + Value + ");");
  if (Group)  // what the operand kept is read by the return, the last use
    Layout.endScope(*Group);
  closeBlock();
}

void Lowerer::lowerStmt(const Stmt *S) {
  if (Failed || !S)
    return;
  if (const auto *DS = dyn_cast<DeclStmt>(S);
      DS && llvm::all_of(DS->decls(), [](const Decl *D) { return isa<TypeDecl>(D); })) {
    lowerLocalTypes(DS);
    return;
  }
  SourceLine = SM.getExpansionLineNumber(S->getBeginLoc());
  if (!needsLowering(S)) {
    recordLabels(S);
    if (!isa<NullStmt>(S))
      emitStatement(S, stmtText(S));
    return;
  }
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    lowerCompound(CS);
  } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    lowerDecl(DS);
  } else if (const auto *E = dyn_cast<Expr>(S)) {
    // A short-circuit alone leaves only its value, which nothing uses.
    bool Discarded = isShortCircuit(E->IgnoreParenImpCasts());
    emitWithValue(E, [&](const std::string &Value) {
      return Discarded ? "static_cast<void>(" + Value + ");" : Value + ";";
    });
  } else if (const auto *IS = dyn_cast<IfStmt>(S)) {
    if (IS->isConstexpr())
      lowerIfConstexpr(IS);
    else
      lowerIf(IS);
  } else if ((isa<WhileStmt>(S) && (containsAwait(cast<WhileStmt>(S)->getCond()) ||
                                    lowersConditionVariable(cast<WhileStmt>(S)->getConditionVariable()))) ||
             (isa<DoStmt>(S) && containsAwait(cast<DoStmt>(S)->getCond())) ||
             (isa<ForStmt>(S) &&
              (containsAwait(cast<ForStmt>(S)->getCond()) || containsAwait(cast<ForStmt>(S)->getInc()) ||
               lowersConditionVariable(cast<ForStmt>(S)->getConditionVariable())))) {
    lowerLoopWithAwaitingHead(S);
  } else if (const auto *WS = dyn_cast<WhileStmt>(S)) {
    renameIn(WS->getCond());
    open(PollNode::Loop,
         "while (" +
             (WS->getConditionVariableDeclStmt() ? stmtText(WS->getConditionVariableDeclStmt())
                                                 : text(WS->getCond()->getSourceRange())) +
             ")",
         WS->getConditionVariable() ? -1 : knownCondition(WS->getCond(), Ctx));
    enterLoop();
    lowerSubStmt(WS->getBody());
    leaveLoop();
    close();
  } else if (const auto *DoS = dyn_cast<DoStmt>(S)) {
    open(PollNode::Loop, "do", knownCondition(DoS->getCond(), Ctx));
    enterLoop();
    lowerSubStmt(DoS->getBody());
    leaveLoop();
    renameIn(DoS->getCond());
    close("while (" + text(DoS->getCond()->getSourceRange()) + ");");
  } else if (const auto *FS = dyn_cast<ForStmt>(S)) {
    lowerFor(FS);
  } else if (const auto *LS = dyn_cast<LabelStmt>(S)) {
    LabelLive[LS->getDecl()] = CurrentLive;
    add(PollNode::Label, std::string(LS->getName()) + ":");
    if (isa<NullStmt>(LS->getSubStmt()))
      emit(";");  // a label needs a statement (`done:;` at the end of a block)
    else
      lowerStmt(LS->getSubStmt());
  } else if (const auto *GS = dyn_cast<GotoStmt>(S)) {
    PollNode &N = add(PollNode::Goto, "goto " + GS->getLabel()->getName().str() + ";");
    N.Tail = GS->getLabel()->getName().str();
    N.State = Gotos.size();
    N.FallsThrough = false;
    Gotos.push_back({GS, CurrentLive});
  } else if (const auto *SW = dyn_cast<SwitchStmt>(S)) {
    lowerSwitch(SW);
  } else if (const auto *SC = dyn_cast<SwitchCase>(S)) {
    // Every path to a label has the same live set: C++ forbids jumping
    // over a declaration, and the cases are direct members of the body.
    CurrentLive = CaseLive.back();
    if (const auto *CS = dyn_cast<CaseStmt>(SC))
      add(PollNode::Case, "case " + text(CS->getLHS()->getSourceRange()) +
                              (CS->getRHS() ? " ... " + text(CS->getRHS()->getSourceRange()) : "") + ":");
    else
      add(PollNode::Case, "default:");
    lowerStmt(SC->getSubStmt());
  } else if (const auto *TS = dyn_cast<CXXTryStmt>(S)) {
    lowerTry(TS);
  } else if (const auto *RF = dyn_cast<CXXForRangeStmt>(S)) {
    lowerRangeFor(RF);
  } else if (isa<BreakStmt>(S) || isa<ContinueStmt>(S)) {
    unsigned Saved = CurrentLive;
    openBlock();
    destroyDownTo(isa<BreakStmt>(S) ? BreakLive.back() : ContinueLive.back());
    if (isa<BreakStmt>(S))
      add(PollNode::Break, "break;");
    else
      add(PollNode::Continue, "continue;");
    closeBlock();
    CurrentLive = Saved;
  } else if (const auto *CR = dyn_cast<CoreturnStmt>(S)) {
    unsigned Saved = CurrentLive;
    lowerReturn(CR);
    CurrentLive = Saved;
  } else {
    report(Diag::UnsupportedStatement, S->getBeginLoc()) << S->getStmtClassName();
  }
}

// C++ forbids jumping into an `if constexpr`: only the branch its constant
// condition takes is lowered, in a block with the init.
void Lowerer::lowerIfConstexpr(const IfStmt *IS) {
  bool Taken = false;
  if (!IS->getCond()->EvaluateAsBooleanCondition(Taken, Ctx)) {
    report(Diag::IfConstexprCondition, IS->getBeginLoc());
    return;
  }
  unsigned LiveAtEntry = CurrentLive;
  openBlock("{  // if constexpr (" + oneLine(originalText(IS->getCond()->getSourceRange())) + "): the " +
            (Taken ? "first" : "second") + " branch");
  lowerStmt(IS->getInit());
  if (const Stmt *Branch = Taken ? IS->getThen() : IS->getElse())
    lowerSubStmt(Branch);
  destroyDownTo(LiveAtEntry);
  closeBlock();
}

// An if whose condition awaits evaluates it into a bool of the frame first;
// an init-statement gets a scope of its own.
bool Lowerer::lowersConditionVariable(const VarDecl *VD) {
  return VD && (containsAwait(VD->getInit()) || Frame->isFrameVar(VD));
}

// A condition variable declared before its if or loop: its value, tested.
std::string Lowerer::conditionVariableName(const VarDecl *VD) {
  auto It = VarPath.find(VD);
  return It != VarPath.end() ? It->second : VD->getNameAsString();
}

void Lowerer::lowerIf(const IfStmt *IS) {
  unsigned LiveAtEntry = CurrentLive;
  bool CondAwaits = containsAwait(IS->getCond());
  // `if (T x = e)` whose e awaits or whose x is in the frame: x is declared
  // in a block around the if, as the init-statement would be.
  bool CondVar = lowersConditionVariable(IS->getConditionVariable());
  bool Scope = IS->getInit() != nullptr || CondAwaits || CondVar;
  bool Storage = CondAwaits || ((IS->getInit() || CondVar) && Frame->hasFrameStorage(IS));
  std::string CondSlot;
  if (Scope) {
    openBlock();
    if (Storage) {
      Layout.openScope();
    }
    if (IS->getInit())
      lowerStmt(IS->getInit());
    if (CondVar)
      lowerStmt(IS->getConditionVariableDeclStmt());
    if (Failed)
      return;
    if (CondAwaits)
      CondSlot = Layout.addSlot("cond", "bool", "if (" + oneLine(originalText(IS->getCond()->getSourceRange())) + ")");
    if (Storage)
      Layout.open();
  }
  if (CondAwaits) {
    if (!emitCondition(IS->getCond(), CondSlot))
      return;
    open(PollNode::If, "if (" + CondSlot + ")");
  } else {
    renameIn(IS->getCond());
    std::string Head = IS->isConstexpr() ? "if constexpr (" : "if (";
    if (CondVar)
      Head += conditionVariableName(IS->getConditionVariable());
    else if (IS->getConditionVariableDeclStmt())
      Head += stmtText(IS->getConditionVariableDeclStmt());
    else
      Head += text(IS->getCond()->getSourceRange());
    if (StringRef(Head).ends_with(";"))
      Head.pop_back();
    open(PollNode::If, Head + ")",
         IS->getConditionVariable() || IS->isConstexpr() ? -1 : knownCondition(IS->getCond(), Ctx));
  }
  lowerSubStmt(IS->getThen());
  if (IS->getElse()) {
    elseBranch();
    lowerSubStmt(IS->getElse());
  }
  close();
  if (Scope) {
    if (Storage) {
      Layout.closeScope();
    }
    destroyDownTo(LiveAtEntry);
    closeBlock();
  }
}

// A for whose head does not await: the init-statement's variables live
// beside the body's storage.
void Lowerer::lowerFor(const ForStmt *FS) {
  unsigned LiveAtEntry = CurrentLive;
  openBlock();
  bool Scope = Frame->hasFrameStorage(FS);
  if (Scope) {
    Layout.openScope();
  }
  if (FS->getInit())
    lowerStmt(FS->getInit());
  if (Scope)
    Layout.open();
  std::string Cond, Inc;
  if (FS->getCond()) {
    renameIn(FS->getCond());
    Cond = text(FS->getCond()->getSourceRange());
  }
  if (FS->getInc()) {
    renameIn(FS->getInc());
    Inc = text(FS->getInc()->getSourceRange());
  }
  open(PollNode::Loop, "for (; " + Cond + "; " + Inc + ")",
       FS->getCond() ? (FS->getConditionVariable() ? -1 : knownCondition(FS->getCond(), Ctx)) : 1);
  enterLoop();
  lowerSubStmt(FS->getBody());
  leaveLoop();
  close();
  if (Scope) {
    Layout.closeScope();
  }
  destroyDownTo(LiveAtEntry);
  closeBlock();
}

// The labels of a statement kept as its text: the live set there is the
// statement's.
void Lowerer::recordLabels(const Stmt *S) {
  forEachStmt(S, [&](const Stmt *X) {
    if (const auto *LS = dyn_cast<LabelStmt>(X))
      LabelLive[LS->getDecl()] = CurrentLive;
  });
}

// C++ forbids a jump past a declaration that constructs, so a label's live
// set is its goto's or one under it: the goto destroys what lies between.
void Lowerer::resolveGotos(PollNode &N) {
  for (PollNode &Child : N.Children)
    resolveGotos(Child);
  if (N.K != PollNode::Goto)
    return;
  const PendingGoto &G = Gotos[N.State];
  auto Label = LabelLive.find(G.Goto->getLabel());
  if (Label == LabelLive.end()) {
    report(Diag::GotoAcrossFrame, G.Goto->getBeginLoc());
    return;
  }
  std::string Text;
  unsigned At = G.Live;
  for (; At != Label->second && At != 0; At = Out.Live[At].Parent)
    Text += Out.Live[At].Destroy + "\n";
  if (At != Label->second) {
    report(Diag::GotoAcrossFrame, G.Goto->getBeginLoc());
    return;
  }
  if (G.Live != Label->second)
    Text += "\037live = \037Live::" + Out.Live[Label->second].Name + ";\n";
  N.Text = Text + N.Text;
}

} // namespace asyncc::tool
