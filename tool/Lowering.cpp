#include "Lowering.h"
#include "Analysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ExprCXX.h"
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

bool isAsyncFunction(const FunctionDecl *FD) {
  return FD && llvm::any_of(FD->specific_attrs<AnnotateAttr>(), [](const AnnotateAttr *A) {
           return A->getAnnotation() == AsyncAnnotation;
         });
}

// ---- The lowering ----------------------------------------------------------

class Lowerer {
public:
  Lowerer(const FunctionDecl &FD, ASTContext &Ctx, StringRef File)
      : FD(FD), Ctx(Ctx), SM(Ctx.getSourceManager()), Scratch(SM, Ctx.getLangOpts()),
        File(File) {
    Policy = Ctx.getPrintingPolicy();
    Policy.SuppressTagKeyword = true;
    Policy.FullyQualifiedName = true;
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
      if (RD->isLambda() || RD->getDeclName().isEmpty() || RD->isLocalClass()) {
        error(Loc, (What + " has a type that cannot be named outside the function (a lambda, a local or "
                           "unnamed class); asyncc v1 cannot store it in the frame: keep it out of the "
                           "scope of any co_await, or give it a named type")
                       .str());
        return false;
      }
    }
    return true;
  }

  // Replaces the names of frame variables under S by their place in the frame.
  void renameIn(const Stmt *S) {
    forEachStmt(S, [&](const Stmt *X) {
      const auto *DRE = dyn_cast<DeclRefExpr>(X);
      if (!DRE || !Renamed.insert(DRE).second)
        return;
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      auto It = VD ? VarPath.find(VD) : VarPath.end();
      if (It == VarPath.end())
        return;
      SourceLocation Loc = DRE->getLocation();
      if (Loc.isMacroID()) {
        error(Loc, "a variable stored in the async frame is named inside a macro expansion; asyncc "
                   "cannot rename it there: expand the macro by hand");
        return;
      }
      Scratch.ReplaceText(SourceRange(DRE->getBeginLoc(), DRE->getEndLoc()), It->second);
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
  bool checkNames(SourceRange R);
  void findFrameVars(const Stmt *S);
  bool checkEvaluationOrder(const Expr *E);
  // Reads of scalar variables that C++ evaluates before an await of the
  // same full-expression: kept in the frame, read just before that await.
  struct Hoist {
    const Expr *Read;
    QualType Type;
    const CoawaitExpr *Before;
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
  void lowerRangeFor(const CXXForRangeStmt *RF);
  bool emitCondition(const Expr *Cond, const std::string &Slot);
  void lowerLoopWithAwaitingHead(const Stmt *Loop);

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
    return originalText(VD->getSourceRange()) + "   " + File.str() + ":" +
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
  void collectAwaits(const Stmt *S, std::vector<const CoawaitExpr *> &Awaits);
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
  llvm::DenseSet<const DeclRefExpr *> Renamed;
  std::vector<Open> Opened;
  unsigned CurrentLive = 0;
  unsigned Indent = 0;
  unsigned BlockCount = 0;
  unsigned GroupCount = 0;
  std::vector<unsigned> LoopLive;  // live set at the entry of each enclosing loop
};

// The generated struct declares these names, and poll's body sees them:
// a body or parameter that uses one would silently mean ours instead.
bool isGeneratedName(StringRef Name) {
  static const char *const Fixed[] = {"cx", "live", "finish", "drop", "live_at", "state_",
                                      "Finish", "Live", "State", "Output"};
  for (const char *F : Fixed)
    if (Name == F)
      return true;
  for (StringRef Prefix : {"b", "s", "e", "ready", "await", "resume", "tmp"})
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

bool Lowerer::checkSupported(const Stmt *Body) {
  forEachStmt(Body, [&](const Stmt *S) {
    if (isa<CoyieldExpr>(S))
      error(S->getBeginLoc(), "'co_yield' is not supported in an ASYNC function: an async function "
                              "completes once; use a channel or a stream to produce several values");
    else if (isa<GotoStmt>(S) || isa<IndirectGotoStmt>(S) || isa<LabelStmt>(S))
      error(S->getBeginLoc(), "labels and 'goto' are not supported in ASYNC functions by asyncc v1; "
                              "use a loop with 'break' or 'continue'");
    else if (const auto *SW = dyn_cast<SwitchStmt>(S); SW && containsAwait(SW->getBody()))
      error(S->getBeginLoc(), "'co_await' inside a 'switch' is not supported by asyncc v1; rewrite "
                              "the switch as an if/else chain");
    else if (const auto *TS = dyn_cast<CXXTryStmt>(S); TS && containsAwait(TS))
      error(S->getBeginLoc(), "'co_await' inside a 'try' block is not supported by asyncc v1; move "
                              "the awaits out of the try, or catch inside the awaited function");
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
    else if (const auto *CO = dyn_cast<ConditionalOperator>(S); CO && containsAwait(CO))
      error(CO->getBeginLoc(), "'co_await' under '?:' is not supported by asyncc v1; use an if/else "
                               "that assigns a local");
    else if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isLogicalOp() && containsAwait(BO))
      error(BO->getOperatorLoc(), "'co_await' under '&&' or '||' is not supported by asyncc v1; await "
                                  "into a local inside an 'if' to keep the short-circuit");
    else if (isa<StmtExpr>(S) && containsAwait(S))
      error(S->getBeginLoc(), "'co_await' inside a statement expression is not supported");
    else if (const auto *DS = dyn_cast<DeclStmt>(S); DS && !DS->isSingleDecl() && containsAwait(DS))
      error(DS->getBeginLoc(), "a declaration of several variables with a 'co_await' is not supported "
                               "by asyncc v1; declare one variable per statement");
    else if (const auto *DS = dyn_cast<DeclStmt>(S); DS && isa<DecompositionDecl>(DS->getSingleDecl()) &&
                                                     FrameVars.count(cast<VarDecl>(DS->getSingleDecl())))
      error(DS->getBeginLoc(), "a structured binding whose scope contains a 'co_await' is not supported by "
                               "asyncc v1; declare a variable and name its members");
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
    if (!isa<CoawaitExpr>(S))
      for (const Stmt *C : inEvaluationOrder(S))
        visit(C);
    Done.push_back(S);
  };
  visit(E);
  size_t LastAwait = 0;
  for (size_t I = 0; I != Done.size(); ++I)
    if (isa<CoawaitExpr>(Done[I]))
      LastAwait = I;
  for (size_t I = 0; I < LastAwait; ++I) {
    const Stmt *S = Done[I];
    bool Stable = isa<CoawaitExpr>(S) || isa<IntegerLiteral>(S) || isa<StringLiteral>(S) ||
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
      if (ReadsVariable && isa<DeclRefExpr>(Sub) && Cast->getType()->isScalarType() &&
          !Cast->getType().isVolatileQualified()) {
        size_t Next = I + 1;
        while (Next < Done.size() && !isa<CoawaitExpr>(Done[Next]))
          ++Next;
        Hoists.push_back({Sub, Cast->getType(), cast<CoawaitExpr>(Done[Next])});
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

void Lowerer::collectAwaits(const Stmt *S, std::vector<const CoawaitExpr *> &Awaits) {
  if (!S || isa<LambdaExpr>(S))
    return;
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
        error(Operand->getBeginLoc(), "an async function cannot await itself: its future would contain "
                                      "itself and have infinite size");
        return "";
      }
      const FunctionDecl *Def = Callee->getDefinition();
      if (!Def || !SM.isInMainFile(SM.getExpansionLoc(Def->getLocation())) ||
          SM.isBeforeInTranslationUnit(FD.getLocation(), Def->getLocation())) {
        error(Operand->getBeginLoc(), "asyncc v1 needs the definition of the awaited async function '" +
                                          Callee->getNameAsString() +
                                          "' earlier in the same file; move it above this function");
        return "";
      }
      std::string Qualified = Callee->getQualifiedNameAsString();
      return Qualified + "_future";
    }
  }
  QualType T = E->getType();
  if (!spellable(T, Operand->getBeginLoc(), "the awaited future"))
    return "";
  return typeName(T.getUnqualifiedType());
}

std::optional<Lowerer::Lowered> Lowerer::lowerFullExpr(const Expr *E, bool KeepAll) {
  std::vector<const CoawaitExpr *> Awaits;
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
  bool Group = Awaits.size() > 1 || KeepAll || !Hoists.empty();
  Open GroupHome;
  if (Group) {
    openStruct("e" + std::to_string(++GroupCount));
    GroupHome = Opened.back();
    openAlternatives();
  }
  std::vector<std::string> KeptReady;
  std::string LastReady;
  for (size_t I = 0; I != Awaits.size(); ++I) {
    const CoawaitExpr *CA = Awaits[I];
    for (const Hoist &H : Hoists) {
      if (H.Before != CA)
        continue;
      renameIn(H.Read);
      SourceRange ReadRange = SM.getExpansionRange(H.Read->getSourceRange()).getAsRange();
      std::string Source = text(ReadRange);
      std::string Temp = addSlotTo(GroupHome, "tmp" + std::to_string(++TempCount),
                                   typeName(H.Type.getUnqualifiedType()),
                                   "value of " + originalText(ReadRange) + " before the await");
      emit(Temp + " = " + Source + ";");
      Scratch.ReplaceText(ReadRange.getBegin(), Source.size(), Temp);
    }
    const Expr *Operand = CA->getOperand();
    bool Last = I + 1 == Awaits.size();
    unsigned Number = Out.States.size() + 1;
    std::string N = std::to_string(Number);
    PresumedLoc PL = SM.getPresumedLoc(SM.getExpansionLoc(CA->getBeginLoc()));
    std::string Source = originalText(CA->getSourceRange());
    std::string Flat;
    for (char C : Source)
      Flat += (C == '\n' ? ' ' : C);

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
    for (const Stmt *Child : Stripped->children())
      checkTemporaries(Child);
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

// Anything that needs more than its own text: awaits, co_return, frame
// variables, and jumps out of a scope that holds frame variables.
bool Lowerer::needsLowering(const Stmt *S) {
  bool Needs = hasFrameStorage(S) || contains<CoreturnStmt>(S);
  if (Needs || LoopLive.empty() || LoopLive.back() == CurrentLive)
    return Needs;
  // A break or continue of an enclosing loop must destroy what this scope
  // built since the loop began.
  std::function<bool(const Stmt *)> escapes = [&](const Stmt *X) -> bool {
    if (!X || isa<LambdaExpr>(X))
      return false;
    if (isa<BreakStmt>(X) || isa<ContinueStmt>(X))
      return true;
    if (isa<ForStmt>(X) || isa<WhileStmt>(X) || isa<DoStmt>(X) || isa<CXXForRangeStmt>(X))
      return false;  // jumps inside belong to the nested loop
    if (isa<SwitchStmt>(X))
      return contains<ContinueStmt>(X);  // a switch takes only the breaks
    return llvm::any_of(X->children(), escapes);
  };
  return escapes(S);
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
      if (VD->getInitStyle() == VarDecl::CInit)
        emit(Decl + " = " + L->Text + ";");
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
  std::string Path = addSlotTo(VarHomes.back(), VD->getNameAsString(), Type, declComment(VD));
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
      emit(Placement + (Braced ? "{" + Args + "}" : "(" + Args + ")") + ";");
      for (auto It = Ends.rbegin(); It != Ends.rend(); ++It)
        endFullExpr(*It);
    } else {
      bool SameType = Ctx.hasSameUnqualifiedType(strip(Init)->getType(), T) || T->isScalarType();
      bool Ok = emitWithValue(Source, [&](const std::string &Value) {
        if (Braced)
          return Placement + "{" + Value + "};";
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
  std::string Path = addSlotTo(VarHomes.back(), VD->getNameAsString(), Type, declComment(VD));
  if (!emitWithValue(Init, [&](const std::string &Value) { return Path + " = std::addressof(" + Value + ");"; }))
    return;
  VarPath[VD] = "(*" + Path + ")";
}

// for (decl : range) body, with awaits in the body: the range (or a pointer
// to it), the iterators and the loop variable live in the frame.
void Lowerer::lowerRangeFor(const CXXForRangeStmt *RF) {
  unsigned LiveAtEntry = CurrentLive;
  emit("{");
  ++Indent;
  emit("// " + originalText(SourceRange(RF->getBeginLoc(), RF->getRParenLoc())));
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
  LoopLive.push_back(CurrentLive);
  openStruct("b" + std::to_string(BlockCount++));
  const VarDecl *LoopVar = RF->getLoopVariable();
  QualType T = LoopVar->getType();
  if (!spellable(T, LoopVar->getLocation(), "the loop variable"))
    return;
  std::string VarComment = originalText(LoopVar->getSourceRange());
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
  destroyDownTo(LoopLive.back());
  LoopLive.pop_back();
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
  auto flat = [&](const Stmt *X) {
    std::string T = X ? originalText(X->getSourceRange()) : "";
    std::replace(T.begin(), T.end(), '\n', ' ');
    return T;
  };
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
  LoopLive.push_back(CurrentLive);
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
  LoopLive.pop_back();
  --Indent;
  emit("}");
  close();
  close();
  VarHomes.pop_back();
  destroyDownTo(LiveAtEntry);
  --Indent;
  emit("}");
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
    emitWithValue(E, [](const std::string &Value) { return Value + ";"; });
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
        CondSlot = addSlot("cond", "bool", "if (" + originalText(IS->getCond()->getSourceRange()) + ")");
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
    LoopLive.push_back(CurrentLive);
    lowerSubStmt(WS->getBody());
    LoopLive.pop_back();
  } else if (const auto *DoS = dyn_cast<DoStmt>(S)) {
    emit("do");
    LoopLive.push_back(CurrentLive);
    lowerSubStmt(DoS->getBody());
    LoopLive.pop_back();
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
    LoopLive.push_back(CurrentLive);
    lowerSubStmt(FS->getBody());
    LoopLive.pop_back();
    if (Scope) {
      close();
      close();
      VarHomes.pop_back();
    }
    destroyDownTo(LiveAtEntry);
    --Indent;
    emit("}");
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
    destroyDownTo(LoopLive.back());
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

std::optional<LoweredFunction> Lowerer::run() {
  Out.Name = FD.getNameAsString();
  Out.FutureName = Out.Name + "_future";
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
    if (auto SpecLoc = RetLoc.getAs<TemplateSpecializationTypeLoc>(); SpecLoc && SpecLoc.getNumArgs() == 1)
      Out.OutputType = originalText(SpecLoc.getArgLoc(0).getSourceRange());
  }

  if (isa<CXXMethodDecl>(FD) || FD.isTemplated()) {
    error(FD.getLocation(), "ASYNC methods and templates are not supported by asyncc v1; use a free "
                            "function (pass the object as a parameter)");
    return std::nullopt;
  }
  if (FD.getPreviousDecl()) {
    error(FD.getLocation(), "asyncc v1 transforms an ASYNC function declared only once: remove the "
                            "separate declaration and define the function before its first use");
    return std::nullopt;
  }

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

std::optional<LoweredFunction> lowerAsyncFunction(const FunctionDecl &FD, ASTContext &Ctx,
                                                  llvm::StringRef FileName) {
  return Lowerer(FD, Ctx, FileName).run();
}

} // namespace asyncc::tool
