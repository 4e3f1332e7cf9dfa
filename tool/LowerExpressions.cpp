// The lowering of full-expressions: each co_await becomes a sub-future in
// the frame, polled until ready, whose value replaces the await in the
// expression's text; values C++ computes before an await are kept in the
// frame; `&&`, `||` and `?:` whose skipped operand awaits become if/else.
#include "AstQueries.h"
#include "Find.h"
#include "Lowerer.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace asyncc::tool {

// The type of the sub-future an operand makes. A call of another ASYNC
// function returns Async<T> before transformation and its struct after.
std::string Lowerer::futureType(const Expr *Operand) {
  const Expr *E = strip(Operand);
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (Callee && isAsync(*Callee)) {
      if (Callee->getCanonicalDecl() == FD.getCanonicalDecl()) {
        // The fix: the recursive future goes to the heap, behind a pointer.
        SourceRange R = SM.getExpansionRange(Operand->getSourceRange()).getAsRange();
        SourceLocation End = Lexer::getLocForEndOfToken(R.getEnd(), 0, SM, Ctx.getLangOpts());
        report(Diag::AwaitsItself, R.getBegin()) << FixItHint::CreateInsertion(R.getBegin(), "asyncc::boxed(")
                                                 << FixItHint::CreateInsertion(End, ")");
        return "";
      }
      // Defined earlier, here or in an included header (which asyncc
      // transforms too): its struct is then complete where it is stored.
      const FunctionDecl *Def = Callee->getDefinition();
      if (!Def || SM.isBeforeInTranslationUnit(FD.getLocation(), Def->getLocation())) {
        report(Diag::AwaitedDefinedLater, Operand->getBeginLoc()) << Callee->getName();
        return "";
      }
      std::string Qualified = Callee->getQualifiedNameAsString();
      std::string Name = Qualified.substr(0, Qualified.size() - Callee->getNameAsString().size()) + futureNameOf(*Callee);
      if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee))
        Name = typeName(Ctx.getRecordType(Method->getParent())) + "::" + futureNameOf(*Callee);
      else if (Callee->isFunctionTemplateSpecialization())
        Name += spellTemplateArgs(Callee->getTemplateSpecializationArgs()->asArray(), Ctx);
      return Name;
    }
  }
  QualType T = E->getType();
  if (!spellable(T, Operand->getBeginLoc(), "the awaited future"))
    return "";
  // What a function template returns is spelled by what it denotes: its
  // sugar names the template's own parameters and aliases.
  if (const auto *Call = dyn_cast<CallExpr>(E); Call && Call->getDirectCallee() &&
                                                Call->getDirectCallee()->isTemplateInstantiation())
    return T.getCanonicalType().getUnqualifiedType().getAsString(Policy);
  return typeName(T.getUnqualifiedType());
}

