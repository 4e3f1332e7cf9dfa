#include "Lowering.h"
#include "Analysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/QualTypeNames.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <functional>

using namespace clang;

namespace asyncc::tool {
namespace {

// ---- Questions about statements --------------------------------------------

// Calls Fn on every statement under S (S included), not entering lambdas and
// local classes: their bodies are other functions.
void forEachStmt(const Stmt *S, const std::function<void(const Stmt *)> &Fn) {
  if (!S)
    return;
  Fn(S);
  if (isa<LambdaExpr>(S))
    return;
  for (const Stmt *Child : S->children())
    forEachStmt(Child, Fn);
}

// S's children in the order Clang evaluates them: left to right, except
// that the right side of an assignment comes first (C++17).
SmallVector<const Stmt *, 4> inEvaluationOrder(const Stmt *S) {
  SmallVector<const Stmt *, 4> Children(S->children().begin(), S->children().end());
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isAssignmentOp())
    std::reverse(Children.begin(), Children.end());
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S); OC && OC->isAssignmentOp() && OC->getNumArgs() == 2)
    Children = {OC->getCallee(), OC->getArg(1), OC->getArg(0)};
  return Children;
}

template <class T> bool contains(const Stmt *S) {
  bool Found = false;
  forEachStmt(S, [&](const Stmt *X) { Found |= isa<T>(X); });
  return Found;
}

bool containsAwait(const Stmt *S) { return contains<CoawaitExpr>(S); }

const Expr *strip(const Expr *E) { return E ? E->IgnoreImplicit()->IgnoreParens() : nullptr; }

// Source text on one line, for comments: each line break and the
// indentation after it become one space.
std::string oneLine(StringRef Text) {
  std::string Out;
  for (size_t I = 0; I < Text.size(); ++I) {
    if (Text[I] != '\n' && Text[I] != '\r') {
      Out += Text[I];
      continue;
    }
    while (I + 1 < Text.size() && isspace(static_cast<unsigned char>(Text[I + 1])))
      ++I;
    if (!Out.empty() && Out.back() != ' ')
      Out += ' ';
  }
  return Out;
}

// Whether every case label of SW is a direct member of its block (or
// labels a label that is).
bool casesAreDirect(const SwitchStmt *SW) {
  const auto *Body = dyn_cast<CompoundStmt>(SW->getBody());
  if (!Body)
    return false;
  unsigned Direct = 0, All = 0;
  for (const Stmt *Child : Body->body())
    for (const auto *SC = dyn_cast<SwitchCase>(Child); SC; SC = dyn_cast<SwitchCase>(SC->getSubStmt()))
      ++Direct;
  for (const SwitchCase *SC = SW->getSwitchCaseList(); SC; SC = SC->getNextSwitchCase())
    ++All;
  return Direct == All;
}

// `a && b`, `a || b` or `c ? x : y` whose conditionally evaluated operands
// await: lowered as an if/else, so that what C++ skips is not awaited.
bool isShortCircuit(const Stmt *S) {
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isLogicalOp())
    return containsAwait(BO->getRHS());
  if (const auto *CO = dyn_cast<ConditionalOperator>(S))
    return containsAwait(CO->getTrueExpr()) || containsAwait(CO->getFalseExpr());
  return false;
}
bool isSuspending(const Stmt *S) { return isa<CoawaitExpr>(S) || isShortCircuit(S); }


bool isAsyncFunction(const FunctionDecl *FD) {
  return FD && llvm::any_of(FD->specific_attrs<AnnotateAttr>(), [](const AnnotateAttr *A) {
           return A->getAnnotation() == AsyncAnnotation;
         });
}

// The struct of FD's future: <name>_future, then <name>_future_2, ... for
// overloads, numbered in the order of their declarations.
std::string futureNameOf(const FunctionDecl *FD) {
  const FunctionDecl *Canonical = FD->getCanonicalDecl();
  auto isAsync = [](const FunctionDecl *F) { return llvm::any_of(F->redecls(), isAsyncFunction); };
  std::vector<const FunctionDecl *> Overloads;
  for (const NamedDecl *D : FD->getDeclContext()->getRedeclContext()->getPrimaryContext()->lookup(FD->getDeclName()))
    if (const auto *Other = dyn_cast<FunctionDecl>(D); Other && isAsync(Other))
      Overloads.push_back(Other->getCanonicalDecl());
  const SourceManager &SM = FD->getASTContext().getSourceManager();
  llvm::sort(Overloads, [&](const FunctionDecl *A, const FunctionDecl *B) {
    return SM.isBeforeInTranslationUnit(A->getLocation(), B->getLocation());
  });
  Overloads.erase(std::unique(Overloads.begin(), Overloads.end()), Overloads.end());
  size_t Index = std::find(Overloads.begin(), Overloads.end(), Canonical) - Overloads.begin();
  std::string Name = FD->getNameAsString() + "_future";
  return Index == 0 || Index == Overloads.size() ? Name : Name + "_" + std::to_string(Index + 1);
}

// ---- The lowering ----------------------------------------------------------

// How the emitted code spells types: fully qualified, without `struct`.
PrintingPolicy emittedPolicy(const ASTContext &Ctx) {
  PrintingPolicy Policy = Ctx.getPrintingPolicy();
  Policy.SuppressTagKeyword = true;
  Policy.FullyQualifiedName = true;
  return Policy;
}

class Lowerer {
public:
  Lowerer(const FunctionDecl &FD, ASTContext &Ctx, StringRef File)
      : FD(FD), Ctx(Ctx), SM(Ctx.getSourceManager()), Scratch(SM, Ctx.getLangOpts()),
        File(File) {
    Policy = emittedPolicy(Ctx);
    Out.Live.push_back(LiveNode{"None", 0, ""});
    Out.Frame.NodeKind = LayoutNode::Struct;
  }

  std::optional<LoweredFunction> run();

private:
  // -- diagnostics
  void error(SourceLocation Loc, StringRef Message) {
    auto &Diags = Ctx.getDiagnostics();
    unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
    Diags.Report(Loc, ID) << Message;
    Failed = true;
  }

  // -- text
  std::string text(SourceRange R) {
    // One character past the end, then dropped: the Rewriter maps an end
    // that falls on a replaced token to the middle of the replacement.
    SourceRange E = SM.getExpansionRange(R).getAsRange();
    SourceLocation End = Lexer::getLocForEndOfToken(E.getEnd(), 0, SM, Ctx.getLangOpts());
    std::string T = Scratch.getRewrittenText(CharSourceRange::getCharRange(E.getBegin(), End.getLocWithOffset(1)));
    if (!T.empty())
      T.pop_back();
    return T;
  }
  std::string originalText(SourceRange R) {
    CharSourceRange CR = CharSourceRange::getTokenRange(SM.getExpansionRange(R).getAsRange());
    return Lexer::getSourceText(CR, SM, Ctx.getLangOpts()).str();
  }
  // A statement's text with its own trailing semicolon.
  std::string stmtText(const Stmt *S) {
    renameIn(S);
    SourceRange R = SM.getExpansionRange(S->getSourceRange()).getAsRange();
    SourceLocation AfterSemi = Lexer::findLocationAfterToken(
        R.getEnd(), tok::semi, SM, Ctx.getLangOpts(), /*SkipTrailingWhitespaceAndNewLine=*/false);
    std::string T = text(R);
    if (AfterSemi.isValid() && !isa<DeclStmt>(S) && !isa<CompoundStmt>(S) && !StringRef(T).ends_with(";"))
      T += ";";
    return T;
  }
  std::string typeName(QualType T) {
    // Deduced types and member typedefs (std::vector<int>::iterator) are
    // spelled by what they denote: qualifying the sugar is not reliable.
    bool Canonical = T->getContainedDeducedType() != nullptr;
    for (QualType U = T.getNonReferenceType(); !Canonical;) {
      const auto *TT = U->getAs<TypedefType>();
      if (!TT)
        break;
      Canonical = isa<RecordDecl>(TT->getDecl()->getDeclContext());
      U = TT->desugar();
    }
    if (Canonical)
      return T.getCanonicalType().getAsString(Policy);
    return TypeName::getFullyQualifiedName(T, Ctx, Policy, /*WithGlobalNsPrefix=*/false);
  }
  bool spellable(QualType T, SourceLocation Loc, StringRef What) {
    const Type *Ty = T.getNonReferenceType()->getUnqualifiedDesugaredType();
    if (const auto *RD = Ty->getAsCXXRecordDecl()) {
      bool Hoisted = RD->isLocalClass() == &FD && !RD->isLambda() && !RD->getDeclName().isEmpty();
      if (!Hoisted && (RD->isLambda() || RD->getDeclName().isEmpty() || RD->isLocalClass())) {
        error(Loc, (What + " has a type that cannot be named outside the function (a lambda, an unnamed "
                           "class, or a class local to another function); asyncc cannot store it in the frame: "
                           "keep it out of the scope of any co_await, or give it a named type")
                       .str());
        return false;
      }
    }
    return true;
  }

