#include "AstQueries.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <set>

using namespace clang;

namespace asyncc::tool {

// `unnamed` and the position of parameter I, from 1, lengthened until the
// text of what declares it (Range) does not use it.
static std::string unusedParameterName(SourceRange Range, unsigned I, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  StringRef Text = Lexer::getSourceText(CharSourceRange::getTokenRange(SM.getExpansionRange(Range).getAsRange()), SM,
                                        Ctx.getLangOpts());
  std::string Name = "unnamed" + std::to_string(I + 1);
  while (Text.contains(Name))
    Name += "_";
  return Name;
}

std::string lambdaParameterName(const LambdaExpr &LE, unsigned I, const ASTContext &Ctx) {
  const ParmVarDecl *P = LE.getCallOperator()->getParamDecl(I);
  return P->getName().empty() ? unusedParameterName(LE.getSourceRange(), I, Ctx) : P->getNameAsString();
}

std::string parameterName(const ParmVarDecl &P, const ASTContext &Ctx) {
  if (!P.getName().empty())
    return P.getNameAsString();
  const auto *F = dyn_cast<FunctionDecl>(P.getDeclContext());
  if (!F || P.isParameterPack())
    return "";
  return unusedParameterName(F->getSourceRange(), P.getFunctionScopeIndex(), Ctx);
}

// The text from Begin to End with the name NameOf gives each unnamed
// parameter of F (none if empty) inserted after its type: last first, so
// that offsets hold.
static std::string insertParameterNames(const FunctionDecl &F, SourceLocation Begin, SourceLocation End,
                                        llvm::function_ref<std::string(unsigned)> NameOf, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange Written =
      CharSourceRange::getTokenRange(SM.getExpansionRange(SourceRange(Begin, End)).getAsRange());
  std::string Text = Lexer::getSourceText(Written, SM, Ctx.getLangOpts()).str();
  unsigned From = SM.getFileOffset(Written.getBegin());
  for (unsigned I = F.getNumParams(); I-- > 0;) {
    const ParmVarDecl &P = *F.getParamDecl(I);
    if (!P.getName().empty() || P.isParameterPack())
      continue;
    std::string Name = NameOf(I);
    SourceLocation TypeEnd = P.getTypeSourceInfo() ? P.getTypeSourceInfo()->getTypeLoc().getEndLoc() : P.getEndLoc();
    unsigned At = SM.getFileOffset(Lexer::getLocForEndOfToken(SM.getExpansionLoc(TypeEnd), 0, SM, Ctx.getLangOpts()));
    if (!Name.empty() && At >= From && At - From <= Text.size())
      Text.insert(At - From, " " + Name);
  }
  return Text;
}

std::string withParameterNames(const FunctionDecl &F, SourceLocation Begin, SourceLocation End,
                               const ASTContext &Ctx) {
  return insertParameterNames(
      F, Begin, End, [&](unsigned I) { return parameterName(*F.getParamDecl(I), Ctx); }, Ctx);
}

std::string placement(const std::string &Path, const std::string &Type) {
  StringRef T(Type);
  bool Elaborated = T.starts_with("struct ") || T.starts_with("class ") || T.starts_with("union ") ||
                    T.starts_with("enum ");
  return "::new (static_cast<void*>(&" + Path + ")) " + (Elaborated ? "(" + Type + ")" : Type);
}

std::string lambdaSignature(const LambdaExpr &LE, const ASTContext &Ctx) {
  const CXXMethodDecl &Call = *LE.getCallOperator();
  std::string Text = insertParameterNames(
      Call, Call.getFunctionTypeLoc().getLParenLoc(), Call.getFunctionTypeLoc().getRParenLoc(),
      [&](unsigned I) { return lambdaParameterName(LE, I, Ctx); }, Ctx);
  return Text + (Call.isConst() ? "" : " mutable");
}

std::string lambdaIntroducer(const LambdaExpr &LE, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  SourceRange Range = SM.getExpansionRange(LE.getIntroducerRange()).getAsRange();
  std::string Text =
      Lexer::getSourceText(CharSourceRange::getTokenRange(Range), SM, Ctx.getLangOpts()).str();
  // `[=, this]` is C++20; in C++17 `[=]` captures `this` alone.
  if (LE.getCaptureDefault() == LCD_ByCopy)
    for (const LambdaCapture &C : LE.explicit_captures())
      if (C.getCaptureKind() == LCK_This) {
        size_t At = SM.getFileOffset(SM.getExpansionLoc(C.getLocation())) - SM.getFileOffset(Range.getBegin());
        if (size_t Comma = Text.rfind(',', At); Comma != std::string::npos)
          Text.erase(Comma, At + 4 - Comma);
      }
  return Text;
}

bool namesNothingItself(const Stmt *S) {
  // A conversion or a braced list names no type; a default argument of
  // its constructor is the constructor's business.
  bool Unwritten = isa<CXXConstructExpr>(S) && !isa<CXXTemporaryObjectExpr>(S);
  return Unwritten || isa<InitListExpr>(S) || isa<CXXStdInitializerListExpr>(S) || isa<CXXDefaultArgExpr>(S) ||
         isa<ImplicitCastExpr>(S) || isa<FullExpr>(S) || isa<MaterializeTemporaryExpr>(S) ||
         isa<CXXBindTemporaryExpr>(S) || isa<ParenExpr>(S) || isa<StringLiteral>(S) || isa<IntegerLiteral>(S) ||
         isa<FloatingLiteral>(S) || isa<CharacterLiteral>(S) || isa<CXXBoolLiteralExpr>(S) ||
         isa<CXXNullPtrLiteralExpr>(S) || isa<UnaryOperator>(S) || isa<BinaryOperator>(S);
}


const Expr *writtenConstruction(const Expr *E) {
  E = E->IgnoreImplicit();
  if (isa<CXXTemporaryObjectExpr>(E) || (isa<CXXFunctionalCastExpr>(E) && E->getType()->isRecordType()))
    return E;
  return nullptr;
}

void forEachStmt(const Stmt *S, const std::function<void(const Stmt *)> &Fn) {
  if (!S)
    return;
  Fn(S);
  if (isa<LambdaExpr>(S))
    return;
  for (const Stmt *Child : S->children())
    forEachStmt(Child, Fn);
}

bool within(const Stmt *X, const Stmt *S) {
  bool Found = false;
  forEachStmt(S, [&](const Stmt *Y) { Found |= Y == X; });
  return Found;
}

bool leavesByGoto(const Stmt *S) {
  bool Leaves = false;
  forEachStmt(S, [&](const Stmt *X) {
    if (const auto *GS = dyn_cast<GotoStmt>(X))
      Leaves |= !within(GS->getLabel()->getStmt(), S);
  });
  return Leaves;
}

SmallVector<const Stmt *, 4> inEvaluationOrder(const Stmt *S) {
  SmallVector<const Stmt *, 4> Children(S->children().begin(), S->children().end());
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isAssignmentOp())
    std::reverse(Children.begin(), Children.end());
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S); OC && OC->isAssignmentOp() && OC->getNumArgs() == 2)
    Children = {OC->getCallee(), OC->getArg(1), OC->getArg(0)};
  return Children;
}