std::optional<Lowerer::Lowered> Lowerer::lowerFullExpr(const Expr *E, bool KeepAll) {
  std::vector<const Expr *> Awaits;
  collectAwaits(E, Awaits);
  if (Awaits.empty()) {
    renameIn(E);
    return Lowered{text(E->getSourceRange()), "", {}, CurrentLive};
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
  // a struct holds them beside a union of the sub-futures.
  bool Group = Awaits.size() > 1 || KeepAll || !Hoists.empty() || llvm::any_of(Awaits, isShortCircuit);
  LayoutBuilder::Open GroupHome;
  if (Group) {
    Layout.openStruct("e" + std::to_string(++GroupCount));
    GroupHome = Layout.innermost();
    Layout.openAlternatives();
  }
  std::vector<std::string> KeptReady;
  std::string LastReady;
  for (size_t I = 0; I != Awaits.size(); ++I) {
    for (const Hoist &H : Hoists) {
      if (H.Before != Awaits[I])
        continue;
      renameIn(H.Read);
      SourceRange ReadRange = SM.getExpansionRange(H.Read->getSourceRange()).getAsRange();
      std::string Source = text(ReadRange);
      std::string Temp = Layout.addSlotTo(GroupHome, "tmp" + std::to_string(++TempCount),
                                   typeName(H.Type.getUnqualifiedType()),
                                   "value of " + oneLine(originalText(ReadRange)) + " before the await");
      emit(Temp + " = " + Source + ";");
      Scratch.ReplaceText(ReadRange.getBegin(), Source.size(), Temp);
    }
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
    if (!lowerAwait(cast<CoawaitExpr>(Awaits[I]), Last, KeepAll, GroupHome, KeptReady, LastReady))
      return std::nullopt;
  }
  if (Group) {
    Layout.close();  // the futures' union
    Layout.close();  // the group struct
  }
  renameIn(E);
  return Lowered{text(E->getSourceRange()), LastReady, KeptReady, LiveAtStart};
}

// One co_await of a full-expression: its future is made in the frame (or,
// named, polled where it is), the state is set, and on resumption the Poll
// is taken; kept in the group (GroupHome) when it must outlive later awaits.
bool Lowerer::lowerAwait(const CoawaitExpr *CA, bool Last, bool KeepAll, const LayoutBuilder::Open &GroupHome,
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
  if (!checkTemporaries(Stripped))
    return false;
  std::string FutureType = Borrowed ? typeName(Stripped->getType().getUnqualifiedType()) : futureType(Operand);
  if (Failed)
    return false;
  renameIn(Operand);
  std::string OperandText = text(Operand->getSourceRange());
  std::string FuturePath;
  unsigned LiveBefore = CurrentLive;
  emit("// " + Flat + "   " + File.str() + ":" + std::to_string(PL.getLine()));
  if (Borrowed) {
    FuturePath = "(" + OperandText + ")";
  } else {
    FuturePath = Layout.addSlot("await" + N, FutureType, Flat);
    emit("::new (static_cast<void*>(&" + FuturePath + ")) " + FutureType + "(" + OperandText + ");");
    construct(FuturePath, "std::destroy_at(&" + FuturePath + ");");
  }
  SuspendState State;
  State.Name = "Await" + N;
  State.SourceText = Flat;
  State.Line = PL.getLine();
  State.Live = CurrentLive;
  State.Entry = Tries.empty() ? "resume" + N : Tries.front().Label;
  if (!Tries.empty())
    Tries.back().Targets.push_back({State.Name, "resume" + N});
  Out.States.push_back(State);
  add(PollNode::Await, "").State = Number;
  if (Last && !AfterLastResume.empty()) {
    emit(AfterLastResume);
    AfterLastResume.clear();
  }
  std::string ReadyType = "asyncc::detail::poll_result_t<" + FutureType + ">";
  std::string Ready;
  bool Keep = !Last || KeepAll;
  if (Keep) {
    // Alive until the end of the full-expression, across later awaits:
    // the struct of the group, beside the futures' union.
    Ready = Layout.addSlotTo(GroupHome, "ready" + N, ReadyType, "value of " + Flat);
    // Poll into a local first: a pending result must not be kept.
    // A pending Poll holds nothing: it is simply made again next time.
    emit("::new (static_cast<void*>(&" + Ready + ")) " + ReadyType + "(" + FuturePath + ".poll(cx));");
    emit("if (" + Ready + ".is_pending()) return asyncc::Poll<Output>::pending();");
    if (!Borrowed)
      destroyDownTo(LiveBefore);
    construct(Ready, "std::destroy_at(&" + Ready + ");");
    KeptReady.push_back(Ready);
  } else {
    Ready = "ready" + N;
    emit("auto " + Ready + " = " + FuturePath + ".poll(cx);");
    emit("if (" + Ready + ".is_pending()) return asyncc::Poll<Output>::pending();");
    if (!Borrowed)
      destroyDownTo(LiveBefore);
    LastReady = Ready;
  }
  // Replaced by its rewritten length: names inside it may already have
  // been renamed, which a range in original offsets would not cover.
  SourceRange AwaitRange = SM.getExpansionRange(CA->getSourceRange()).getAsRange();
  Scratch.ReplaceText(AwaitRange.getBegin(), text(AwaitRange).size(), "asyncc::detail::take(" + Ready + ")");
  return true;
}

// Temporaries of the operand die with the statement that makes the future,
// not when the await ends as with native co_await.
bool Lowerer::checkTemporaries(const Expr *Operand) {
  bool Ok = true;
  std::function<void(const Stmt *)> visit = [&](const Stmt *X) {
    if (!X || isa<CoawaitExpr>(X) || isa<LambdaExpr>(X) || !Ok)
      return;  // a nested await's own temporaries are its business
    // asyncc::boxed moves its argument to the heap at once: what is left
    // of the temporary is a moved-from shell.
    if (const auto *Call = dyn_cast<CallExpr>(X);
        Call && Call->getDirectCallee() && Call->getDirectCallee()->getQualifiedNameAsString() == "asyncc::boxed")
      return;
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(X);
        MTE && MTE->getStorageDuration() == SD_FullExpression) {
      report(Diag::TemporaryReference, MTE->getExprLoc());
      Ok = false;
      return;
    }
    if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(X)) {
      const CXXDestructorDecl *D = BT->getTemporary()->getDestructor();
      if (D && D->isUserProvided() && !D->getParent()->isInStdNamespace()) {
        report(Diag::TemporaryDestructor, BT->getExprLoc());
        Ok = false;
        return;
      }
    }
    for (const Stmt *C : X->children())
      visit(C);
  };
  visit(Operand);
  return Ok;
}