  // Replaces the names of frame variables under S by their place in the
  // frame, and `this` by the future's `self`.
  void renameIn(const Stmt *S) {
    forEachStmt(S, [&](const Stmt *X) {
      if (const auto *This = dyn_cast<CXXThisExpr>(X)) {
        if (!RenamedThis.insert(This).second)
          return;
        SourceLocation Loc = SM.getExpansionLoc(This->getLocation());
        if (!This->isImplicit()) {
          Scratch.ReplaceText(Loc, 4, "self");
          return;
        }
        // `member` is `this->member`: the name becomes `self->member`, in
        // place, so that later replacements of the range still cover it.
        unsigned Length = Lexer::MeasureTokenLength(Loc, SM, Ctx.getLangOpts());
        Scratch.ReplaceText(Loc, Length, "self->" + Lexer::getSourceText(
                                             CharSourceRange::getCharRange(Loc, Loc.getLocWithOffset(Length)), SM,
                                             Ctx.getLangOpts()).str());
        return;
      }
      const auto *DRE = dyn_cast<DeclRefExpr>(X);
      if (!DRE || !Renamed.insert(DRE).second)
        return;
      std::string NewName;
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()); VD && VarPath.count(VD))
        NewName = VarPath.lookup(VD);
      else if (const auto *B = dyn_cast<BindingDecl>(DRE->getDecl()); B && BindingPath.count(B))
        NewName = BindingPath.lookup(B);
      else
        return;
      SourceLocation Loc = DRE->getLocation();
      if (Loc.isMacroID()) {
        error(Loc, "a variable stored in the async frame is named inside a macro expansion; asyncc "
                   "cannot rename it there: expand the macro by hand");
        return;
      }
      Scratch.ReplaceText(SourceRange(DRE->getBeginLoc(), DRE->getEndLoc()), NewName);
    });
  }

  // -- output
  unsigned SourceLine = 0;  // of the statement being lowered
  void emit(const std::string &Line) {
    std::string Prefix(Indent * 2, ' ');
    SmallVector<StringRef, 8> Lines;
    StringRef(Line).split(Lines, '\n');
    size_t FirstIndex = Out.PollBody.size();
    bool First = true;
    for (StringRef L : Lines) {
      Out.PollBodySourceLines.push_back(SourceLine ? SourceLine + Out.PollBody.size() - FirstIndex : 0);
      Out.PollBody.push_back(First ? Prefix + L.str() : L.str());
      First = false;
    }
  }

  // -- frame layout
  // A node of the layout being built, by its path of child indices from the
  // top: children vectors grow while nodes are open, so no pointers.
  struct Open {
    std::vector<size_t> Path;
    std::string Prefix;  // path to the node's members, ending with '.' if not empty
  };
  LayoutNode &resolve(const std::vector<size_t> &Path) {
    LayoutNode *N = &Out.Frame;
    for (size_t I : Path)
      N = &N->Children[I];
    return *N;
  }
  Open child(const Open &Parent, LayoutNode Node, const std::string &Prefix) {
    LayoutNode &P = resolve(Parent.Path);
    P.Children.push_back(std::move(Node));
    Open O{Parent.Path, Prefix};
    O.Path.push_back(P.Children.size() - 1);
    return O;
  }
  std::string addSlotTo(const Open &Where, const std::string &Name, const std::string &Type,
                        const std::string &Comment) {
    LayoutNode Slot;
    Slot.NodeKind = LayoutNode::Slot;
    Slot.Name = Name;
    Slot.Type = Type;
    Slot.Comment = Comment;
    resolve(Where.Path).Children.push_back(std::move(Slot));
    return Where.Prefix + Name;
  }
  std::string addSlot(const std::string &Name, const std::string &Type, const std::string &Comment) {
    return addSlotTo(Opened.back(), Name, Type, Comment);
  }
  // Opens a struct member inside the innermost union (or struct).
  void openStruct(const std::string &Name) {
    LayoutNode S;
    S.NodeKind = LayoutNode::Struct;
    S.Name = Name;
    Opened.push_back(child(Opened.back(), std::move(S), Opened.back().Prefix + Name + "."));
  }
  // Opens a union for what never coexists below the innermost struct.
  void openAlternatives() {
    LayoutNode U;
    U.NodeKind = LayoutNode::Union;
    Opened.push_back(child(Opened.back(), std::move(U), Opened.back().Prefix));
  }
  // Where the variables of the scope being lowered go: its struct.
  std::vector<Open> VarHomes;
  void close() { Opened.pop_back(); }

  // -- live set
  // A value of type T was made at Path: a node when it has a destructor.
  void construct(const std::string &Path, QualType T) {
    if (T.isDestructedType() != QualType::DK_none)
      construct(Path, "std::destroy_at(&" + Path + ");");
  }
  void construct(const std::string &Path, const std::string &Destroy) {
    std::string Name = Path;
    std::replace(Name.begin(), Name.end(), '.', '_');
    Out.Live.push_back(LiveNode{Name, CurrentLive, Destroy});
    CurrentLive = Out.Live.size() - 1;
    emit("live = Live::" + Name + ";");
  }
  // Destroys what was constructed since the live set was Target.
  void destroyDownTo(unsigned Target) {
    unsigned At = CurrentLive;
    while (At != Target && At != 0) {
      emit(Out.Live[At].Destroy);
      At = Out.Live[At].Parent;
    }
    if (CurrentLive != Target) {
      CurrentLive = Target;
      emit("live = Live::" + Out.Live[Target].Name + ";");
    }
  }

  // -- analysis
  bool checkSupported(const Stmt *Body);
  bool jumpStaysClear(const GotoStmt *GS, const Stmt *Body);
  bool specialize();
  bool lowerLambdaHead(const CXXMethodDecl &Call);
  // A structured binding kept in the frame names members of its object.
  void checkBinding(const DecompositionDecl *DD) {
    for (const BindingDecl *B : DD->bindings())
      if (!B->getBinding() || !isa<MemberExpr>(B->getBinding()->IgnoreImplicit())) {
        error(DD->getBeginLoc(), "a structured binding of an array or a tuple-like type whose scope contains a "
                                 "'co_await' is not supported by asyncc; declare a variable and use std::get or an "
                                 "index");
        return;
      }
  }
  bool checkNames(SourceRange R);
  void findFrameVars(const Stmt *S);
  bool checkEvaluationOrder(const Expr *E);
  // Reads of scalar variables that C++ evaluates before an await of the
  // same full-expression: kept in the frame, read just before that await.
  struct Hoist {
    const Expr *Read;
    QualType Type;
    const Expr *Before;  // an await or a short-circuit that awaits
  };
  std::vector<Hoist> Hoists;
  unsigned TempCount = 0;

  // -- statements
  void lowerStmt(const Stmt *S);
  void lowerCompound(const CompoundStmt *CS, bool Braces = true);
  bool hasFrameStorage(const Stmt *S);
  void lowerVar(const VarDecl *VD);
  void lowerSubStmt(const Stmt *S);
  bool needsLowering(const Stmt *S);
  void lowerReturn(const CoreturnStmt *CR);
  void lowerReferenceVar(const VarDecl *VD);
  void bindNames(const VarDecl *VD);
  void lowerArrayVar(const VarDecl *VD);
  std::string slotName(const VarDecl *VD);
  void lowerRangeFor(const CXXForRangeStmt *RF);
  bool emitCondition(const Expr *Cond, const std::string &Slot);
  void lowerLoopWithAwaitingHead(const Stmt *Loop);
  void lowerSwitch(const SwitchStmt *SW);
  void lowerTry(const CXXTryStmt *TS);
  std::vector<unsigned> CaseLive;  // live set at the case labels of each enclosing switch

  // -- expressions
  // Emits the awaits of the full-expression E and returns E's text with each
  // co_await replaced by its value. Poll results of all awaits but the last
  // are kept in the frame; KeepAll keeps the last one too.
  struct Lowered {
    std::string Text;
    std::string LastReady;  // poll-local holding the last await's Poll, if any
    std::vector<std::string> Kept;  // Polls kept in the frame across later awaits
    unsigned LiveBefore = 0;
  };
  // The end of the full-expression: its awaits' Polls die, the last first,
  // as the native awaiters do; the live set is what it was before.
  // Emits Make(E's text) as one statement after E's awaits, in a block of
  // its own when E awaits; returns false if E was refused.
  bool emitWithValue(const Expr *E, const std::function<std::string(const std::string &)> &Make) {
    bool Braces = containsAwait(E);
    if (Braces) {
      emit("{");
      ++Indent;
    }
    auto L = lowerFullExpr(E, /*KeepAll=*/false);
    if (!L)
      return false;
    emit(Make(L->Text));
    endFullExpr(*L);
    if (Braces) {
      --Indent;
      emit("}");
    }
    return true;
  }
  // The comment of a variable's slot: its declaration and where it is.
  std::string declComment(const VarDecl *VD) {
    return oneLine(originalText(VD->getSourceRange())) + "   " + File.str() + ":" +
           std::to_string(SM.getPresumedLoc(SM.getExpansionLoc(VD->getLocation())).getLine());
  }
  void endFullExpr(const Lowered &L) {
    if (!L.LastReady.empty())
      emit("asyncc::detail::discard(" + L.LastReady + ");");
    if (L.Kept.empty())
      return;
    for (auto It = L.Kept.rbegin(); It != L.Kept.rend(); ++It)
      emit("std::destroy_at(&" + *It + ");");
    CurrentLive = L.LiveBefore;
    emit("live = Live::" + Out.Live[CurrentLive].Name + ";");
  }
  std::optional<Lowered> lowerFullExpr(const Expr *E, bool KeepAll);
  // Emitted right after the resume label of the next full-expression's last
  // await (a declaration no jump may cross).
  std::string AfterLastResume;
  void collectAwaits(const Stmt *S, std::vector<const Expr *> &Awaits);
  std::optional<std::string> lowerShortCircuit(const Expr *E, const Open &GroupHome, std::vector<std::string> &Kept);
  std::string futureType(const Expr *Operand);

  const FunctionDecl &FD;
  ASTContext &Ctx;
  SourceManager &SM;
  Rewriter Scratch;
  StringRef File;
  PrintingPolicy Policy{LangOptions()};
  LoweredFunction Out;
  bool Failed = false;

  llvm::DenseSet<const VarDecl *> FrameVars;
  llvm::DenseMap<const VarDecl *, std::string> VarPath;
  llvm::DenseMap<const BindingDecl *, std::string> BindingPath;
  llvm::StringSet<> HoistedTypes;
  llvm::DenseSet<const DeclRefExpr *> Renamed;
  llvm::DenseSet<const CXXThisExpr *> RenamedThis;
  std::vector<Open> Opened;
  unsigned CurrentLive = 0;
  unsigned Indent = 0;
  unsigned BlockCount = 0;
  unsigned GroupCount = 0;
  // The live set where each enclosing break and continue leads: the entry
  // of the loop or switch they leave.
  std::vector<unsigned> BreakLive, ContinueLive;
  void enterLoop() {
    BreakLive.push_back(CurrentLive);
    ContinueLive.push_back(CurrentLive);
  }
  void leaveLoop() {
    BreakLive.pop_back();
    ContinueLive.pop_back();
  }
  // Where a try block re-dispatches a resumption inside it: C++ forbids a
  // jump into a try block, so the top dispatch jumps to the label before
  // the outermost one, and each try jumps on to the next.
  struct TryScope {
    std::string Label;  // tryN
    std::vector<std::pair<std::string, std::string>> Targets;  // state, label inside
  };
  std::vector<TryScope> Tries;
  unsigned TryCount = 0;
  unsigned SwitchCount = 0;
};

// The generated struct declares these names, and poll's body sees them:
// a body or parameter that uses one would silently mean ours instead.
bool isGeneratedName(StringRef Name) {
  static const char *const Fixed[] = {"cx", "live", "finish", "drop", "live_at", "state_", "self", "resuming",
                                      "Finish", "Live", "State", "Output"};
  for (const char *F : Fixed)
    if (Name == F)
      return true;
  for (StringRef Prefix : {"b", "s", "e", "ready", "await", "resume", "try", "tmp"})
    if (Name.starts_with(Prefix) && Name.size() > Prefix.size() &&
        llvm::all_of(Name.drop_front(Prefix.size()), llvm::isDigit))
      return true;
  return false;
}