bool isShortCircuit(const Stmt *S) {
  if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isLogicalOp())
    return containsAwait(BO->getRHS());
  if (const auto *CO = dyn_cast<ConditionalOperator>(S))
    return containsAwait(CO->getTrueExpr()) || containsAwait(CO->getFalseExpr());
  if (const auto *BCO = dyn_cast<BinaryConditionalOperator>(S))  // GNU `a ?: b`
    return containsAwait(BCO->getFalseExpr());
  return false;
}

void collectAwaits(const Stmt *S, std::vector<const Expr *> &Awaits) {
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

bool enteredAsWritten(const Stmt *S) {
  if (const auto *While = dyn_cast<WhileStmt>(S))
    return !containsAwait(While->getCond());
  if (const auto *Do = dyn_cast<DoStmt>(S))
    return !containsAwait(Do->getCond());
  if (const auto *For = dyn_cast<ForStmt>(S))
    return !containsAwait(For->getCond()) && !containsAwait(For->getInc());
  return isa<CompoundStmt>(S) || isa<LabelStmt>(S) || isa<SwitchCase>(S) || isa<IfStmt>(S);
}

bool casesEnterable(const SwitchStmt *SW) {
  ParentMap Parents(const_cast<Stmt *>(SW->getBody()));
  for (const SwitchCase *SC = SW->getSwitchCaseList(); SC; SC = SC->getNextSwitchCase())
    for (const Stmt *X = Parents.getParent(SC); X; X = Parents.getParent(X))
      if (!enteredAsWritten(X))
        return false;
  return true;
}

namespace {
void findEscapes(const Stmt *X, bool Break, bool Continue, Escapes &Out) {
  if (!X || isa<LambdaExpr>(X))
    return;
  if (isa<BreakStmt>(X)) {
    Out.Breaks |= Break;
    return;
  }
  if (isa<ContinueStmt>(X)) {
    Out.Continues |= Continue;
    return;
  }
  if (isa<ForStmt>(X) || isa<WhileStmt>(X) || isa<DoStmt>(X) || isa<CXXForRangeStmt>(X))
    return;  // jumps inside belong to the nested loop
  if (isa<SwitchStmt>(X))
    Break = false;  // a switch takes the breaks
  for (const Stmt *Child : X->children())
    findEscapes(Child, Break, Continue, Out);
}
} // namespace

Escapes escapesOf(const Stmt *S) {
  Escapes Out;
  findEscapes(S, true, true, Out);
  return Out;
}

bool endsFlow(const Stmt *S) {
  const auto *E = dyn_cast_or_null<Expr>(S);
  if (!E)
    return false;
  E = E->IgnoreParenImpCasts();
  if (const auto *Cleanups = dyn_cast<ExprWithCleanups>(E))
    E = Cleanups->getSubExpr()->IgnoreParenImpCasts();
  if (isa<CXXThrowExpr>(E))
    return true;
  if (const auto *Call = dyn_cast<CallExpr>(E))
    if (const FunctionDecl *Callee = Call->getDirectCallee())
      return Callee->isNoReturn();
  return false;
}

int knownCondition(const Expr *Cond, const ASTContext &Ctx) {
  bool Value = false;
  if (!Cond || Cond->isValueDependent() || Cond->isTypeDependent() ||
      !Cond->EvaluateAsBooleanCondition(Value, Ctx))
    return -1;
  return Value ? 1 : 0;
}

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

PrintingPolicy emittedPolicy(const ASTContext &Ctx) {
  PrintingPolicy Policy = Ctx.getPrintingPolicy();
  Policy.SuppressTagKeyword = true;
  Policy.FullyQualifiedName = true;
  // `(anonymous namespace)::T` is not C++: T, found from where it is used.
  Policy.SuppressUnwrittenScope = true;
  return Policy;
}

std::string qualifiedName(const NamedDecl &D) {
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  D.printQualifiedName(OS, emittedPolicy(D.getASTContext()));
  return Name;
}

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

bool unnameableAt(const TemplateArgument &Arg, SourceLocation At, const SourceManager &SM) {
  const CXXRecordDecl *Record = Arg.getKind() == TemplateArgument::Type ? Arg.getAsType()->getAsCXXRecordDecl() : nullptr;
  return Record && (Record->isLambda() || Record->getDeclName().isEmpty() || Record->isLocalClass() ||
                    SM.isBeforeInTranslationUnit(SM.getExpansionLoc(At), SM.getExpansionLoc(Record->getLocation())));
}

bool involvesAsync(QualType T) {
  return T.getCanonicalType().getAsString().find("asyncc::Async<") != std::string::npos;
}

std::vector<WrittenIdentifier> identifiersIn(SourceRange R, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  CharSourceRange CR = CharSourceRange::getTokenRange(SM.getExpansionRange(R).getAsRange());
  StringRef Text = Lexer::getSourceText(CR, SM, LO);
  Lexer Lex(CR.getBegin(), LO, Text.begin(), Text.begin(), Text.end());
  std::vector<WrittenIdentifier> Out;
  Token Tok;
  bool AfterQualifier = false;
  for (bool AtEnd = false; !AtEnd;) {
    AtEnd = Lex.LexFromRawLexer(Tok);  // true with the last token
    if (Tok.is(tok::raw_identifier))
      Out.push_back({Tok.getRawIdentifier(), Tok.getLocation(), AfterQualifier});
    AfterQualifier = Tok.isOneOf(tok::coloncolon, tok::period, tok::arrow);
  }
  return Out;
}

llvm::StringSet<> namedOtherThanLocals(const FunctionDecl &FD, const Stmt *Body,
                                       llvm::ArrayRef<WrittenIdentifier> Identifiers) {
  std::set<unsigned> Own;  // where the function's variables are declared or named
  auto own = [&](SourceLocation Loc) { Own.insert(Loc.getRawEncoding()); };
  auto local = [&](const Decl *D) {
    return (isa<VarDecl>(D) || isa<BindingDecl>(D)) && FD.Encloses(D->getDeclContext());
  };
  for (const ParmVarDecl *P : FD.parameters())
    own(P->getLocation());
  std::function<void(const Stmt *)> Walk = [&](const Stmt *X) {  // lambdas' bodies too
    if (!X)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(X); DRE && local(DRE->getDecl()))
      own(DRE->getLocation());
    if (const auto *DS = dyn_cast<DeclStmt>(X))
      for (const Decl *D : DS->decls()) {
        if (local(D))
          own(D->getLocation());
        if (const auto *DD = dyn_cast<DecompositionDecl>(D))
          for (const BindingDecl *B : DD->bindings())
            own(B->getLocation());
      }
    if (const auto *Catch = dyn_cast<CXXCatchStmt>(X); Catch && Catch->getExceptionDecl())
      own(Catch->getExceptionDecl()->getLocation());
    if (const auto *LE = dyn_cast<LambdaExpr>(X)) {
      for (const LambdaCapture &C : LE->explicit_captures())
        if (C.capturesVariable())
          own(C.getLocation());
      for (const ParmVarDecl *P : LE->getCallOperator()->parameters())
        own(P->getLocation());
      for (const Expr *Init : LE->capture_inits())
        Walk(Init);
      Walk(LE->getBody());
      return;
    }
    for (const Stmt *Child : X->children())
      Walk(Child);
  };
  Walk(Body);
  llvm::StringSet<> Out;
  for (const WrittenIdentifier &Id : Identifiers)
    if (!Id.Qualified && !Own.count(Id.Loc.getRawEncoding()))
      Out.insert(Id.Name);
  return Out;
}

} // namespace asyncc::tool
