// The lowering of one ASYNC function, shared by its files:
//   LowerFunction.cpp      the function: signature, parameters, templates, lambdas; text and names
//   LowerStatements.cpp    statements: blocks, control flow, try, co_return
//   LowerDeclarations.cpp  variables stored in the frame, range-based for
//   LowerExpressions.cpp   full-expressions: awaits, values kept across them, && || ?:
// It reads the frame analysis (Frame.h), builds the layout (Layout.h) and
// the live-set tree, and emits poll's body.
#pragma once

#include "Diagnostics.h"
#include "Frame.h"
#include "Layout.h"
#include "StateMachine.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace asyncc::tool {

class Lowerer {
public:
  Lowerer(const clang::FunctionDecl &FD, clang::ASTContext &Ctx, llvm::StringRef File);

  std::optional<LoweredFunction> run();

private:
  // -- diagnostics: every report makes the lowering fail.
  clang::DiagnosticBuilder report(Diag Id, clang::SourceLocation Loc) {
    Failed = true;
    return tool::report(Ctx, Id, Loc);
  }

  // -- text (LowerFunction.cpp)
  // The input's text of R, with the renamings made so far.
  std::string text(clang::SourceRange R);
  std::string originalText(clang::SourceRange R);
  // A statement's text with its own trailing semicolon.
  std::string stmtText(const clang::Stmt *S);
  std::string typeName(clang::QualType T);
  // Whether the emitted code can name T (reports it if not).
  bool spellable(clang::QualType T, clang::SourceLocation Loc, llvm::StringRef What);
  // Replaces the names of frame variables under S by their place in the
  // frame, and `this` by the future's `self`.
  void renameIn(const clang::Stmt *S);
  void renameThis(const clang::CXXThisExpr *This);
  // Every `this` under S, in lambdas too, as renameThis: a lambda's `[this]`
  // becomes `[self]`, a copy of the pointer.
  void renameThisIn(const clang::Stmt *S);
  void renameCaptures(const clang::LambdaExpr *LE);
  bool lowerLambdaVar(const clang::VarDecl *VD, const clang::LambdaExpr *LE);
  // A lambda kept in the frame is made by a function emitted before the
  // struct, whose return type names the closure's type: the slot's type and
  // the call that makes it, or nothing when the lambda cannot be made so.
  struct LambdaFactory {
    std::string Type, Make;
  };
  std::optional<LambdaFactory> lambdaFactory(const clang::LambdaExpr *LE, const std::string &Name);
  // An ASYNC lambda of the body, lowered with it: its index in
  // Out.NestedLambdas (the caller sets its head), or nothing if refused.
  std::optional<size_t> lowerNestedLambda(const clang::LambdaExpr *LE);
  // Its text in poll: the mark of its lowering, with the captures renamed.
  void placeNestedLambda(const clang::LambdaExpr *LE);
  void placeLambdasIn(const clang::LambdaExpr *LE);
  llvm::DenseMap<const clang::LambdaExpr *, std::optional<size_t>> NestedIndex;  // nothing: refused
  // The emitted type of each lambda kept in the frame (lambdaFactory).
  llvm::DenseMap<const clang::LambdaExpr *, std::string> ClosureTypes;
  std::string closureType(const clang::Expr *Object);
  // The emitted type of a captured variable's value T: a closure the frame
  // keeps is spelled by its factory.
  std::string capturedType(const clang::ValueDecl *Captured, clang::QualType T);
  std::string lambdaFutureType(const clang::CallExpr *Call);
  std::string pathOf(const clang::ValueDecl *D) const;
  // The comment of a variable's slot: its declaration and where it is.
  std::string declComment(const clang::VarDecl *VD);
  // A type as a declaration or a new-expression can name it: one whose
  // spelling is not a plain name (int[3], void (*)()) through type_t.
  static std::string declarable(const std::string &Type) {
    return Type.find_first_of("([") == std::string::npos ? Type : "asyncc::detail::type_t<" + Type + ">";
  }
  // A generated name, Prefix then N (b1, await2), whose prefix is made
  // longer (b_1) when the function writes a name of that form itself.
  std::string numbered(llvm::StringRef Prefix, unsigned N);
  llvm::StringMap<std::string> Prefixes;
  std::vector<llvm::StringRef> Written;  // the identifiers of the function
  // Names it writes for something other than its own variables.
  llvm::StringSet<> NamedOtherwise;