bool Lowerer::checkNames(SourceRange R) {
  const LangOptions &LO = Ctx.getLangOpts();
  CharSourceRange CR = CharSourceRange::getTokenRange(SM.getExpansionRange(R).getAsRange());
  StringRef Text = Lexer::getSourceText(CR, SM, LO);
  SourceLocation Begin = CR.getBegin();
  Lexer Lex(Begin, LO, Text.begin(), Text.begin(), Text.end());
  Token Tok;
  while (!Lex.LexFromRawLexer(Tok)) {
    if (Tok.is(tok::raw_identifier) && isGeneratedName(Tok.getRawIdentifier())) {
      error(Tok.getLocation(), ("'" + Tok.getRawIdentifier() +
                                "' is a name asyncc's generated code declares; rename it in this "
                                "async function")
                                   .str());
      return false;
    }
  }
  if (Tok.is(tok::raw_identifier) && isGeneratedName(Tok.getRawIdentifier())) {
    error(Tok.getLocation(), ("'" + Tok.getRawIdentifier() +
                              "' is a name asyncc's generated code declares; rename it in this async function")
                                 .str());
    return false;
  }
  return true;
}

// Whether the statements a goto jumps over (from the label to the goto, in
// the innermost block holding both) put nothing in the frame: then the jump
// neither crosses a suspension point nor leaves a frame variable's scope.
bool Lowerer::jumpStaysClear(const GotoStmt *GS, const Stmt *Body) {
  const LabelStmt *Label = GS->getLabel()->getStmt();
  if (!Label)
    return false;
  ParentMap PM(const_cast<Stmt *>(Body));
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

bool Lowerer::checkSupported(const Stmt *Body) {
  forEachStmt(Body, [&](const Stmt *S) {
    if (isa<CoyieldExpr>(S))
      error(S->getBeginLoc(), "'co_yield' is not supported in an ASYNC function: an async function "
                              "completes once; use a channel or a stream to produce several values");
    else if (isa<IndirectGotoStmt>(S))
      error(S->getBeginLoc(), "a computed 'goto' is not supported in an ASYNC function");
    else if (const auto *GS = dyn_cast<GotoStmt>(S); GS && !jumpStaysClear(GS, Body))
      error(S->getBeginLoc(), "this 'goto' jumps across a 'co_await' or a variable stored in the async frame, "
                              "which asyncc does not support; use a loop with 'break' or 'continue'");
    else if (const auto *SW = dyn_cast<SwitchStmt>(S); SW && containsAwait(SW->getConditionVariableDeclStmt()))
      error(SW->getBeginLoc(), "a condition variable initialized by 'co_await' is not supported by asyncc; "
                               "declare the variable in the switch's init-statement: switch (auto v = ...; v)");
    else if (const auto *SW = dyn_cast<SwitchStmt>(S); SW && (containsAwait(SW->getBody()) || contains<CoreturnStmt>(SW->getBody())) &&
                                                     !casesAreDirect(SW))
      error(SW->getBeginLoc(), "a 'case' label nested inside another statement of the switch (as in Duff's "
                               "device) is not supported with 'co_await' or 'co_return' in the switch; put "
                               "every label directly in the switch's block");
    else if (const auto *IS = dyn_cast<IfStmt>(S); IS && containsAwait(IS->getConditionVariableDeclStmt()))
      error(IS->getBeginLoc(), "a condition variable initialized by 'co_await' is not supported by asyncc "
                               "v1; declare the variable before the 'if'");
    else if (const auto *WS = dyn_cast<WhileStmt>(S); WS && containsAwait(WS->getConditionVariableDeclStmt()))
      error(WS->getBeginLoc(), "a condition variable initialized by 'co_await' is not supported by asyncc "
                               "v1; write 'while (true)', declare the variable, then 'if (!x) break;'");
    else if (const auto *FS = dyn_cast<ForStmt>(S); FS && containsAwait(FS->getConditionVariableDeclStmt()))
      error(FS->getBeginLoc(), "a condition variable initialized by 'co_await' is not supported by asyncc v1");
    else if (const auto *RF = dyn_cast<CXXForRangeStmt>(S); RF && containsAwait(RF->getRangeInit()))
      error(RF->getBeginLoc(), "'co_await' in the range of a range-based 'for' is not supported by "
                               "asyncc v1; await the range into a local variable first");
    else if (const auto *BCO = dyn_cast<BinaryConditionalOperator>(S); BCO && containsAwait(BCO))
      error(BCO->getBeginLoc(), "'co_await' under the GNU 'a ?: b' operator is not supported; write "
                                "'a ? a : b' with 'a' in a local");
    else if (isa<StmtExpr>(S) && containsAwait(S))
      error(S->getBeginLoc(), "'co_await' inside a statement expression is not supported");
    else if (const auto *DS = dyn_cast<DeclStmt>(S); DS && !DS->isSingleDecl() && containsAwait(DS))
      error(DS->getBeginLoc(), "a declaration of several variables with a 'co_await' is not supported "
                               "by asyncc v1; declare one variable per statement");
    else if (const auto *DS = dyn_cast<DeclStmt>(S); DS && isa<DecompositionDecl>(DS->getSingleDecl()) &&
                                                     FrameVars.count(cast<VarDecl>(DS->getSingleDecl())))
      checkBinding(cast<DecompositionDecl>(DS->getSingleDecl()));
    else if (const auto *LE = dyn_cast<LambdaExpr>(S); LE && llvm::any_of(LE->captures(), [&](const LambdaCapture &C) {
               const auto *V = C.capturesVariable() ? dyn_cast<VarDecl>(C.getCapturedVar()) : nullptr;
               return V && FrameVars.count(V);
             }))
      error(LE->getBeginLoc(), "a lambda that captures a variable stored in the async frame is not supported "
                               "by asyncc v1; pass the variable to the lambda as an argument");
    else if (const auto *CA = dyn_cast<CoawaitExpr>(S); CA && CA->getBeginLoc().isMacroID())
      error(CA->getBeginLoc(), "'co_await' inside a macro expansion is not supported; expand the macro "
                               "by hand");
  });
  return !Failed;
}

// A variable is stored in the frame when its scope, from its declaration to
// the end of its block, contains a suspension point.
// A variable is stored in the frame when its scope, from its declaration to
// the end of its block, contains a suspension point. So is one with a
// destructor whose scope contains a co_return: the frame is destroyed after
// the locals of poll, and it must go in the reverse order of construction.
void Lowerer::findFrameVars(const Stmt *S) {
  if (!S)
    return;
  auto markDeclaredIn = [&](const Stmt *Decls, bool Await, bool Return) {
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(Decls))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasLocalStorage())
          if (Await || (Return && VD->getType().isDestructedType() != QualType::DK_none))
            FrameVars.insert(VD);
  };
  auto scopeHas = [&](const Stmt *X, bool &Await, bool &Return) {
    Await |= containsAwait(X);
    Return |= contains<CoreturnStmt>(X);
  };
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    const Stmt *const *Begin = CS->body_begin();
    for (unsigned I = 0, N = CS->size(); I != N; ++I) {
      bool Await = false, Return = false;
      for (unsigned J = I + 1; J != N; ++J)
        scopeHas(Begin[J], Await, Return);
      markDeclaredIn(Begin[I], Await, Return);
      // A declaration initialized by a co_await resumes inside its own
      // initializer: the variable is constructed after the resume point, and
      // stays a plain local only when nothing later suspends.
    }
  } else if (const auto *FS = dyn_cast<ForStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(FS->getCond(), Await, Return);
    scopeHas(FS->getInc(), Await, Return);
    scopeHas(FS->getBody(), Await, Return);
    markDeclaredIn(FS->getInit(), Await, Return);
  } else if (const auto *SW = dyn_cast<SwitchStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(SW->getCond(), Await, Return);
    scopeHas(SW->getBody(), Await, Return);
    markDeclaredIn(SW->getInit(), Await, Return);
  } else if (const auto *IS = dyn_cast<IfStmt>(S)) {
    bool Await = false, Return = false;
    scopeHas(IS->getCond(), Await, Return);
    scopeHas(IS->getThen(), Await, Return);
    scopeHas(IS->getElse(), Await, Return);
    markDeclaredIn(IS->getInit(), Await, Return);
  }
  if (isa<LambdaExpr>(S))
    return;
  for (const Stmt *Child : S->children())
    findFrameVars(Child);
}

// Everything that C++ evaluates before an await of the same full-expression
// must stay the same across the suspension: asyncc evaluates it after.
// Literals, names bound to references, and function names qualify; anything
// else (a call, a read of a variable's value, a temporary) is refused.
bool Lowerer::checkEvaluationOrder(const Expr *E) {
  // Every node in the order Clang completes it: operands left to right,
  // except that the right side of an assignment comes first (C++17); an
  // await is one node (its operand is evaluated when it starts).
  std::vector<const Stmt *> Done;
  std::function<void(const Stmt *)> visit = [&](const Stmt *S) {
    if (!S)
      return;
    if (!isSuspending(S))
      for (const Stmt *C : inEvaluationOrder(S))
        visit(C);
    Done.push_back(S);
  };
  visit(E);
  size_t LastAwait = 0;
  for (size_t I = 0; I != Done.size(); ++I)
    if (isSuspending(Done[I]))
      LastAwait = I;
  for (size_t I = 0; I < LastAwait; ++I) {
    const Stmt *S = Done[I];
    bool Stable = isSuspending(S) || isa<IntegerLiteral>(S) || isa<StringLiteral>(S) ||
                  isa<FloatingLiteral>(S) || isa<CharacterLiteral>(S) || isa<CXXBoolLiteralExpr>(S) ||
                  isa<CXXNullPtrLiteralExpr>(S) || isa<CXXThisExpr>(S) || isa<ParenExpr>(S) ||
                  isa<DeclRefExpr>(S) || isa<MemberExpr>(S);
    // The value of an earlier await is taken where the whole expression is
    // evaluated, after the last await: conversions of it are fine, and so
    // is materializing it, unless its type could tell (a user's class with
    // its own copy, move or destructor).
    auto observable = [](QualType T) {
      const auto *RD = T->getAsCXXRecordDecl();
      return RD && !RD->isInStdNamespace() &&
             (RD->hasUserDeclaredCopyConstructor() || RD->hasUserDeclaredMoveConstructor() ||
              RD->hasUserDeclaredDestructor());
    };
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(S)) {
      const Expr *Sub = Cast->getSubExpr()->IgnoreParens();
      bool ReadsVariable = Cast->getCastKind() == CK_LValueToRValue && (isa<DeclRefExpr>(Sub) || isa<MemberExpr>(Sub));
      Stable = !ReadsVariable && Cast->getCastKind() != CK_UserDefinedConversion &&
               Cast->getCastKind() != CK_ConstructorConversion;
      // A variable's scalar value read before an await is read into the
      // frame just before that await starts, as C++ would read it.
      const auto *Member = dyn_cast<MemberExpr>(Sub);
      bool OwnMember = Member && isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts());
      if (ReadsVariable && (isa<DeclRefExpr>(Sub) || OwnMember) && Cast->getType()->isScalarType() &&
          !Cast->getType().isVolatileQualified()) {
        size_t Next = I + 1;
        while (Next < Done.size() && !isSuspending(Done[Next]))
          ++Next;
        Hoists.push_back({Sub, Cast->getType(), cast<Expr>(Done[Next])});
        Stable = true;
      }
    }
    // Built-in arithmetic on values that are stable or read into the frame
    // computes the same whenever it runs.
    if (const auto *BO = dyn_cast<BinaryOperator>(S))
      Stable = !BO->isAssignmentOp() && !BO->isCommaOp() && BO->getType()->isScalarType();
    if (const auto *UO = dyn_cast<UnaryOperator>(S))
      Stable = (UO->getOpcode() == UO_Minus || UO->getOpcode() == UO_Plus || UO->getOpcode() == UO_LNot ||
                UO->getOpcode() == UO_Not) &&
               UO->getType()->isScalarType();
    if (isa<MaterializeTemporaryExpr>(S) || isa<CXXBindTemporaryExpr>(S))
      Stable = containsAwait(S) && !observable(cast<Expr>(S)->getType());
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      Stable = !ME->isArrow() || isa<CXXThisExpr>(ME->getBase()->IgnoreImplicit());
    if (Stable)
      continue;
    const auto *X = dyn_cast<Expr>(S);
    error(X ? X->getExprLoc() : S->getBeginLoc(),
          "this is evaluated before a 'co_await' of the same expression, and asyncc cannot keep its "
          "value across the suspension; compute it into a local variable in a statement of its own");
    return false;
  }
  return true;
}