// `a && b`, `a || b` or `c ? x : y` with awaits where C++ may skip them:
// an if/else of their own full-expressions, whose value goes to a slot of
// the group (GroupHome). Returns the expression that reads the value.
std::optional<std::string> Lowerer::lowerShortCircuit(const Expr *E, const LayoutBuilder::Open &GroupHome,
                                                      std::vector<std::string> &Kept) {
  std::string Flat = oneLine(originalText(E->getSourceRange()));
  std::string N = std::to_string(++TempCount);
  emit("// " + Flat);
  auto toBool = [](const std::string &Slot) {
    return [Slot](const std::string &Value) { return Slot + " = static_cast<bool>(" + Value + ");"; };
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    std::string Slot = Layout.addSlotTo(GroupHome, "tmp" + N, "bool", "value of " + Flat);
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
  const auto *CO = cast<ConditionalOperator>(E);
  QualType T = E->getType();
  if (!spellable(T, E->getBeginLoc(), "the value of this '?:'"))
    return std::nullopt;
  std::string Cond = Layout.addSlotTo(GroupHome, "tmp" + N + "_cond", "bool", "condition of " + Flat);
  if (!emitWithValue(CO->getCond(), toBool(Cond)))
    return std::nullopt;
  // A glvalue is kept as a pointer; a prvalue is made in the slot.
  bool Glvalue = E->isGLValue();
  bool Object = !Glvalue && T->isRecordType();
  std::string Type = typeName(T.getUnqualifiedType());
  std::string Slot = Layout.addSlotTo(GroupHome, "tmp" + N, Glvalue ? typeName(T) + "*" : Type, "value of " + Flat);
  auto make = [&](const std::string &Value) {
    if (Glvalue)
      return Slot + " = std::addressof(" + Value + ");";
    if (Object)
      return "::new (static_cast<void*>(&" + Slot + ")) " + Type + "(" + Value + ");";
    return Slot + " = " + Value + ";";
  };
  open(PollNode::If, "if (" + Cond + ")");
  openBlock();
  if (!emitWithValue(CO->getTrueExpr(), make))
    return std::nullopt;
  closeBlock();
  elseBranch();
  openBlock();
  if (!emitWithValue(CO->getFalseExpr(), make))
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
  auto L = lowerFullExpr(E, /*KeepAll=*/false);
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
  if (L.Kept.empty())
    return;
  for (auto It = L.Kept.rbegin(); It != L.Kept.rend(); ++It)
    emit("std::destroy_at(&" + *It + ");");
  CurrentLive = L.LiveBefore;
  emit("live = Live::" + Out.Live[CurrentLive].Name + ";");
}

} // namespace asyncc::tool