  // -- output: poll's body is built as a tree (PollTree.h). Open nodes
  // are a stack; a closed node becomes the last child of the one below.
  unsigned SourceLine = 0;  // of the statement being lowered
  std::vector<PollNode> OpenNodes;
  PollNode &add(PollNode::Kind K, const std::string &Text);
  void open(PollNode::Kind K, const std::string &Text = "", int Known = -1);
  void close(const std::string &Tail = "");
  // Generated code that goes on to the next statement.
  void emit(const std::string &Line) { add(PollNode::Code, Line); }
  // A statement of the input, as its text: it may break, continue or end.
  void emitStatement(const clang::Stmt *S, const std::string &Text);
  // `{` and `}` around what is emitted between them, one level in.
  void openBlock(const std::string &Head = "{") { open(PollNode::Block, Head); }
  void closeBlock() { close(); }
  // The `else` of the innermost open if.
  void elseBranch() { OpenNodes.back().EndLine = SourceLine; }
  // A label, one level out.
  void emitLabel(const std::string &Label) { add(PollNode::Label, Label).Outdent = true; }

  // -- live set
  // A value of type T was made at Path: a node when it has a destructor.
  void construct(const std::string &Path, clang::QualType T) {
    if (destroys(T))
      construct(Path, "std::destroy_at(&" + Path + ");");
  }
  void construct(const std::string &Path, const std::string &Destroy);
  // A node of the live-set tree under the current one; its enumerator is
  // named after Path, made unique.
  unsigned addLiveNode(const std::string &Path, const std::string &Destroy);
  // Destroys what was constructed since the live set was Target.
  void destroyDownTo(unsigned Target);
  // `live = Live::<node>;`: the live set at run time is Node.
  // One that would follow another directly replaces it.
  void emitLive(unsigned Node);

  // -- the function (LowerFunction.cpp)
  bool specialize();
  bool lowerLambdaHead(const clang::CXXMethodDecl &Call);
  bool genericCondition(const clang::CXXMethodDecl &Call);
  bool lowerSignature();
  bool lowerParameters();