void Lowerer::collectAwaits(const Stmt *S, std::vector<const Expr *> &Awaits) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (isShortCircuit(S)) {
    Awaits.push_back(cast<Expr>(S));
    return;
  }
  if (const auto *CA = dyn_cast<CoawaitExpr>(S)) {
    collectAwaits(CA->getOperand(), Awaits);  // inner awaits first
    Awaits.push_back(CA);
    return;
  }
  for (const Stmt *C : inEvaluationOrder(S))
    collectAwaits(C, Awaits);
}

// The type of the sub-future an operand makes. A call of another ASYNC
// function returns Async<T> before transformation and its struct after.
std::string Lowerer::futureType(const Expr *Operand) {
  const Expr *E = strip(Operand);
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (isAsyncFunction(Callee)) {
      if (Callee->getCanonicalDecl() == FD.getCanonicalDecl()) {
        // The fix: the recursive future goes to the heap, behind a pointer.
        SourceRange R = SM.getExpansionRange(Operand->getSourceRange()).getAsRange();
        SourceLocation End = Lexer::getLocForEndOfToken(R.getEnd(), 0, SM, Ctx.getLangOpts());
        auto &Diags = Ctx.getDiagnostics();
        unsigned ID = Diags.getCustomDiagID(
            DiagnosticsEngine::Error, "an async function cannot await itself directly: its future would contain "
                                      "itself and have infinite size; await asyncc::boxed(...) of the call, "
                                      "which keeps it on the heap");
        Diags.Report(R.getBegin(), ID) << FixItHint::CreateInsertion(R.getBegin(), "asyncc::boxed(")
                                       << FixItHint::CreateInsertion(End, ")");
        Failed = true;
        return "";
      }
      // Defined earlier, here or in an included header (which asyncc
      // transforms too): its struct is then complete where it is stored.
      const FunctionDecl *Def = Callee->getDefinition();
      if (!Def || SM.isBeforeInTranslationUnit(FD.getLocation(), Def->getLocation())) {
        error(Operand->getBeginLoc(), "asyncc needs the definition of the awaited async function '" +
                                          Callee->getNameAsString() +
                                          "' before this function, in this file or in a header it includes; move it "
                                          "above this function (for mutual recursion, await asyncc::boxed(...) of "
                                          "the call)");
        return "";
      }
      std::string Qualified = Callee->getQualifiedNameAsString();
      std::string Name = Qualified.substr(0, Qualified.size() - Callee->getNameAsString().size()) + futureNameOf(Callee);
      if (const auto *Method = dyn_cast<CXXMethodDecl>(Callee))
        Name = typeName(Ctx.getRecordType(Method->getParent())) + "::" + futureNameOf(Callee);
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
  Hoists.clear();
  if (!checkEvaluationOrder(E))
    return std::nullopt;
  unsigned LiveAtStart = CurrentLive;

  // Several awaits, results kept to the end or values read before an await:
  // a struct holds them beside a union of the sub-futures.
  bool Group = Awaits.size() > 1 || KeepAll || !Hoists.empty() || llvm::any_of(Awaits, isShortCircuit);
  Open GroupHome;
  if (Group) {
    openStruct("e" + std::to_string(++GroupCount));
    GroupHome = Opened.back();
    openAlternatives();
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
      std::string Temp = addSlotTo(GroupHome, "tmp" + std::to_string(++TempCount),
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
    const auto *CA = cast<CoawaitExpr>(Awaits[I]);
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
    // Temporaries of the operand die with the statement that makes the
    // future, not when the await ends as with native co_await.
    bool TemporaryOk = true;
    std::function<void(const Stmt *)> checkTemporaries = [&](const Stmt *X) {
      if (!X || isa<CoawaitExpr>(X) || isa<LambdaExpr>(X) || !TemporaryOk)
        return;  // a nested await's own temporaries are its business
      // asyncc::boxed moves its argument to the heap at once: what is left
      // of the temporary is a moved-from shell.
      if (const auto *Call = dyn_cast<CallExpr>(X);
          Call && Call->getDirectCallee() && Call->getDirectCallee()->getQualifiedNameAsString() == "asyncc::boxed")
        return;
      if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(X);
          MTE && MTE->getStorageDuration() == SD_FullExpression) {
        error(MTE->getExprLoc(), "a temporary bound to a reference here must live until the await ends, "
                                 "which asyncc v1 cannot do; store it in a local variable first and pass that");
        TemporaryOk = false;
        return;
      }
      if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(X)) {
        const CXXDestructorDecl *D = BT->getTemporary()->getDestructor();
        if (D && D->isUserProvided() && !D->getParent()->isInStdNamespace()) {
          error(BT->getExprLoc(), "this temporary's destructor would run before the await ends instead of "
                                  "after it; store it in a local variable first and pass that");
          TemporaryOk = false;
          return;
        }
      }
      for (const Stmt *C : X->children())
        checkTemporaries(C);
    };
    checkTemporaries(Stripped);
    if (!TemporaryOk)
      return std::nullopt;
    std::string FutureType = Borrowed ? typeName(Stripped->getType().getUnqualifiedType()) : futureType(Operand);
    if (Failed)
      return std::nullopt;
    renameIn(Operand);
    std::string OperandText = text(Operand->getSourceRange());
    std::string FuturePath;
    unsigned LiveBefore = CurrentLive;
    emit("// " + Flat + "   " + File.str() + ":" + std::to_string(PL.getLine()));
    if (Borrowed) {
      FuturePath = "(" + OperandText + ")";
    } else {
      FuturePath = addSlot("await" + N, FutureType, Flat);
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
    emit("state_ = State::Await" + N + ";");
    --Indent;
    emit("resume" + N + ":");
    ++Indent;
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
      Ready = addSlotTo(GroupHome, "ready" + N, ReadyType, "value of " + Flat);
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
  }
  if (Group) {
    close();  // the futures' union
    close();  // the group struct
  }
  renameIn(E);
  return Lowered{text(E->getSourceRange()), LastReady, KeptReady, LiveAtStart};
}

// `a && b`, `a || b` or `c ? x : y` with awaits where C++ may skip them:
// an if/else of their own full-expressions, whose value goes to a slot of
// the group (GroupHome). Returns the expression that reads the value.
std::optional<std::string> Lowerer::lowerShortCircuit(const Expr *E, const Open &GroupHome,
                                                      std::vector<std::string> &Kept) {
  std::string Flat = oneLine(originalText(E->getSourceRange()));
  std::string N = std::to_string(++TempCount);
  emit("// " + Flat);
  auto toBool = [](const std::string &Slot) {
    return [Slot](const std::string &Value) { return Slot + " = static_cast<bool>(" + Value + ");"; };
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    std::string Slot = addSlotTo(GroupHome, "tmp" + N, "bool", "value of " + Flat);
    if (!emitWithValue(BO->getLHS(), toBool(Slot)))
      return std::nullopt;
    emit(std::string("if (") + (BO->getOpcode() == BO_LAnd ? "" : "!") + Slot + ")");
    emit("{");
    ++Indent;
    if (!emitWithValue(BO->getRHS(), toBool(Slot)))
      return std::nullopt;
    --Indent;
    emit("}");
    return Slot;
  }
  const auto *CO = cast<ConditionalOperator>(E);
  QualType T = E->getType();
  if (!spellable(T, E->getBeginLoc(), "the value of this '?:'"))
    return std::nullopt;
  std::string Cond = addSlotTo(GroupHome, "tmp" + N + "_cond", "bool", "condition of " + Flat);
  if (!emitWithValue(CO->getCond(), toBool(Cond)))
    return std::nullopt;
  // A glvalue is kept as a pointer; a prvalue is made in the slot.
  bool Glvalue = E->isGLValue();
  bool Object = !Glvalue && T->isRecordType();
  std::string Type = typeName(T.getUnqualifiedType());
  std::string Slot = addSlotTo(GroupHome, "tmp" + N, Glvalue ? typeName(T) + "*" : Type, "value of " + Flat);
  auto make = [&](const std::string &Value) {
    if (Glvalue)
      return Slot + " = std::addressof(" + Value + ");";
    if (Object)
      return "::new (static_cast<void*>(&" + Slot + ")) " + Type + "(" + Value + ");";
    return Slot + " = " + Value + ";";
  };
  emit("if (" + Cond + ")");
  emit("{");
  ++Indent;
  if (!emitWithValue(CO->getTrueExpr(), make))
    return std::nullopt;
  --Indent;
  emit("}");
  emit("else");
  emit("{");
  ++Indent;
  if (!emitWithValue(CO->getFalseExpr(), make))
    return std::nullopt;
  --Indent;
  emit("}");
  if (Glvalue)
    return "(*" + Slot + ")";
  if (!Object)
    return Slot;
  // Alive until the end of the full-expression, as the temporary would be.
  construct(Slot, T);
  Kept.push_back(Slot);
  return "std::move(" + Slot + ")";
}

// Anything that needs more than its own text: awaits, co_return, frame
// variables, and jumps out of a scope that holds frame variables.
bool Lowerer::needsLowering(const Stmt *S) {
  bool Needs = hasFrameStorage(S) || contains<CoreturnStmt>(S);
  if (Needs)
    return true;
  // A break or continue of an enclosing loop or switch must destroy what
  // this scope built since that statement began.
  bool Breaks = !BreakLive.empty() && BreakLive.back() != CurrentLive;
  bool Continues = !ContinueLive.empty() && ContinueLive.back() != CurrentLive;
  std::function<bool(const Stmt *, bool, bool)> escapes = [&](const Stmt *X, bool B, bool C) -> bool {
    if (!X || isa<LambdaExpr>(X))
      return false;
    if (isa<BreakStmt>(X))
      return B;
    if (isa<ContinueStmt>(X))
      return C;
    if (isa<ForStmt>(X) || isa<WhileStmt>(X) || isa<DoStmt>(X) || isa<CXXForRangeStmt>(X))
      return false;  // jumps inside belong to the nested loop
    if (isa<SwitchStmt>(X))
      B = false;  // a switch takes the breaks
    return llvm::any_of(X->children(), [&](const Stmt *Child) { return escapes(Child, B, C); });
  };
  return (Breaks || Continues) && escapes(S, Breaks, Continues);
}

void Lowerer::lowerSubStmt(const Stmt *S) {
  if (isa<CompoundStmt>(S)) {
    lowerStmt(S);
    return;
  }
  emit("{");
  ++Indent;
  lowerStmt(S);
  --Indent;
  emit("}");
}

// Whether S puts anything in the frame: an await or a frame variable.
bool Lowerer::hasFrameStorage(const Stmt *S) {
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

void Lowerer::lowerCompound(const CompoundStmt *CS, bool Braces) {
  // The function's own block is the future itself: its members are direct.
  bool Body = Opened.size() == 1 && VarHomes.empty();
  bool HasFrame = !Body && hasFrameStorage(CS);
  if (Body) {
    VarHomes.push_back(Opened.back());
    openAlternatives();
  }
  unsigned LiveAtEntry = CurrentLive;
  if (Braces)
    emit("{");
  ++Indent;
  // The block's variables are members of its struct; its awaits and nested
  // blocks, which never coexist, share one union beside them.
  if (HasFrame) {
    openStruct("b" + std::to_string(BlockCount++));
    VarHomes.push_back(Opened.back());
    openAlternatives();
  }
  for (const Stmt *Child : CS->body()) {
    lowerStmt(Child);
    if (Failed)
      return;
  }
  // After a co_return, break or continue, the end of the block is not reached.
  const Stmt *Last = CS->body_empty() ? nullptr : CS->body_back();
  if (Last && (isa<CoreturnStmt>(Last) || isa<BreakStmt>(Last) || isa<ContinueStmt>(Last)))
    CurrentLive = LiveAtEntry;
  else
    destroyDownTo(LiveAtEntry);
  if (HasFrame || Body) {
    close();
    VarHomes.pop_back();
  }
  if (HasFrame)
    close();
  --Indent;
  if (Braces)
    emit("}");
}

void Lowerer::lowerVar(const VarDecl *VD) {
  QualType T = VD->getType();
  if (!FrameVars.count(VD)) {
    // A plain local; its initializer may still await (nothing later in its
    // block suspends, so it is declared after the resume point).
    const Expr *Init = VD->getInit();
    if (Init && containsAwait(Init)) {
      if (!spellable(T, VD->getLocation(), "this variable"))
        return;
      auto L = lowerFullExpr(Init, /*KeepAll=*/false);
      if (!L)
        return;
      std::string Decl = originalText(SourceRange(VD->getBeginLoc(), VD->getLocation()));
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
    return;
  }
  if (!spellable(T, VD->getLocation(), "this variable"))
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
  if (const auto *TSD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(T->getAsCXXRecordDecl());
      TSD && TSD->getQualifiedNameAsString() == "asyncc::Async") {
    const auto *Call = VD->getInit() ? dyn_cast<CallExpr>(strip(VD->getInit())) : nullptr;
    if (!Call || !isAsyncFunction(Call->getDirectCallee())) {
      error(VD->getLocation(), "asyncc v1 can keep an Async<T> in the frame only when it is initialized by "
                               "a call of an ASYNC function of this file");
      return;
    }
    Type = futureType(VD->getInit());
    if (Failed)
      return;
  }
  std::string Path = addSlotTo(VarHomes.back(), slotName(VD), Type, declComment(VD));
  std::string Placement = "::new (static_cast<void*>(&" + Path + ")) " + Type;
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
        auto L = lowerFullExpr(Arg, false);
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
      emit(Placement + (ListArgument ? Args : Braced ? "{" + Args + "}" : "(" + Args + ")") + ";");
      for (auto It = Ends.rbegin(); It != Ends.rend(); ++It)
        endFullExpr(*It);
    } else {
      bool SameType = Ctx.hasSameUnqualifiedType(strip(Init)->getType(), T) || T->isScalarType();
      bool Ok = emitWithValue(Source, [&](const std::string &Value) {
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
    error(VD->getLocation(), "asyncc stores an array in the frame only when its size is a constant and it is "
                             "initialized by braces or not at all; use std::array");
    return;
  }
  std::string Type = "asyncc::detail::type_t<" + typeName(T.getUnqualifiedType()) + ">";
  std::string Path = addSlotTo(VarHomes.back(), slotName(VD), Type, declComment(VD));
  std::string Placement = "::new (static_cast<void*>(&" + Path + ")) " + Type;
  if (Init && isa<InitListExpr>(Init)) {
    if (!emitWithValue(Init, [&](const std::string &Value) { return Placement + Value + ";"; }))
      return;
  } else {
    emit(Placement + ";");
  }
  VarPath[VD] = Path;
  if (T.isDestructedType() != QualType::DK_none)
    construct(Path, "std::destroy(std::begin(" + Path + "), std::end(" + Path + "));");
}

// A structured binding in the frame: the object it decomposes is the slot,
// and each name is a member (or element) of it.
void Lowerer::bindNames(const VarDecl *VD) {
  const auto *DD = dyn_cast<DecompositionDecl>(VD);
  if (!DD)
    return;
  for (const BindingDecl *B : DD->bindings()) {
    const Expr *E = B->getBinding() ? B->getBinding()->IgnoreImplicit() : nullptr;
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(E))
      BindingPath[B] = VarPath[VD] + "." + ME->getMemberDecl()->getNameAsString();
  }
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
// through the pointer.
void Lowerer::lowerReferenceVar(const VarDecl *VD) {
  const Expr *Init = VD->getInit();
  const Expr *Bound = Init ? Init->IgnoreParens() : nullptr;
  if (const auto *Cleanups = dyn_cast_or_null<ExprWithCleanups>(Bound))
    Bound = Cleanups->getSubExpr()->IgnoreParens();
  if (!Bound || isa<MaterializeTemporaryExpr>(Bound)) {
    error(VD->getLocation(), "a reference bound to a temporary, whose scope contains a 'co_await', is not "
                             "supported by asyncc v1; declare the variable by value");
    return;
  }
  QualType Pointee = VD->getType().getNonReferenceType();
  std::string Type = typeName(Pointee) + "*";
  std::string Path = addSlotTo(VarHomes.back(), slotName(VD), Type, declComment(VD));
  if (!emitWithValue(Init, [&](const std::string &Value) { return Path + " = std::addressof(" + Value + ");"; }))
    return;
  VarPath[VD] = "(*" + Path + ")";
  bindNames(VD);
}

// for (decl : range) body, with awaits in the body: the range (or a pointer
// to it), the iterators and the loop variable live in the frame.
void Lowerer::lowerRangeFor(const CXXForRangeStmt *RF) {
  unsigned LiveAtEntry = CurrentLive;
  emit("{");
  ++Indent;
  emit("// " + oneLine(originalText(SourceRange(RF->getBeginLoc(), RF->getRParenLoc()))));
  openStruct("s" + std::to_string(BlockCount++));
  VarHomes.push_back(Opened.back());
  if (RF->getInit())
    lowerStmt(RF->getInit());
  const Expr *RangeInit = RF->getRangeInit();
  const auto *RangeVar = cast<VarDecl>(RF->getRangeStmt()->getSingleDecl());
  const auto *BeginVar = cast<VarDecl>(RF->getBeginStmt()->getSingleDecl());
  const auto *EndVar = cast<VarDecl>(RF->getEndStmt()->getSingleDecl());
  std::string Range;
  {
    bool Braces = containsAwait(RangeInit);
    if (Braces) {
      emit("{");
      ++Indent;
    }
    auto L = lowerFullExpr(RangeInit, false);
    if (!L)
      return;
    if (strip(RangeInit)->isLValue()) {
      QualType T = RangeVar->getType().getNonReferenceType();
      std::string Path = addSlot("range", typeName(T) + "*", "the range");
      emit(Path + " = std::addressof(" + L->Text + ");");
      endFullExpr(*L);
      Range = "(*" + Path + ")";
    } else {
      QualType T = strip(RangeInit)->getType().getUnqualifiedType();
      if (!spellable(T, RangeInit->getBeginLoc(), "the range"))
        return;
      std::string Path = addSlot("range", typeName(T), "the range");
      emit("::new (static_cast<void*>(&" + Path + ")) " + typeName(T) + "(" + L->Text + ");");
      endFullExpr(*L);
      construct(Path, T);
      Range = Path;
    }
    if (Braces) {
      --Indent;
      emit("}");
    }
  }
  // begin and end as the range-based for finds them: members, else ADL.
  auto call = [&](const VarDecl *V, StringRef Name) {
    const Expr *E = strip(V->getInit());
    if (isa<CXXMemberCallExpr>(E))
      return Range + "." + Name.str() + "()";
    if (strip(RangeInit)->getType()->isArrayType())
      return Name == "begin" ? Range + " + 0" : Range + " + " + std::to_string(cast<ConstantArrayType>(
                                                   Ctx.getAsArrayType(strip(RangeInit)->getType()))->getSize().getZExtValue());
    return Name.str() + "(" + Range + ")";
  };
  std::string Begin = addSlot("begin", typeName(BeginVar->getType()), "the iterator");
  emit("::new (static_cast<void*>(&" + Begin + ")) " + typeName(BeginVar->getType()) + "(" + call(BeginVar, "begin") + ");");
  construct(Begin, BeginVar->getType());
  std::string End = addSlot("end", typeName(EndVar->getType()), "the end");
  emit("::new (static_cast<void*>(&" + End + ")) " + typeName(EndVar->getType()) + "(" + call(EndVar, "end") + ");");
  construct(End, EndVar->getType());
  openAlternatives();
  emit("for (; " + Begin + " != " + End + "; ++" + Begin + ")");
  emit("{");
  ++Indent;
  enterLoop();
  openStruct("b" + std::to_string(BlockCount++));
  const VarDecl *LoopVar = RF->getLoopVariable();
  QualType T = LoopVar->getType();
  if (!spellable(T, LoopVar->getLocation(), "the loop variable"))
    return;
  std::string VarComment = oneLine(originalText(LoopVar->getSourceRange()));
  if (T->isReferenceType()) {
    std::string Path = addSlot(LoopVar->getNameAsString(), typeName(T.getNonReferenceType()) + "*", VarComment);
    emit(Path + " = std::addressof(*" + Begin + ");");
    VarPath[LoopVar] = "(*" + Path + ")";
  } else {
    std::string Type = typeName(T.getUnqualifiedType());
    std::string Path = addSlot(LoopVar->getNameAsString(), Type, VarComment);
    emit("::new (static_cast<void*>(&" + Path + ")) " + Type + "(*" + Begin + ");");
    VarPath[LoopVar] = Path;
    construct(Path, T);
  }
  openAlternatives();
  lowerStmt(RF->getBody());
  close();
  destroyDownTo(ContinueLive.back());
  leaveLoop();
  close();
  --Indent;
  emit("}");
  close();
  close();
  VarHomes.pop_back();
  destroyDownTo(LiveAtEntry);
  --Indent;
  emit("}");
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
  emit("{");
  ++Indent;
  auto flat = [&](const Stmt *X) { return X ? oneLine(originalText(X->getSourceRange())) : std::string(); };
  if (While)
    emit("// while (" + flat(Cond) + ")");
  else if (Do)
    emit("// do ... while (" + flat(Cond) + ")");
  else
    emit("// for (" + flat(For->getInit()) + " " + flat(Cond) + "; " + flat(Inc) + ")");
  openStruct("s" + std::to_string(BlockCount++));
  VarHomes.push_back(Opened.back());
  if (For && For->getInit())
    lowerStmt(For->getInit());
  std::string First = (Do || For) ? addSlot("first", "bool", "the first iteration") : "";
  std::string CondSlot = Cond ? addSlot("cond", "bool", "the loop condition") : "";
  openAlternatives();
  if (!First.empty())
    emit(First + " = true;");
  emit("for (;;)");
  emit("{");
  ++Indent;
  enterLoop();
  auto test = [&]() {
    if (!Cond)
      return true;
    if (containsAwait(Cond)) {
      if (!emitCondition(Cond, CondSlot))
        return false;
      emit("if (!" + CondSlot + ")");
    } else {
      renameIn(Cond);
      emit("if (!(" + text(Cond->getSourceRange()) + "))");
    }
    emit("  break;");
    return true;
  };
  if (Do) {
    emit("if (!" + First + ")");
    emit("{");
    ++Indent;
    if (!test())
      return;
    --Indent;
    emit("}");
    emit(First + " = false;");
  } else if (For) {
    if (Inc) {
      emit("if (!" + First + ")");
      emit("{");
      ++Indent;
      if (containsAwait(Inc)) {
        lowerStmt(Inc);
      } else {
        renameIn(Inc);
        emit(text(Inc->getSourceRange()) + ";");
      }
      --Indent;
      emit("}");
    }
    emit(First + " = false;");
    if (!test())
      return;
  } else if (!test()) {
    return;
  }
  lowerSubStmt(Body);
  leaveLoop();
  --Indent;
  emit("}");
  close();
  close();
  VarHomes.pop_back();
  destroyDownTo(LiveAtEntry);
  --Indent;
  emit("}");
}

// A switch: its condition, if it awaits, is evaluated into the frame first;
// the resumption of an await in a case jumps into the body directly.
void Lowerer::lowerSwitch(const SwitchStmt *SW) {
  unsigned LiveAtEntry = CurrentLive;
  const Expr *Cond = SW->getCond();
  bool CondAwaits = containsAwait(Cond);
  bool Storage = CondAwaits || (SW->getInit() && hasFrameStorage(SW->getInit()));
  emit("{");
  ++Indent;
  if (Storage) {
    openStruct("s" + std::to_string(BlockCount++));
    VarHomes.push_back(Opened.back());
  }
  if (SW->getInit())
    lowerStmt(SW->getInit());
  std::string Head;
  if (CondAwaits) {
    std::string Slot = addSlot("cond", typeName(Cond->getType().getUnqualifiedType()),
                               "switch (" + oneLine(originalText(Cond->getSourceRange())) + ")");
    openAlternatives();
    if (!emitWithValue(Cond, [&](const std::string &Value) { return Slot + " = " + Value + ";"; }))
      return;
    Head = Slot;
  } else {
    if (Storage)
      openAlternatives();
    renameIn(Cond);
    Head = SW->getConditionVariableDeclStmt() ? stmtText(SW->getConditionVariableDeclStmt())
                                              : text(Cond->getSourceRange());
    if (StringRef(Head).ends_with(";"))
      Head.pop_back();
  }
  emit("switch (" + Head + ")");
  BreakLive.push_back(CurrentLive);
  CaseLive.push_back(CurrentLive);
  lowerSubStmt(SW->getBody());
  CaseLive.pop_back();
  BreakLive.pop_back();
  if (Storage) {
    close();
    close();
    VarHomes.pop_back();
  }
  destroyDownTo(LiveAtEntry);
  --Indent;
  emit("}");
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
    Label = "try" + std::to_string(++TryCount);
    Tries.push_back({Label, {}});
    Out.ResumesInsideTry = true;
    --Indent;
    emit(Label + ":");
    ++Indent;
  }
  emit("try");
  size_t Brace = Out.PollBody.size();  // the try block's '{'
  lowerCompound(TS->getTryBlock());
  if (Failed)
    return;
  if (Dispatch) {
    TryScope Scope = std::move(Tries.back());
    Tries.pop_back();
    std::string Pad((Indent + 1) * 2, ' ');
    std::vector<std::string> Lines{Pad + "switch (resuming)", Pad + "{"};
    for (const auto &[State, Target] : Scope.Targets)
      Lines.push_back(Pad + "case State::" + State + ":" +
                      (StringRef(Target).starts_with("resume") ? " resuming = State::Start;" : "") + " goto " +
                      Target + ";");
    Lines.push_back(Pad + "default: break;");
    Lines.push_back(Pad + "}");
    Out.PollBody.insert(Out.PollBody.begin() + Brace + 1, Lines.begin(), Lines.end());
    Out.PollBodySourceLines.insert(Out.PollBodySourceLines.begin() + Brace + 1, Lines.size(), 0);
    if (!Tries.empty())
      for (const auto &Target : Scope.Targets)
        Tries.back().Targets.push_back({Target.first, Label});
  }
  for (unsigned I = 0; I != TS->getNumHandlers(); ++I) {
    const CXXCatchStmt *H = TS->getHandler(I);
    CurrentLive = LiveAtEntry;
    const VarDecl *Caught = H->getExceptionDecl();
    emit("catch (" + (Caught ? originalText(Caught->getSourceRange()) : std::string("...")) + ")");
    emit("{");
    ++Indent;
    if (Out.Live.size() != LiveCount) {
      emit("drop(live, Live::" + Out.Live[LiveAtEntry].Name + ");");
      emit("live = Live::" + Out.Live[LiveAtEntry].Name + ";");
    }
    lowerStmt(H->getHandlerBlock());
    --Indent;
    emit("}");
  }
  CurrentLive = LiveAtEntry;
}

void Lowerer::lowerReturn(const CoreturnStmt *CR) {
  const Expr *Operand = CR->getOperand();
  emit("{");
  ++Indent;
  // The value is made first, then the frame is destroyed: the Finish guard
  // runs after the return value is initialized, and after the last await's
  // Poll (declared after it), as with native co_return. With an await in the
  // operand, the guard is declared after that await's resume label and armed
  // only on the way out, so that a pending return leaves the frame alone.
  bool Awaits = Operand && containsAwait(Operand);
  if (Awaits)
    AfterLastResume = "Finish finish{*this, live, false};";
  std::string Value;
  if (Operand && !Operand->getType()->isVoidType()) {
    const Expr *S = strip(Operand);
    // `co_return x;` moves a local or a by-value parameter, as C++20 does.
    bool ImplicitMove = false;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        ImplicitMove = VD->hasLocalStorage() && !VD->getType()->isReferenceType() &&
                       !VD->getType().isVolatileQualified();
    auto L = lowerFullExpr(Operand, /*KeepAll=*/false);
    if (!L)
      return;
    Value = ImplicitMove ? "std::move(" + L->Text + ")" : L->Text;
  } else if (Operand) {
    auto L = lowerFullExpr(Operand, /*KeepAll=*/false);
    if (!L)
      return;
    emit(L->Text + ";");
  }
  emit("live = Live::" + Out.Live[CurrentLive].Name + ";");
  if (Awaits)
    emit("finish.armed = true;");
  else
    emit("Finish finish{*this, live};");
  if (Out.OutputType == "void")
    emit("return asyncc::Poll<void>::ready();");
  else
    emit("return asyncc::Poll<Output>::ready(" + Value + ");");
  --Indent;
  emit("}");
}

void Lowerer::lowerStmt(const Stmt *S) {
  if (Failed || !S)
    return;
  // Types declared in the body become members of the future's struct, where
  // the frame can name them.
  if (const auto *DS = dyn_cast<DeclStmt>(S);
      DS && llvm::all_of(DS->decls(), [](const Decl *D) { return isa<TypeDecl>(D); })) {
    for (const Decl *D : DS->decls())
      if (!HoistedTypes.insert(cast<NamedDecl>(D)->getName()).second) {
        error(D->getLocation(), "two types declared in this async function are named '" +
                                    cast<NamedDecl>(D)->getNameAsString() +
                                    "'; asyncc makes them members of one struct: rename one");
        return;
      }
    std::string Text = originalText(DS->getSourceRange());
    Out.LocalTypes.push_back(StringRef(Text).ends_with(";") ? Text : Text + ";");
    return;
  }
  SourceLine = SM.getExpansionLineNumber(S->getBeginLoc());
  if (!needsLowering(S)) {
    if (!isa<NullStmt>(S))
      emit(stmtText(S));
    return;
  }
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    lowerCompound(CS);
  } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD) {
        error(D->getLocation(), "asyncc v1 supports only variable declarations here");
        return;
      }
      if (!FrameVars.count(VD) && !(VD->getInit() && containsAwait(VD->getInit()))) {
        emit(stmtText(DS));
        return;
      }
      lowerVar(VD);
    }
  } else if (const auto *E = dyn_cast<Expr>(S)) {
    // A short-circuit alone leaves only its value, which nothing uses.
    bool Discarded = isShortCircuit(E->IgnoreParenImpCasts());
    emitWithValue(E, [&](const std::string &Value) {
      return Discarded ? "static_cast<void>(" + Value + ");" : Value + ";";
    });
  } else if (const auto *IS = dyn_cast<IfStmt>(S); IS && IS->isConstexpr()) {
    // C++ forbids jumping into an `if constexpr`: only the branch its
    // constant condition takes is lowered, in a block with the init.
    bool Taken = false;
    if (!IS->getCond()->EvaluateAsBooleanCondition(Taken, Ctx)) {
      error(IS->getBeginLoc(), "asyncc cannot evaluate the condition of this 'if constexpr'");
      return;
    }
    unsigned LiveAtEntry = CurrentLive;
    emit("{  // if constexpr (" + oneLine(originalText(IS->getCond()->getSourceRange())) + "): the " +
         (Taken ? "first" : "second") + " branch");
    ++Indent;
    lowerStmt(IS->getInit());
    if (const Stmt *Branch = Taken ? IS->getThen() : IS->getElse())
      lowerSubStmt(Branch);
    destroyDownTo(LiveAtEntry);
    --Indent;
    emit("}");
  } else if (const auto *IS = dyn_cast<IfStmt>(S)) {
    unsigned LiveAtEntry = CurrentLive;
    // An awaiting condition is evaluated into a bool of the frame first.
    bool CondAwaits = containsAwait(IS->getCond());
    bool Scope = IS->getInit() != nullptr || CondAwaits;
    bool Storage = CondAwaits || (IS->getInit() && hasFrameStorage(IS));
    std::string CondSlot;
    if (Scope) {
      emit("{");
      ++Indent;
      if (Storage) {
        openStruct("s" + std::to_string(BlockCount++));
        VarHomes.push_back(Opened.back());
      }
      if (IS->getInit())
        lowerStmt(IS->getInit());
      if (CondAwaits)
        CondSlot = addSlot("cond", "bool", "if (" + oneLine(originalText(IS->getCond()->getSourceRange())) + ")");
      if (Storage)
        openAlternatives();
    }
    if (CondAwaits) {
      if (!emitCondition(IS->getCond(), CondSlot))
        return;
      emit("if (" + CondSlot + ")");
    } else {
      renameIn(IS->getCond());
      std::string Head = IS->isConstexpr() ? "if constexpr (" : "if (";
      if (IS->getConditionVariableDeclStmt())
        Head += stmtText(IS->getConditionVariableDeclStmt());
      else
        Head += text(IS->getCond()->getSourceRange());
      if (StringRef(Head).ends_with(";"))
        Head.pop_back();
      emit(Head + ")");
    }
    lowerSubStmt(IS->getThen());
    if (IS->getElse()) {
      emit("else");
      lowerSubStmt(IS->getElse());
    }
    if (Scope) {
      if (Storage) {
        close();
        close();
        VarHomes.pop_back();
      }
      destroyDownTo(LiveAtEntry);
      --Indent;
      emit("}");
    }
  } else if ((isa<WhileStmt>(S) && containsAwait(cast<WhileStmt>(S)->getCond())) ||
             (isa<DoStmt>(S) && containsAwait(cast<DoStmt>(S)->getCond())) ||
             (isa<ForStmt>(S) &&
              (containsAwait(cast<ForStmt>(S)->getCond()) || containsAwait(cast<ForStmt>(S)->getInc())))) {
    lowerLoopWithAwaitingHead(S);
  } else if (const auto *WS = dyn_cast<WhileStmt>(S)) {
    renameIn(WS->getCond());
    emit("while (" + (WS->getConditionVariableDeclStmt() ? stmtText(WS->getConditionVariableDeclStmt())
                                                         : text(WS->getCond()->getSourceRange())) +
         ")");
    enterLoop();
    lowerSubStmt(WS->getBody());
    leaveLoop();
  } else if (const auto *DoS = dyn_cast<DoStmt>(S)) {
    emit("do");
    enterLoop();
    lowerSubStmt(DoS->getBody());
    leaveLoop();
    renameIn(DoS->getCond());
    emit("while (" + text(DoS->getCond()->getSourceRange()) + ");");
  } else if (const auto *FS = dyn_cast<ForStmt>(S)) {
    unsigned LiveAtEntry = CurrentLive;
    emit("{");
    ++Indent;
    // A variable of the init-statement lives beside the body's storage.
    bool Scope = hasFrameStorage(FS);
    if (Scope) {
      openStruct("s" + std::to_string(BlockCount++));
      VarHomes.push_back(Opened.back());
    }
    if (FS->getInit())
      lowerStmt(FS->getInit());
    if (Scope)
      openAlternatives();
    std::string Cond, Inc;
    if (FS->getCond()) {
      renameIn(FS->getCond());
      Cond = text(FS->getCond()->getSourceRange());
    }
    if (FS->getInc()) {
      renameIn(FS->getInc());
      Inc = text(FS->getInc()->getSourceRange());
    }
    emit("for (; " + Cond + "; " + Inc + ")");
    enterLoop();
    lowerSubStmt(FS->getBody());
    leaveLoop();
    if (Scope) {
      close();
      close();
      VarHomes.pop_back();
    }
    destroyDownTo(LiveAtEntry);
    --Indent;
    emit("}");
  } else if (const auto *LS = dyn_cast<LabelStmt>(S)) {
    emit(std::string(LS->getName()) + ":");
    lowerStmt(LS->getSubStmt());
  } else if (const auto *SW = dyn_cast<SwitchStmt>(S)) {
    lowerSwitch(SW);
  } else if (const auto *SC = dyn_cast<SwitchCase>(S)) {
    // Every path to a label has the same live set: C++ forbids jumping
    // over a declaration, and the cases are direct members of the body.
    CurrentLive = CaseLive.back();
    if (const auto *CS = dyn_cast<CaseStmt>(SC))
      emit("case " + text(CS->getLHS()->getSourceRange()) +
           (CS->getRHS() ? " ... " + text(CS->getRHS()->getSourceRange()) : "") + ":");
    else
      emit("default:");
    lowerStmt(SC->getSubStmt());
  } else if (const auto *TS = dyn_cast<CXXTryStmt>(S)) {
    lowerTry(TS);
  } else if (const auto *RF = dyn_cast<CXXForRangeStmt>(S)) {
    if (!containsAwait(RF->getBody())) {
      error(RF->getBeginLoc(), "this range-based 'for' cannot contain 'co_return' in asyncc v1 unless its "
                               "body also awaits; iterate with an index");
      return;
    }
    lowerRangeFor(RF);
  } else if (isa<BreakStmt>(S) || isa<ContinueStmt>(S)) {
    unsigned Saved = CurrentLive;
    emit("{");
    ++Indent;
    destroyDownTo(isa<BreakStmt>(S) ? BreakLive.back() : ContinueLive.back());
    emit(isa<BreakStmt>(S) ? "break;" : "continue;");
    --Indent;
    emit("}");
    CurrentLive = Saved;
  } else if (const auto *CR = dyn_cast<CoreturnStmt>(S)) {
    unsigned Saved = CurrentLive;
    lowerReturn(CR);
    CurrentLive = Saved;
  } else {
    error(S->getBeginLoc(), std::string("this statement (") + S->getStmtClassName() +
                                ") cannot contain 'co_await' or 'co_return' in asyncc v1");
  }
}

// The template arguments of a specialization, and an alias for each of the
// template's parameters, under which the copied body finds them.
// An ASYNC lambda, outside any ASYNC function: its captures become the first
// members of the future, references to the closure's own.
bool Lowerer::lowerLambdaHead(const CXXMethodDecl &Call) {
  const CXXRecordDecl *Closure = Call.getParent();
  const LambdaExpr *LE = lambdaOf(Call, Ctx);
  for (const DeclContext *DC = Closure->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *Enclosing = dyn_cast<FunctionDecl>(DC); Enclosing && isAsyncFunction(Enclosing)) {
      error(Call.getLocation(), "an ASYNC lambda inside an ASYNC function is not supported by asyncc; define "
                                "it outside, or make it an ASYNC function");
      return false;
    }
  llvm::DenseMap<const ValueDecl *, FieldDecl *> Fields;
  FieldDecl *This = nullptr;
  Closure->getCaptureFields(Fields, This);
  if (!LE || This || Call.isVariadic()) {
    error(Call.getLocation(), "asyncc supports ASYNC lambdas that do not capture 'this' nor take '...'; pass "
                              "the object as a parameter");
    return false;
  }
  std::vector<std::pair<unsigned, const ValueDecl *>> Captures;
  for (const auto &[Var, Field] : Fields)
    Captures.push_back({Field->getFieldIndex(), Var});
  llvm::sort(Captures);
  for (const auto &[Index, Var] : Captures) {
    QualType T = Var->getType().getNonReferenceType();
    // A copy in a lambda that is not mutable is const; a capture by
    // reference, or a mutable lambda's copy, is not.
    if (Call.isConst() && !Fields.lookup(Var)->getType()->isReferenceType())
      T.addConst();
    Parameter Capture;
    Capture.Name = Var->getNameAsString();
    Capture.Type = typeName(T) + "&";
    Capture.IsReference = true;
    Out.Params.push_back(Capture);
  }
  Out.IsLambda = true;
  // The name of the variable it initializes, if any, names the future.
  std::string Name = "lambda";
  DynTypedNodeList Parents = Ctx.getParents(*LE);
  for (int Depth = 0; Depth < 4 && !Parents.empty(); ++Depth) {
    if (const auto *VD = Parents[0].get<VarDecl>()) {
      Name = VD->getNameAsString();
      break;
    }
    Parents = Ctx.getParents(Parents[0]);
  }
  Out.Name = Name;
  Out.FutureName = Name + "_future";
  SourceRange Params(Call.getFunctionTypeLoc().getLParenLoc(), Call.getFunctionTypeLoc().getRParenLoc());
  Out.LambdaHead = originalText(LE->getIntroducerRange()) + originalText(Params) +
                   (Call.isConst() ? "" : " mutable");
  return true;
}