  // -- statements (LowerStatements.cpp)
  void lowerStmt(const clang::Stmt *S);
  void lowerCompound(const clang::CompoundStmt *CS, bool Braces = true);
  void lowerSubStmt(const clang::Stmt *S);
  bool needsLowering(const clang::Stmt *S);
  void lowerIf(const clang::IfStmt *IS);
  void lowerIfConstexpr(const clang::IfStmt *IS);
  void lowerFor(const clang::ForStmt *FS);
  void lowerLoopWithAwaitingHead(const clang::Stmt *Loop);
  void lowerSwitch(const clang::SwitchStmt *SW);
  void lowerTry(const clang::CXXTryStmt *TS);
  void lowerReturn(const clang::CoreturnStmt *CR);
  // Before a return: the frame is destroyed after the value is made; a
  // Guarded return armed its guard before its last await's resume label.
  void emitFinish(bool Guarded);
  bool emitCondition(const clang::Expr *Cond, const std::string &Slot);
  // Whether a condition variable is declared before its if or loop: its
  // initializer awaits or it lives in the frame.
  bool lowersConditionVariable(const clang::VarDecl *VD);
  std::string conditionVariableName(const clang::VarDecl *VD);
  std::vector<unsigned> CaseLive;  // live set at the case labels of each enclosing switch
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
    std::string Label;                                         // tryN
    std::vector<std::pair<std::string, std::string>> Targets;  // state, label inside
  };
  std::vector<TryScope> Tries;
  // A goto destroys what was made since its label's live set: a forward
  // one's is known once the function is lowered (resolveGotos).
  llvm::DenseMap<const clang::LabelDecl *, unsigned> LabelLive;
  struct PendingGoto {
    const clang::GotoStmt *Goto;
    unsigned Live;
  };
  std::vector<PendingGoto> Gotos;
  void recordLabels(const clang::Stmt *S);
  void resolveGotos(PollNode &N);
  unsigned TryCount = 0;

  // -- declarations (LowerDeclarations.cpp)
  void lowerDecl(const clang::DeclStmt *DS);
  void lowerVar(const clang::VarDecl *VD);
  void lowerLocalInit(const clang::VarDecl *VD);
  void lowerDeclarators(const clang::DeclStmt *DS);
  void lowerReferenceVar(const clang::VarDecl *VD);
  void lowerReferenceToPart(const clang::VarDecl *VD, const clang::Expr *Bound,
                            llvm::ArrayRef<const clang::MaterializeTemporaryExpr *> Extended);
  void lowerArrayVar(const clang::VarDecl *VD);
  void bindNames(const clang::VarDecl *VD);
  std::string slotName(const clang::VarDecl *VD);
  bool ownName(const clang::VarDecl *VD);
  void lowerRangeFor(const clang::CXXForRangeStmt *RF);
  void lowerLocalTypes(const clang::DeclStmt *DS);

  // -- expressions (LowerExpressions.cpp)
  // What lowerFullExpr made of a full-expression: its text with each
  // co_await replaced by its value, after the awaits it emitted.
  struct Lowered {
    std::string Text;
    std::string LastReady;          // poll-local holding the last await's Poll, if any
    std::vector<std::string> Kept;  // values kept in the frame to its end, to destroy
    unsigned LiveBefore = 0;
    std::optional<LayoutBuilder::Open> Group;  // the scope of the values kept to its end
  };
  // Emits the awaits of the full-expression E. The values of all awaits
  // but the last are kept in the frame.
  std::optional<Lowered> lowerFullExpr(const clang::Expr *E);
  // The end of the full-expression: its awaits' Polls die, the last first,
  // as the native awaiters do; the live set is what it was before.
  void endFullExpr(const Lowered &L);
  // Emits Make(E's text) as one statement after E's awaits, in a block of
  // its own when E awaits; returns false if E was refused.
  bool emitWithValue(const clang::Expr *E, const std::function<std::string(const std::string &)> &Make);
  std::optional<std::string> lowerShortCircuit(const clang::Expr *E, const LayoutBuilder::Open &GroupHome,
                                               std::vector<std::string> &Kept);
  // The await of one co_await of a full-expression; returns its Poll.
  bool lowerAwait(const clang::CoawaitExpr *CA, bool Last, const clang::ParentMap &Parents,
                  const LayoutBuilder::Open &GroupHome,
                  std::vector<std::string> &KeptReady, std::string &LastReady);
  // Makes the operand's temporaries in the frame, kept to the end of the
  // full-expression (Kept).
  clang::SourceRange defaultRange(const clang::Expr *Made);
  std::optional<std::string> nameAtCall(const clang::NamedDecl *D);
  std::optional<std::string> spelledAtCall(const clang::Expr *E, clang::SourceRange Range);
  // Call: a CallExpr, or a CXXConstructExpr; Close: the `)` or `}` that ends
  // its arguments.
  bool passDefaults(const clang::Expr *Call, clang::SourceLocation Close,
                    const std::vector<std::pair<const clang::CXXDefaultArgExpr *, std::string>> &Made);
  bool keepTemporaries(const clang::Expr *Operand, const LayoutBuilder::Open &GroupHome,
                       std::vector<std::string> &Kept);
  // Argument: the first argument object, where a refusal is reported.
  bool constructFutureDirectly(const clang::CallExpr *Call, const clang::Expr *Argument, bool PassDefaults);
  // Computes a value of the full-expression before the await that follows
  // it, into the frame (Kept: what must be destroyed at its end).
  bool keepValue(const Hoist &H, const LayoutBuilder::Open &GroupHome, std::vector<std::string> &Kept);
  std::string placementNew(const std::string &Slot, clang::QualType T, const std::string &Type,
                           const clang::Expr *Made, const std::string &Source);
  std::string exprType(const clang::Expr *E, clang::SourceLocation Loc);
  std::string declvalOf(const clang::Expr *E, clang::SourceLocation Loc);
  std::string callType(const clang::CallExpr *Call, clang::SourceLocation Loc);
  // T spelled by the name of the template parameter it is the argument of,
  // for the arguments of a specialization that C++ cannot name (GenericArgs):
  // `F`, `const F&`, `F*`.
  std::optional<std::string> genericName(clang::QualType T);
  bool destroys(clang::QualType T);
  std::vector<std::pair<clang::QualType, std::string>> GenericArgs;
  std::string futureType(const clang::Expr *Operand);
  // Emitted right after the resume label of the next full-expression's last
  // await (a declaration no jump may cross).
  std::string AfterLastResume;
  // The poll of an await's future: written where the await is, or, when
  // other awaits poll futures of its type, at a site they share after the
  // body (asyncc::detail::SharedPoll), which a PollNode::Poll stands for
  // until every await is known (placePolls).
  struct PollStep {
    unsigned Number = 0;    // the await's
    bool Shareable = false;  // made in the frame, outside a try block, with a trivial Poll
    std::string SiteType;    // awaits of one SiteType share a site
    std::string FuturePath;
    std::string Destroy;  // the future's, which follows the poll: the site destroys it
    std::string Guard;                 // AfterLastResume: declared once the future is ready
    std::vector<std::string> InPlace;  // the poll where the await is
    std::string Take;                  // after the site: its ready Poll; \035 stands for the site
  };
  std::vector<PollStep> PollSteps;
  void placePolls();
  // Values evaluated before an await of the full-expression being lowered
  // (Frame.h).
  std::vector<Hoist> Hoists;

  const clang::FunctionDecl &FD;
  clang::ASTContext &Ctx;
  clang::SourceManager &SM;
  clang::Rewriter Scratch;
  llvm::StringRef File;
  clang::PrintingPolicy Policy;
  LoweredFunction Out;
  LayoutBuilder Layout{Out.Frame};
  std::optional<FrameAnalysis> Frame;
  bool Failed = false;

  llvm::DenseMap<const clang::VarDecl *, std::string> VarPath;
  llvm::DenseMap<const clang::BindingDecl *, std::string> BindingPath;
  // Frame variables whose emitted type is not their own: futures of ASYNC
  // functions (exprType).
  llvm::DenseMap<const clang::ValueDecl *, std::string> VarType;
  // Futures of ASYNC calls that join, select or timeout poll where the
  // frame keeps them (OperandTemporaries::Pinned): callType spells them so.
  llvm::DenseSet<const clang::Expr *> PinnedFutures;
  llvm::StringSet<> HoistedTypes;
  llvm::StringSet<> LiveNames;
  llvm::DenseSet<const clang::DeclRefExpr *> Renamed;
  llvm::DenseSet<const clang::CXXThisExpr *> RenamedThis;
  llvm::DenseSet<const clang::LambdaExpr *> RenamedLambdas;
  // A declarator of a declaration of several: its specifiers and itself, up
  // to its name (`int *p`).
  llvm::DenseMap<const clang::VarDecl *, std::string> DeclaratorHead;
  unsigned CurrentLive = 0;
  unsigned TempCount = 0;
};

} // namespace asyncc::tool