bool Lowerer::specialize() {
  // A method of a class template's specialization: the class's parameters.
  const TemplateParameterList *Params = nullptr;
  const TemplateArgumentList *Args = nullptr;
  const auto *Method = dyn_cast<CXXMethodDecl>(&FD);
  if (const auto *Spec = Method ? dyn_cast<ClassTemplateSpecializationDecl>(Method->getParent()) : nullptr) {
    Params = Spec->getSpecializedTemplate()->getTemplateParameters();
    Args = &Spec->getTemplateArgs();
  } else {
    Params = FD.getPrimaryTemplate()->getTemplateParameters();
    Args = FD.getTemplateSpecializationArgs();
  }
  for (unsigned I = 0; I != Params->size(); ++I) {
    const NamedDecl *Param = Params->getParam(I);
    const TemplateArgument &Arg = Args->get(I);
    if (Param->isTemplateParameterPack() || Param->getName().empty()) {
      error(FD.getLocation(), "asyncc supports ASYNC function templates whose parameters are named, and not "
                              "packs");
      return false;
    }
    if (Arg.getKind() == TemplateArgument::Type) {
      std::string Type = Arg.getAsType().getCanonicalType().getAsString(Policy);
      Out.TemplateAliases.push_back("using " + Param->getNameAsString() + " = " + Type + ";");
    } else if (Arg.getKind() == TemplateArgument::Integral) {
      std::string Value = toString(Arg.getAsIntegral(), 10);
      std::string Type = Arg.getIntegralType().getCanonicalType().getAsString(Policy);
      Out.TemplateAliases.push_back("static constexpr " + Type + " " + Param->getNameAsString() + " = " + Value +
                                    ";");
    } else {
      error(FD.getLocation(), "asyncc supports ASYNC function templates with type and integer parameters");
      return false;
    }
  }
  Out.Specialization = true;
  Out.TemplateArgs = spellTemplateArgs(Args->asArray(), Ctx);
  return true;
}

std::optional<LoweredFunction> Lowerer::run() {
  Out.Name = FD.getNameAsString();
  Out.FutureName = futureNameOf(&FD);
  Out.File = File.str();
  Out.Line = SM.getPresumedLoc(SM.getExpansionLoc(FD.getLocation())).getLine();

  // Async<T>: T is the output.
  const auto *TSD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(FD.getReturnType()->getAsCXXRecordDecl());
  if (!TSD || TSD->getQualifiedNameAsString() != "asyncc::Async" || TSD->getTemplateArgs().size() != 1) {
    error(FD.getReturnTypeSourceRange().getBegin(),
          "an ASYNC function must return asyncc::Async<T>");
    return std::nullopt;
  }
  Out.OutputType = typeName(TSD->getTemplateArgs()[0].getAsType());
  // Spelled as written where possible: std::string, not its full template.
  if (auto TL = FD.getFunctionTypeLoc()) {
    TypeLoc RetLoc = TL.getReturnLoc();
    while (auto Elab = RetLoc.getAs<ElaboratedTypeLoc>())
      RetLoc = Elab.getNamedTypeLoc();
    // Between the angle brackets: a qualifier's location is not recorded,
    // so the argument's own range would drop the const of `const char*`.
    if (auto SpecLoc = RetLoc.getAs<TemplateSpecializationTypeLoc>(); SpecLoc && SpecLoc.getNumArgs() == 1) {
      SourceLocation From = SM.getExpansionLoc(SpecLoc.getLAngleLoc()).getLocWithOffset(1);
      SourceLocation To = SM.getExpansionLoc(SpecLoc.getRAngleLoc());
      Out.OutputType = StringRef(Lexer::getSourceText(CharSourceRange::getCharRange(From, To), SM,
                                                      Ctx.getLangOpts())).trim().str();
    }
  }

  if (FD.isTemplated() || (FD.isFunctionTemplateSpecialization() && isa<CXXMethodDecl>(FD))) {
    error(FD.getLocation(), "ASYNC member templates are not supported by asyncc; make it a free function "
                            "template");
    return std::nullopt;
  }
  bool OfClassTemplate = isa<CXXMethodDecl>(FD) && isa<ClassTemplateSpecializationDecl>(cast<CXXMethodDecl>(FD).getParent());
  if ((FD.isFunctionTemplateSpecialization() || OfClassTemplate) && !specialize())
    return std::nullopt;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(&FD); MD && MD->getParent()->isLambda()) {
    if (!lowerLambdaHead(*MD))
      return std::nullopt;
  } else if (const auto *MD = dyn_cast<CXXMethodDecl>(&FD)) {
    if (MD->isVirtual() || MD->getRefQualifier() != RQ_None || MD->getParent()->isLocalClass() ||
        MD->getParent()->isLambda() || MD->getParent()->getDeclName().isEmpty()) {
      error(FD.getLocation(), "asyncc supports ASYNC methods that are not virtual nor ref-qualified, of a "
                              "named class that is not local to a function; call a free ASYNC function from "
                              "this one");
      return std::nullopt;
    }
    Out.ClassName = typeName(Ctx.getRecordType(MD->getParent()));
    Out.IsStatic = MD->isStatic();
    if (!MD->isStatic())
      Out.SelfType = (MD->isConst() ? "const " : "") + Out.ClassName;
    if (MD->isOutOfLine() && OfClassTemplate) {
      error(FD.getLocation(), "asyncc transforms ASYNC methods of class templates defined in the class body; "
                              "move the definition into the class");
      return std::nullopt;
    }
    if (MD->isOutOfLine()) {
      const FunctionDecl *InClass = MD->getCanonicalDecl();
      if (InClass == &FD || std::distance(FD.redecls_begin(), FD.redecls_end()) != 2 ||
          !SM.isInMainFile(SM.getExpansionLoc(InClass->getLocation()))) {
        error(FD.getLocation(), "asyncc transforms an out-of-line ASYNC method only when its class, declared "
                                "once in the same file, is defined in the file being transformed");
        return std::nullopt;
      }
      Out.OutOfLine = true;
      Out.InlineSpecified = FD.isInlineSpecified();
    }
  } else if (FD.getPreviousDecl()) {
    error(FD.getLocation(), "asyncc transforms an ASYNC function declared only once: remove the "
                            "separate declaration and define the function before its first use");
    return std::nullopt;
  }
  if (const auto *FPT = FD.getType()->getAs<FunctionProtoType>(); FPT && FPT->hasTrailingReturn() && !Out.IsLambda) {
    error(FD.getLocation(), "asyncc does not support a trailing return type on an ASYNC function; write "
                            "asyncc::Async<T> before the name");
    return std::nullopt;
  }
  // The qualifiers after the parameter list: `const`, `noexcept`.
  if (const Stmt *BodyStmt = FD.getBody(); BodyStmt && !Out.IsLambda)
    Out.TrailingQualifiers = StringRef(Lexer::getSourceText(
        CharSourceRange::getCharRange(
            Lexer::getLocForEndOfToken(SM.getExpansionLoc(FD.getFunctionTypeLoc().getRParenLoc()), 0, SM,
                                       Ctx.getLangOpts()),
            SM.getExpansionLoc(BodyStmt->getBeginLoc())),
        SM, Ctx.getLangOpts())).trim().str();

  for (const ParmVarDecl *P : FD.parameters()) {
    if (P->getName().empty()) {
      error(P->getLocation(), "parameters of an ASYNC function need names");
      return std::nullopt;
    }
    if (!spellable(P->getType(), P->getLocation(), "this parameter"))
      return std::nullopt;
    Parameter Param;
    Param.Name = P->getNameAsString();
    Param.IsReference = P->getType()->isReferenceType();
    Param.Type = typeName(P->getType());
    if (!Param.IsReference && P->getType().isDestructedType() != QualType::DK_none) {
      Param.DestroyedOnCompletion = true;
      Out.Live.push_back(LiveNode{"param_" + Param.Name, CurrentLive, "std::destroy_at(&" + Param.Name + ");"});
      CurrentLive = Out.Live.size() - 1;
    }
    Out.Params.push_back(Param);
  }
  Out.StartLive = CurrentLive;
  // The wrapper keeps the declarator as written (default arguments too).
  Out.WrapperHead = originalText(SourceRange(FD.getLocation(), FD.getFunctionTypeLoc().getRParenLoc()));
  forEachStmt(FD.getBody(), [&](const Stmt *X) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(X))
      if (const auto *Callee = dyn_cast<FunctionDecl>(DRE->getDecl()))
        Out.Recursive |= Callee->getCanonicalDecl() == FD.getCanonicalDecl();
  });

  const auto *Body = dyn_cast_or_null<CoroutineBodyStmt>(FD.getBody());
  if (!Body) {
    error(FD.getLocation(), "an ASYNC function must be a coroutine (use co_await or co_return)");
    return std::nullopt;
  }
  const auto *UserBody = dyn_cast<CompoundStmt>(Body->getBody());
  if (!UserBody) {
    error(FD.getLocation(), "a function-try-block on an ASYNC function is not supported by asyncc v1; put "
                            "the try inside the body");
    return std::nullopt;
  }
  findFrameVars(UserBody);
  // Variables of the body become members of the future: a member named like
  // something else the body uses would hide it.
  for (const Stmt *Child : UserBody->body())
    if (const auto *DS = dyn_cast<DeclStmt>(Child))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && FrameVars.count(VD))
          forEachStmt(UserBody, [&](const Stmt *X) {
            const auto *DRE = dyn_cast<DeclRefExpr>(X);
            if (!Failed && DRE && DRE->getDecl() != VD && DRE->getDecl()->getDeclName() == VD->getDeclName())
              error(VD->getLocation(), "this variable is named like '" + VD->getNameAsString() +
                                           "', which this function also uses for something else; the "
                                           "generated struct would confuse them: rename the variable");
          });
  if (Failed)
    return std::nullopt;
  if (!checkSupported(UserBody) ||
      !checkNames(SourceRange(FD.getLocation(), FD.getBodyRBrace())))
    return std::nullopt;
  Opened.push_back({{}, ""});
  Indent = 0;
  lowerCompound(UserBody, /*Braces=*/false);
  if (Failed)
    return std::nullopt;
  // Falling off the end of an Async<void> function.
  if (Out.OutputType == "void") {
    emit("live = Live::" + Out.Live[Out.StartLive].Name + ";");
    emit("Finish finish{*this, live};");
    emit("return asyncc::Poll<void>::ready();");
  }
  return std::move(Out);
}

} // namespace

std::string spellTemplateArgs(llvm::ArrayRef<TemplateArgument> Args, const ASTContext &Ctx) {
  PrintingPolicy Policy = emittedPolicy(Ctx);
  std::vector<std::string> Spelled;
  for (const TemplateArgument &Arg : Args) {
    if (Arg.getKind() == TemplateArgument::Type)
      Spelled.push_back(Arg.getAsType().getCanonicalType().getAsString(Policy));
    else if (Arg.getKind() == TemplateArgument::Integral)
      Spelled.push_back("static_cast<" + Arg.getIntegralType().getCanonicalType().getAsString(Policy) + ">(" +
                        toString(Arg.getAsIntegral(), 10) + ")");
  }
  return "<" + llvm::join(Spelled, ", ") + ">";
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

std::optional<LoweredFunction> lowerAsyncFunction(const FunctionDecl &FD, ASTContext &Ctx,
                                                  llvm::StringRef FileName) {
  return Lowerer(FD, Ctx, FileName).run();
}

} // namespace asyncc::tool
