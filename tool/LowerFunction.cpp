// The lowering of the function as a whole: its signature, parameters,
// template arguments and lambda captures; and the text and naming helpers
// the statement and expression lowering share.
#include "AstQueries.h"
#include "Checks.h"
#include "Find.h"
#include "Lowerer.h"
#include "Lowering.h"

#include "clang/AST/Attr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/QualTypeNames.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <iterator>
#include <map>
#include <set>

using namespace clang;

namespace asyncc::tool {

Lowerer::Lowerer(const FunctionDecl &FD, ASTContext &Ctx, StringRef File)
    : FD(FD), Ctx(Ctx), SM(Ctx.getSourceManager()), Scratch(SM, Ctx.getLangOpts()), File(File),
      Policy(emittedPolicy(Ctx)) {
  Out.Live.push_back(LiveNode{"None", "", 0, ""});
  LiveNames.insert("None");
}

// ---- Text -------------------------------------------------------------------

std::string Lowerer::numbered(StringRef Prefix, unsigned N) {
  auto [It, New] = Prefixes.try_emplace(Prefix, Prefix.str());
  if (New) {
    auto takenBy = [&](StringRef Candidate) {
      return llvm::any_of(Written, [&](StringRef Name) {
        return Name.size() > Candidate.size() && Name.starts_with(Candidate) && isDigit(Name[Candidate.size()]);
      });
    };
    while (takenBy(It->second))
      It->second += "_";
  }
  return It->second + std::to_string(N);
}

std::string Lowerer::text(SourceRange R) {
  // One character past the end, then dropped: the Rewriter maps an end
  // that falls on a replaced token to the middle of the replacement.
  SourceRange E = SM.getExpansionRange(R).getAsRange();
  SourceLocation End = Lexer::getLocForEndOfToken(E.getEnd(), 0, SM, Ctx.getLangOpts());
  std::string T = Scratch.getRewrittenText(CharSourceRange::getCharRange(E.getBegin(), End.getLocWithOffset(1)));
  if (!T.empty())
    T.pop_back();
  return T;
}

std::string Lowerer::originalText(SourceRange R) {
  CharSourceRange CR = CharSourceRange::getTokenRange(SM.getExpansionRange(R).getAsRange());
  return Lexer::getSourceText(CR, SM, Ctx.getLangOpts()).str();
}

std::string Lowerer::stmtText(const Stmt *S) {
  renameIn(S);
  SourceRange R = SM.getExpansionRange(S->getSourceRange()).getAsRange();
  SourceLocation AfterSemi = Lexer::findLocationAfterToken(R.getEnd(), tok::semi, SM, Ctx.getLangOpts(),
                                                           /*SkipTrailingWhitespaceAndNewLine=*/false);
  std::string T = text(R);
  if (AfterSemi.isValid() && !isa<DeclStmt>(S) && !isa<CompoundStmt>(S) && !StringRef(T).ends_with(";"))
    T += ";";
  return T;
}

std::optional<std::string> Lowerer::genericName(QualType T) {
  if (GenericArgs.empty())
    return std::nullopt;
  if (T->isReferenceType() || T->isPointerType()) {
    std::optional<std::string> Pointee = genericName(T->getPointeeType());
    if (!Pointee)
      return std::nullopt;
    return *Pointee + (T->isPointerType() ? "*" : T->isLValueReferenceType() ? "&" : "&&") +
           (T.isConstQualified() ? " const" : "");
  }
  for (const auto &[Argument, Name] : GenericArgs)
    if (Ctx.hasSameUnqualifiedType(T, Argument))
      return (T.isConstQualified() ? "const " : "") + Name;
  return std::nullopt;
}

// Whether a value of type T is destroyed: one with a destructor, and one of
// a template parameter kept generic (GenericArgs), whose struct serves
// arguments with a destructor too.
bool Lowerer::destroys(QualType T) {
  return T.isDestructedType() != QualType::DK_none ||
         llvm::any_of(GenericArgs, [&](const auto &Arg) { return Ctx.hasSameUnqualifiedType(T, Arg.first); });
}

std::string Lowerer::typeName(QualType T) {
  if (std::optional<std::string> Generic = genericName(T))
    return *Generic;
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

bool Lowerer::spellable(QualType T, SourceLocation Loc, StringRef What) {
  if (genericName(T))
    return true;
  const Type *Ty = T.getNonReferenceType()->getUnqualifiedDesugaredType();
  if (const auto *RD = Ty->getAsCXXRecordDecl()) {
    // A local class of the function (hoisted into its struct), or the one
    // the method belongs to (its struct is a member).
    bool Hoisted = (RD->isLocalClass() == &FD || RD->Encloses(&FD)) && !RD->isLambda() && !RD->getDeclName().isEmpty();
    if (!Hoisted && (RD->isLambda() || RD->getDeclName().isEmpty() || RD->isLocalClass())) {
      report(Diag::UnnamedType, Loc) << What;
      return false;
    }
  }
  return true;
}

// `this` of a method is the future's `self`: `this` becomes self, `member`
// becomes self->member, in place, so that later replacements of the range
// still cover it.
void Lowerer::renameThis(const CXXThisExpr *This) {
  if (!RenamedThis.insert(This).second)
    return;
  SourceLocation Loc = SM.getExpansionLoc(This->getLocation());
  if (!This->isImplicit()) {
    Scratch.ReplaceText(Loc, 4, "\037self");
    return;
  }
  // `Base::member`: self->Base::member (the object converted to the base).
  DynTypedNodeList Parents = Ctx.getParents(*This);
  while (!Parents.empty() && Parents[0].get<ImplicitCastExpr>())
    Parents = Ctx.getParents(Parents[0]);
  if (const auto *Member = Parents.empty() ? nullptr : Parents[0].get<MemberExpr>(); Member && Member->hasQualifier())
    Loc = SM.getExpansionLoc(Member->getBeginLoc());
  unsigned Length = Lexer::MeasureTokenLength(Loc, SM, Ctx.getLangOpts());
  Scratch.ReplaceText(Loc, Length,
                      "\037self->" + Lexer::getSourceText(CharSourceRange::getCharRange(Loc, Loc.getLocWithOffset(Length)),
                                                        SM, Ctx.getLangOpts())
                                     .str());
}

// The name a variable of the function has in poll: its path in the frame,
// a parameter's member, or none for a plain local.
std::string Lowerer::pathOf(const ValueDecl *D) const {
  if (const auto *VD = dyn_cast<VarDecl>(D); VD && VarPath.count(VD))
    return VarPath.lookup(VD);
  if (const auto *B = dyn_cast<BindingDecl>(D); B && BindingPath.count(B))
    return BindingPath.lookup(B);
  if (const auto *P = dyn_cast<ParmVarDecl>(D); P && P->getDeclContext() == &FD && !P->getName().empty())
    return P->getNameAsString();
  return "";
}

// A lambda in the body keeps its text; what it captures of the frame, a
// parameter or a variable stored there, becomes an init-capture of the same
// name (`[&x = s1.x]`, `[n = n]`), so that its body is unchanged; `this` of
// a method is captured as self, and the body's `this` renamed to it. An
// init-capture would copy a pointer to an array: an array captured by copy
// is captured through a reference of its name to the frame's, in a lambda
// around the lambda that returns it (`[&]() { auto& a = this->a.value;
// return [a] { ... }; }()`), as C++ copies the array a reference captured
// by copy refers to.
void Lowerer::renameCaptures(const LambdaExpr *LE) {
  bool CapturesThis = false;
  std::vector<std::pair<std::string, std::string>> CopiedArrays;  // name, path
  for (const LambdaCapture &C : LE->captures()) {
    if (C.capturesThis()) {
      CapturesThis = true;
      if (C.getCaptureKind() == LCK_StarThis) {  // always explicit
        SourceLocation Star = SM.getExpansionLoc(C.getLocation());
        StringRef Rest = SM.getCharacterData(Star);
        size_t Length = Rest.find("this");
        if (!Rest.starts_with("*") || Length == StringRef::npos) {
          report(Diag::LambdaCapturesFrame, C.getLocation());
          return;
        }
        Scratch.ReplaceText(Star, static_cast<unsigned>(Length + 4), "\037self = asyncc::detail::copy_of(*\037self)");
        continue;
      }
      if (C.isExplicit())
        Scratch.ReplaceText(SM.getExpansionLoc(C.getLocation()), 4, "\037self = \037self");
      else
        Scratch.InsertTextAfterToken(SM.getExpansionLoc(LE->getCaptureDefaultLoc()), ", \037self = \037self");
      continue;
    }
    if (!C.capturesVariable())
      continue;
    const ValueDecl *Captured = C.getCapturedVar();
    if (const auto *VD = dyn_cast<VarDecl>(Captured); VD && VD->isInitCapture()) {
      renameIn(VD->getInit());
      continue;
    }
    std::string Path = pathOf(Captured);
    if (Path.empty())
      continue;
    bool ByCopy = C.getCaptureKind() == LCK_ByCopy;
    std::string Name = Captured->getNameAsString();
    if (ByCopy && Captured->getType().getNonReferenceType()->isArrayType()) {
      CopiedArrays.emplace_back(Name, Path);
      continue;
    }
    if (C.isExplicit())
      Scratch.ReplaceText(SM.getExpansionLoc(C.getLocation()), static_cast<unsigned>(Name.size()), Name + " = " + Path);
    else
      Scratch.InsertTextAfterToken(SM.getExpansionLoc(LE->getCaptureDefaultLoc()),
                                   std::string(", ") + (ByCopy ? "" : "&") + Name + " = " + Path);
  }
  if (CapturesThis)
    renameThisIn(LE->getBody());
  if (CopiedArrays.empty())
    return;
  std::string References;
  // The path through `this`: the reference's own name would be itself.
  for (const auto &[Name, Path] : CopiedArrays)
    References += "auto& " + Name + " = " +
                  (StringRef(Path).starts_with("(*") ? "(*this->" + Path.substr(2) : "this->" + Path) + "; ";
  SourceRange Range = SM.getExpansionRange(LE->getSourceRange()).getAsRange();
  Scratch.InsertTextBefore(Range.getBegin(), "[&]() { " + References + "return ");
  Scratch.InsertTextAfterToken(Range.getEnd(), "; }()");
}

// The body's `this`; a nested lambda's `[this]` becomes `[self]`, a copy
// of the enclosing one's.
void Lowerer::renameThisIn(const Stmt *S) {
  if (!S)
    return;
  if (const auto *This = dyn_cast<CXXThisExpr>(S))
    renameThis(This);
  for (const Stmt *Child : S->children())
    renameThisIn(Child);
}

void Lowerer::renameIn(const Stmt *S) {
  forEachStmt(S, [&](const Stmt *X) {
    if (const auto *This = dyn_cast<CXXThisExpr>(X)) {
      renameThis(This);
      return;
    }
    if (const auto *LE = dyn_cast<LambdaExpr>(X)) {
      if (RenamedLambdas.insert(LE).second) {
        renameCaptures(LE);
        if (isAsync(*LE->getCallOperator()))
          placeNestedLambda(LE);
        else
          placeLambdasIn(LE);
      }
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
      report(Diag::FrameVariableInMacro, Loc);
      return;
    }
    Scratch.ReplaceText(SourceRange(DRE->getBeginLoc(), DRE->getEndLoc()), NewName);
  });
}

std::string Lowerer::declComment(const VarDecl *VD) {
  return oneLine(originalText(VD->getSourceRange())) + "   " + File.str() + ":" +
         std::to_string(SM.getPresumedLoc(SM.getExpansionLoc(VD->getLocation())).getLine());
}

// ---- Output and the live set ------------------------------------------------

PollNode &Lowerer::add(PollNode::Kind K, const std::string &Text) {
  PollNode N;
  N.K = K;
  N.Text = Text;
  N.Line = SourceLine;
  OpenNodes.back().Children.push_back(std::move(N));
  return OpenNodes.back().Children.back();
}

void Lowerer::open(PollNode::Kind K, const std::string &Text, int Known) {
  PollNode N;
  N.K = K;
  N.Text = Text;
  N.Line = SourceLine;
  N.Known = Known;
  OpenNodes.push_back(std::move(N));
}

void Lowerer::close(const std::string &Tail) {
  PollNode N = std::move(OpenNodes.back());
  OpenNodes.pop_back();
  if (N.K != PollNode::If)  // an if's EndLine is its `else`
    N.EndLine = SourceLine;
  N.Tail = Tail;
  OpenNodes.back().Children.push_back(std::move(N));
}

void Lowerer::emitStatement(const Stmt *S, const std::string &Text) {
  // A case label stays one: the switch's flow leads to it.
  PollNode &N = add(isa<SwitchCase>(S) ? PollNode::Case : PollNode::Code, Text);
  Escapes Jumps = escapesOf(S);
  N.Breaks = Jumps.Breaks;
  N.Continues = Jumps.Continues;
  N.FallsThrough = !isa<BreakStmt>(S) && !isa<ContinueStmt>(S) && !endsFlow(S);
}

unsigned Lowerer::addLiveNode(const std::string &Path, const std::string &Destroy) {
  // Named after the slot (`x` for `x.value`); a value constructed more than
  // once (in two branches) gets a suffix.
  std::string Base = StringRef(Path).ends_with(".value") ? Path.substr(0, Path.size() - 6) : Path;
  std::replace(Base.begin(), Base.end(), '.', '_');
  std::string Name = Base;
  for (unsigned N = 2; !LiveNames.insert(Name).second; ++N)
    Name = Base + "_" + std::to_string(N);
  Out.Live.push_back(LiveNode{Name, Path, CurrentLive, Destroy});
  return Out.Live.size() - 1;
}

void Lowerer::construct(const std::string &Path, const std::string &Destroy) {
  CurrentLive = addLiveNode(Path, Destroy);
  emitLive(CurrentLive);
}

void Lowerer::emitLive(unsigned Node) {
  std::string Line = "\037live = \037Live::" + Out.Live[Node].Name + ";";
  std::vector<PollNode> &Siblings = OpenNodes.back().Children;
  if (!Siblings.empty() && Siblings.back().K == PollNode::Code &&
      llvm::StringRef(Siblings.back().Text).starts_with("\037live = \037Live::")) {
    Siblings.back().Text = Line;
    return;
  }
  emit(Line);
}

void Lowerer::destroyDownTo(unsigned Target) {
  unsigned At = CurrentLive;
  while (At != Target && At != 0) {
    emit(Out.Live[At].Destroy);
    At = Out.Live[At].Parent;
  }
  if (CurrentLive != Target) {
    CurrentLive = Target;
    emitLive(Target);
  }
}

// ---- The function -------------------------------------------------------------

// An ASYNC lambda: its captures become the first members of the future,
// references to the closure's own.
bool Lowerer::lowerLambdaHead(const CXXMethodDecl &Call) {
  const CXXRecordDecl *Closure = Call.getParent();
  const LambdaExpr *LE = lambdaOf(Call, Ctx);
  // In an ASYNC function's body, or in plain lambdas there, it is lowered
  // with it; in a local class of one, nothing would.
  if (!loweredWith(Call, Ctx))
    for (const FunctionDecl *Outer = enclosingFunction(Call); Outer; Outer = enclosingFunction(*Outer))
      if (isAsync(*Outer)) {
        report(Diag::LambdaInAsync, Call.getLocation());
        return false;
      }
  llvm::DenseMap<const ValueDecl *, FieldDecl *> Fields;
  FieldDecl *This = nullptr;
  Closure->getCaptureFields(Fields, This);
  if (!LE) {
    report(Diag::LambdaWithoutExpression, Call.getLocation());
    return false;
  }
  // A lambda capturing `this` (or `*this`) is as a method: the future's
  // `self` is the lambda's `this`, the object or the closure's copy of it.
  if (This) {
    QualType Object = This->getType()->isPointerType() ? This->getType()->getPointeeType() : This->getType();
    if (!This->getType()->isPointerType() && Call.isConst())
      Object.addConst();
    Out.SelfType = typeName(Object);
    Out.SelfCaptured = loweredWith(Call, Ctx) != nullptr;
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
    Capture.Type = capturedType(Var, T) + "&";
    if (Capture.Type.find("(lambda") != std::string::npos) {
      report(Diag::UnnamedType, Var->getLocation()) << "this captured variable";
      return false;
    }
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
  Out.LambdaIntroducer = lambdaIntroducer(*LE, Ctx);
  Out.LambdaSignature = lambdaSignature(*LE, Ctx);
  return !Call.getPrimaryTemplate() || genericCondition(Call);
}

// The condition that chooses this instantiation of a generic lambda among
// the others: the types of its parameters declared `auto`, which only a
// name can tell (decltype). A template parameter list of its own is C++20.
bool Lowerer::genericCondition(const CXXMethodDecl &Call) {
  const FunctionDecl *Pattern = Call.getPrimaryTemplate()->getTemplatedDecl();
  const LambdaExpr *LE = lambdaOf(Call, Ctx);
  if (!LE || !LE->getExplicitTemplateParameters().empty()) {
    report(Diag::GenericLambda, Call.getLocation());
    return false;
  }
  std::vector<std::string> Terms;
  for (unsigned I = 0; I != Pattern->getNumParams(); ++I) {
    const ParmVarDecl *P = Pattern->getParamDecl(I);
    if (!P->getType()->isDependentType())
      continue;
    if (P->isParameterPack()) {
      report(Diag::GenericLambda, P->getLocation());
      return false;
    }
    Terms.push_back("std::is_same_v<decltype(" + lambdaParameterName(*LE, I, Ctx) + "), " +
                    typeName(Call.getParamDecl(I)->getType()) + ">");
  }
  Out.LambdaCondition = llvm::join(Terms, " && ");
  return true;
}

std::optional<size_t> Lowerer::lowerNestedLambda(const LambdaExpr *LE) {
  if (auto It = NestedIndex.find(LE); It != NestedIndex.end())
    return It->second;
  LoweredLambda Lambda;
  Lambda.Head = lambdaSignature(*LE, Ctx);
  for (const CXXMethodDecl *Call : lambdaCalls(*LE)) {
    // It may capture, or await, a lambda this function keeps.
    Lowerer Inner(*Call, Ctx, File);
    Inner.ClosureTypes = ClosureTypes;
    std::optional<LoweredFunction> F = Inner.run();
    if (!F) {
      Failed = true;
      NestedIndex[LE] = std::nullopt;
      return std::nullopt;
    }
    Lambda.Versions.push_back(std::move(*F));
  }
  NestedIndex[LE] = Out.NestedLambdas.size();
  Out.NestedLambdas.push_back(std::move(Lambda));
  return Out.NestedLambdas.size() - 1;
}

std::string Lowerer::capturedType(const ValueDecl *Captured, QualType T) {
  const auto *VD = dyn_cast<VarDecl>(Captured);
  const auto *LE = VD && VD->getInit() ? dyn_cast<LambdaExpr>(strip(VD->getInit())) : nullptr;
  if (LE && ClosureTypes.count(LE))
    return (T.isConstQualified() ? "const " : "") + ClosureTypes.lookup(LE);
  return typeName(T);
}

// The ASYNC lambdas in the body of a plain lambda (LE), or deeper in plain
// lambdas there, are lowered with this function: each becomes its mark.
// The plain lambda's text stays as written, the names it captures too.
void Lowerer::placeLambdasIn(const LambdaExpr *LE) {
  forEachStmt(LE->getBody(), [&](const Stmt *X) {
    const auto *Inner = dyn_cast<LambdaExpr>(X);
    if (!Inner || Inner == LE || !RenamedLambdas.insert(Inner).second)
      return;
    if (isAsync(*Inner->getCallOperator()))
      placeNestedLambda(Inner);
    else
      placeLambdasIn(Inner);
  });
}

// The lambda's text after its captures becomes its mark: the captures,
// renamed, stay text of the body (and a factory may still read them).
void Lowerer::placeNestedLambda(const LambdaExpr *LE) {
  std::optional<size_t> Index = lowerNestedLambda(LE);
  if (!Index)
    return;
  SourceLocation AfterIntroducer =
      Lexer::getLocForEndOfToken(SM.getExpansionLoc(LE->getIntroducerRange().getEnd()), 0, SM, Ctx.getLangOpts());
  SourceRange Rest(AfterIntroducer, SM.getExpansionLoc(LE->getEndLoc()));
  Scratch.ReplaceText(AfterIntroducer, text(Rest).size(), nestedLambdaMark(*Index));
}

// The template arguments of a specialization, and an alias for each of the
// template's parameters, under which the copied body finds them.
bool Lowerer::specialize() {
  // A method of a class template's specialization: the class's parameters.
  const TemplateParameterList *Params = nullptr;
  const TemplateArgumentList *Args = nullptr;
  const auto *Method = dyn_cast<CXXMethodDecl>(&FD);
  if (const auto *Spec = Method ? dyn_cast<ClassTemplateSpecializationDecl>(Method->getParent()) : nullptr) {
    Params = Spec->getSpecializedTemplate()->getTemplateParameters();
    // Defined outside the class, the body names them as its definition does.
    if (const FunctionDecl *Pattern = FD.getTemplateInstantiationPattern();
        Pattern && Pattern->getNumTemplateParameterLists() == 1)
      Params = Pattern->getTemplateParameterList(0);
    Args = &Spec->getTemplateArgs();
  } else {
    Params = FD.getPrimaryTemplate()->getTemplateParameters();
    Args = FD.getTemplateSpecializationArgs();
  }
  // Of a function template, the arguments its specializations cannot name
  // (a lambda passed to it, a class declared after it) stay its parameters.
  bool FunctionTemplate = !Method || Out.MemberTemplate;
  std::vector<std::string> GenericParams, SpecializedArgs;
  for (unsigned I = 0; I != Params->size(); ++I) {
    const NamedDecl *Param = Params->getParam(I);
    const TemplateArgument &Arg = Args->get(I);
    if (Param->isTemplateParameterPack() || Param->getName().empty()) {
      report(Diag::TemplateParameterPack, FD.getLocation());
      return false;
    }
    if (FunctionTemplate && unnameableAt(Arg, FD.getPrimaryTemplate()->getBeginLoc(), SM)) {
      const auto *TypeParam = cast<TemplateTypeParmDecl>(Param);
      GenericArgs.push_back({Arg.getAsType().getCanonicalType(), Param->getNameAsString()});
      GenericParams.push_back((TypeParam->wasDeclaredWithTypename() ? "typename " : "class ") +
                              Param->getNameAsString());
      SpecializedArgs.push_back(Param->getNameAsString());
      continue;
    }
    std::string Spelled = spellTemplateArgs(llvm::ArrayRef<TemplateArgument>(Arg), Ctx);  // <int>
    SpecializedArgs.push_back(Spelled.substr(1, Spelled.size() - 2));
    if (Arg.getKind() == TemplateArgument::Type) {
      std::string Type = Arg.getAsType().getCanonicalType().getAsString(Policy);
      Out.TemplateAliases.push_back("using " + Param->getNameAsString() + " = " + Type + ";");
    } else if (Arg.getKind() == TemplateArgument::Integral) {
      std::string Value = toString(Arg.getAsIntegral(), 10);
      std::string Type = Arg.getIntegralType().getCanonicalType().getAsString(Policy);
      Out.TemplateAliases.push_back("static constexpr " + Type + " " + Param->getNameAsString() + " = " + Value +
                                    ";");
    } else {
      report(Diag::TemplateParameterKind, FD.getLocation());
      return false;
    }
  }
  Out.Specialization = true;
  Out.TemplateArgs = spellTemplateArgs(Args->asArray(), Ctx);
  if (!GenericParams.empty()) {
    Out.GenericHead = "template <" + llvm::join(GenericParams, ", ") + ">";
    // Every argument a parameter: the template's own definition.
    Out.TemplateArgs = GenericParams.size() == Params->size() ? "" : "<" + llvm::join(SpecializedArgs, ", ") + ">";
  }
  return true;
}

// What the future is of: the output type, the method's class, the template
// arguments, the lambda's captures, the wrapper's declarator.
bool Lowerer::lowerSignature() {
  // Async<T>: T is the output.
  const auto *TSD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(FD.getReturnType()->getAsCXXRecordDecl());
  if (!TSD || TSD->getQualifiedNameAsString() != "asyncc::Async" || TSD->getTemplateArgs().size() != 1) {
    report(Diag::NotAsyncReturn, FD.getReturnTypeSourceRange().getBegin());
    return false;
  }
  Out.OutputType = typeName(TSD->getTemplateArgs()[0].getAsType());
  // Spelled as written where possible: std::string, not its full template;
  // an instantiation's as its definition writes it (a method of a class
  // template defined outside it may name the parameters differently).
  const FunctionDecl *Written = FD.getTemplateInstantiationPattern();
  if (!Written)
    Written = &FD;
  if (auto TL = Written->getFunctionTypeLoc()) {
    TypeLoc RetLoc = TL.getReturnLoc();
    while (auto Elab = RetLoc.getAs<ElaboratedTypeLoc>())
      RetLoc = Elab.getNamedTypeLoc();
    // Between the angle brackets: a qualifier's location is not recorded,
    // so the argument's own range would drop the const of `const char*`.
    if (auto SpecLoc = RetLoc.getAs<TemplateSpecializationTypeLoc>(); SpecLoc && SpecLoc.getNumArgs() == 1) {
      SourceLocation From = SM.getExpansionLoc(SpecLoc.getLAngleLoc()).getLocWithOffset(1);
      SourceLocation To = SM.getExpansionLoc(SpecLoc.getRAngleLoc());
      Out.OutputType =
          StringRef(Lexer::getSourceText(CharSourceRange::getCharRange(From, To), SM, Ctx.getLangOpts())).trim().str();
    }
  }

  // A member template of a class that is neither a template nor a closure
  // (Transform emits its specializations after the class).
  const auto *Member = dyn_cast<CXXMethodDecl>(&FD);
  // An instantiation of a generic lambda is chosen by its types instead
  // (genericCondition).
  bool LambdaCall = Member && Member->getParent()->isLambda();
  bool MemberTemplate = Member && FD.isFunctionTemplateSpecialization() && !LambdaCall &&
                        !isa<ClassTemplateSpecializationDecl>(Member->getParent()) &&
                        !Member->getParent()->isDependentContext();
  if (FD.isTemplated() || (FD.isFunctionTemplateSpecialization() && Member && !MemberTemplate && !LambdaCall)) {
    report(LambdaCall ? Diag::GenericLambda : Diag::MemberTemplate, FD.getLocation());
    return false;
  }
  Out.MemberTemplate = MemberTemplate;
  bool OfClassTemplate =
      isa<CXXMethodDecl>(FD) && isa<ClassTemplateSpecializationDecl>(cast<CXXMethodDecl>(FD).getParent());
  if ((FD.isFunctionTemplateSpecialization() || OfClassTemplate) && !LambdaCall && !specialize())
    return false;
  // A lambda's written output type may name what only its template knows
  // (`Async<T>`, `Async<decltype(v)>`): its instantiation's is spelled.
  if (LambdaCall && Written != &FD && Written->getReturnType()->isDependentType())
    Out.OutputType = typeName(TSD->getTemplateArgs()[0].getAsType());
  if (const auto *MD = dyn_cast<CXXMethodDecl>(&FD); MD && MD->getParent()->isLambda()) {
    if (!lowerLambdaHead(*MD))
      return false;
  } else if (const auto *MD = dyn_cast<CXXMethodDecl>(&FD)) {
    if (MD->getParent()->isLambda() || MD->getParent()->getDeclName().isEmpty()) {
      report(Diag::UnsupportedMethod, FD.getLocation());
      return false;
    }
    // Its struct is a member of the class, incomplete there: one holding a
    // value of the class follows the class, which only a class at namespace
    // scope allows (afterClassDepth); a template's follows it anyway.
    if (!OfClassTemplate && !afterClassDepth(FD))
      for (const DeclContext *DC = MD->getParent(); isa<CXXRecordDecl>(DC); DC = DC->getParent())
        if (holdsClassByValue(FD, *cast<CXXRecordDecl>(DC))) {
          report(Diag::HoldsOwnClass, FD.getLocation()) << cast<CXXRecordDecl>(DC)->getNameAsString();
          return false;
        }
    // Each override's future has its own type: a virtual method returns it
    // boxed, as the asyncc::Async<T> it is declared to return.
    if (MD->isVirtual()) {
      if (MD->isOutOfLine() || MD->getDescribedFunctionTemplate() || OfClassTemplate || afterClassDepth(FD)) {
        report(Diag::VirtualMethod, FD.getLocation());
        return false;
      }
      Out.VirtualReturn = originalText(FD.getReturnTypeSourceRange());
      Out.VirtualWritten = MD->isVirtualAsWritten();
    }
    Out.ClassName = typeName(Ctx.getRecordType(MD->getParent()));
    Out.IsStatic = MD->isStatic();
    if (!MD->isStatic())
      Out.SelfType = (MD->isConst() ? "const " : "") + Out.ClassName;
    // A specialization's struct is emitted as a member specialization,
    // wherever the method is defined (Transform), a member template's too.
    if (MD->isOutOfLine() && !OfClassTemplate && !MemberTemplate) {
      const FunctionDecl *InClass = MD->getCanonicalDecl();
      if (InClass == &FD || std::distance(FD.redecls_begin(), FD.redecls_end()) != 2 ||
          !SM.isInMainFile(SM.getExpansionLoc(InClass->getLocation()))) {
        report(Diag::OutOfLineMethodClass, FD.getLocation());
        return false;
      }
      Out.OutOfLine = true;
      Out.InlineSpecified = FD.isInlineSpecified();
    }
  } else {
    // Each separate declaration is rewritten to declare the wrapper
    // (Transform): one this file holds, at namespace scope.
    for (const FunctionDecl *R : FD.redecls())
      if (R != &FD && (R->getFriendObjectKind() != Decl::FOK_None || !R->getLexicalDeclContext()->isFileContext() ||
                       !SM.isInMainFile(SM.getExpansionLoc(R->getLocation())))) {
        report(Diag::DeclaredTwice, R->getLocation());
        return false;
      }
  }
  if (const auto *FPT = FD.getType()->getAs<FunctionProtoType>(); FPT && FPT->hasTrailingReturn() && !Out.IsLambda) {
    report(Diag::TrailingReturn, FD.getLocation());
    return false;
  }
  // The qualifiers after the parameter list: `const`, `noexcept`.
  if (const Stmt *BodyStmt = FD.getBody(); BodyStmt && !Out.IsLambda)
    Out.TrailingQualifiers =
        StringRef(Lexer::getSourceText(
                      CharSourceRange::getCharRange(
                          Lexer::getLocForEndOfToken(SM.getExpansionLoc(Written->getFunctionTypeLoc().getRParenLoc()),
                                                     0, SM, Ctx.getLangOpts()),
                          SM.getExpansionLoc(functionTryBlock(FD) ? functionTryBlock(FD)->getBeginLoc()
                                                                  : BodyStmt->getBeginLoc())),
                      SM, Ctx.getLangOpts()))
            .trim()
            .str();
  // The wrapper keeps the declarator as written (default arguments too).
  Out.WrapperHead = withParameterNames(FD, FD.getLocation(), FD.getFunctionTypeLoc().getRParenLoc(), Ctx);
  if (!Out.IsLambda)
    Out.LeadingAttributes = leadingAttributes(FD);
  forEachStmt(FD.getBody(), [&](const Stmt *X) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(X))
      if (const auto *Callee = dyn_cast<FunctionDecl>(DRE->getDecl()))
        Out.Recursive |= Callee->getCanonicalDecl() == FD.getCanonicalDecl();
  });
  return true;
}

// Parameters are members of the future; one by value with a destructor is
// destroyed when the function completes, after its locals.
bool Lowerer::lowerParameters() {
  for (const ParmVarDecl *P : FD.parameters()) {
    std::string Name = P->getNameAsString();
    if (Name.empty()) {
      // Nothing reads it: only its destructor would be the coroutine's,
      // which keeps it to the end. It gets the name its lowered head
      // gives it. A function's future keeps each (its calls pass them
      // all); a lambda's, one with a destructor.
      const LambdaExpr *LE = Out.IsLambda ? lambdaOf(FD, Ctx) : nullptr;
      bool Destroyed = !P->getType()->isReferenceType() && P->getType().isDestructedType() != QualType::DK_none;
      if (LE && !Destroyed)
        continue;
      Name = LE ? lambdaParameterName(*LE, P->getFunctionScopeIndex(), Ctx) : parameterName(*P, Ctx);
      if (Name.empty()) {
        report(Diag::UnnamedParameter, P->getLocation());
        return false;
      }
    }
    if (!spellable(P->getType(), P->getLocation(), "this parameter"))
      return false;
    Parameter Param;
    Param.Name = Name;
    Param.IsReference = P->getType()->isReferenceType();
    Param.IsRvalueReference = P->getType()->isRValueReferenceType();
    Param.IsClass = P->getType()->isRecordType();
    Param.Type = typeName(P->getType());
    if (!Param.IsReference && destroys(P->getType())) {
      Param.DestroyedOnCompletion = true;
      CurrentLive = addLiveNode("param_" + Param.Name, "std::destroy_at(&" + Param.Name + ");");
      Out.Live.back().Path = Param.Name;
    }
    Out.Params.push_back(Param);
  }
  Out.StartLive = CurrentLive;
  return true;
}

std::optional<LoweredFunction> Lowerer::run() {
  Out.Name = FD.getNameAsString();
  Out.FutureName = futureNameOf(FD);
  Out.File = File.str();
  Out.Line = SM.getPresumedLoc(SM.getExpansionLoc(FD.getLocation())).getLine();
  if (!lowerSignature() || !lowerParameters())
    return std::nullopt;

  const auto *Body = dyn_cast_or_null<CoroutineBodyStmt>(FD.getBody());
  if (!Body) {
    report(Diag::NotCoroutine, FD.getLocation());
    return std::nullopt;
  }
  const auto *UserBody = dyn_cast<CompoundStmt>(Body->getBody());
  // A function-try-block is lowered as a block holding one try statement:
  // for a coroutine that is what it means. The handlers see the parameters
  // (members of the future), the try block's locals are destroyed before a
  // handler runs, and flowing off a handler's end is flowing off the body's.
  // (Clang's block around it has no locations: this one has the try's.)
  if (const CXXTryStmt *FunctionTry = functionTryBlock(FD))
    UserBody = CompoundStmt::Create(Ctx, {const_cast<CXXTryStmt *>(FunctionTry)}, FPOptionsOverride(),
                                    FunctionTry->getBeginLoc(), FunctionTry->getEndLoc());
  if (!UserBody) {
    report(Diag::FunctionTryBlock, FD.getLocation());
    return std::nullopt;
  }
  Frame.emplace(UserBody, [this](QualType T) { return destroys(T); });
  // Names of the generated struct the function writes itself, unqualified,
  // would mean ours in poll: ours get another.
  llvm::StringSet<> Unqualified;
  std::vector<WrittenIdentifier> Identifiers = identifiersIn(SourceRange(FD.getBeginLoc(), bodyEnd(FD)), Ctx);
  for (const WrittenIdentifier &Id : Identifiers) {
    Written.push_back(Id.Name);
    Layout.reserve(Id.Name.str());
    if (!Id.Qualified)
      Unqualified.insert(Id.Name);
  }
  NamedOtherwise = namedOtherThanLocals(FD, UserBody, Identifiers);
  for (const Parameter &P : Out.Params)
    Layout.claim(P.Name);
  for (const char *Name : {"cx", "live", "finish", "unwind", "drop", "live_at", "state_", "self", "resuming", "Finish", "Unwind", "Live",
                           "State", "Output", "frame_"}) {
    std::string Spelling = Name;
    while (Spelling == Name ? Unqualified.count(Spelling) != 0 : llvm::is_contained(Written, Spelling))
      Spelling += "_";
    if (Spelling != Name)
      Out.GeneratedNames[Name] = Spelling;
  }
  // `poll` and `cancel` are the names of the struct that stay (the future's
  // interface): a function of either name, called unqualified, would be the
  // member; it is called by its qualified name, and a variable of that name
  // in the frame gets another.
  for (llvm::StringRef Interface : {"poll", "cancel"}) {
    if (!Unqualified.count(Interface))
      continue;
    Layout.claim(Interface.str());
    llvm::DenseSet<SourceLocation> Qualified;  // a co_return's operand stands twice in the AST
    forEachStmt(UserBody, [&](const Stmt *S) {
      const auto *Ref = dyn_cast<DeclRefExpr>(S);
      const auto *Function = Ref ? dyn_cast<FunctionDecl>(Ref->getDecl()) : nullptr;
      if (!Function || isa<CXXMethodDecl>(Function) || Ref->hasQualifier() || Function->getName() != Interface ||
          Ref->getLocation().isMacroID() || !Qualified.insert(Ref->getLocation()).second)
        return;
      std::string Qualifier = "::";
      for (const DeclContext *DC = Function->getDeclContext(); !DC->isTranslationUnit(); DC = DC->getParent()) {
        if (const auto *Namespace = dyn_cast<NamespaceDecl>(DC)) {
          if (!Namespace->isAnonymousNamespace())
            Qualifier.insert(2, Namespace->getNameAsString() + "::");
        } else if (!DC->isTransparentContext()) {
          return;  // a block's declaration: not reachable by a qualified name
        }
      }
      Scratch.InsertTextBefore(Ref->getLocation(), Qualifier);
    });
  }
  if (!checkBody(*UserBody, *Frame, Ctx))
    return std::nullopt;
  OpenNodes.emplace_back().K = PollNode::Block;  // the top: where poll's dispatch leads
  lowerCompound(UserBody, /*Braces=*/false);
  if (!Failed)
    resolveGotos(OpenNodes.front());
  if (Failed)
    return std::nullopt;
  // Falling off the end of an Async<void> function.
  if (Out.OutputType == "void") {
    CurrentLive = Out.StartLive;
    emitFinish(/*Guarded=*/false);
    add(PollNode::Return, "return \037unwind.leave(asyncc::Poll<void>::ready());");
  } else if (UserBody->body_empty() || !isa<CoreturnStmt>(UserBody->body_back())) {
    emit("asyncc::detail::flowed_off_end(\"" + Out.Name + "\");");
  }
  placePolls();
  Out.Body = std::move(OpenNodes.front());
  Out.FrameEnd = Layout.finish();
  return std::move(Out);
}

static PollNode &appendNode(std::vector<PollNode> &In, PollNode::Kind K, const std::string &Text, unsigned Line = 0) {
  PollNode &N = In.emplace_back();
  N.K = K;
  N.Text = Text;
  N.Line = Line;
  return N;
}

// Each await's poll, where the await is; but the awaits of futures of one
// type share one site after the body, which they jump to and which jumps
// back: the compiler sees one call of that type's poll and inlines it. The
// body never flows into a site: it ends with a return, or with the abort of
// a function that flowed off its end.
void Lowerer::placePolls() {
  std::map<std::string, std::vector<const PollStep *>> ByType;
  std::vector<std::string> Types;  // in the order of their first await
  for (const PollStep &Step : PollSteps) {
    if (!Step.Shareable)
      continue;
    std::vector<const PollStep *> &Steps = ByType[Step.SiteType];
    if (Steps.empty())
      Types.push_back(Step.SiteType);
    Steps.push_back(&Step);
  }
  std::map<std::string, std::string> SiteOf;
  for (const std::string &Type : Types)
    if (ByType[Type].size() > 1)
      SiteOf[Type] = numbered("site", SiteOf.size() + 1);

  // An await's nodes are statements of a block: its Poll is followed by the
  // destruction of its future, which a site does itself.
  std::function<void(PollNode &)> Place = [&](PollNode &Parent) {
    std::vector<PollNode> Children;
    for (size_t I = 0; I != Parent.Children.size(); ++I) {
      PollNode &N = Parent.Children[I];
      if (N.K != PollNode::Poll) {
        Place(N);
        Children.push_back(std::move(N));
        continue;
      }
      const PollStep &Step = PollSteps[N.State - 1];
      auto line = [&](PollNode::Kind K, const std::string &Text) -> PollNode & {
        return appendNode(Children, K, Text, N.Line);
      };
      auto Site = Step.Shareable ? SiteOf.find(Step.SiteType) : SiteOf.end();
      if (Site == SiteOf.end()) {
        if (!Step.Guard.empty())
          line(PollNode::Code, Step.Guard);
        for (const std::string &Text : Step.InPlace)
          line(PollNode::Code, Text);
        continue;
      }
      if (Parent.K != PollNode::Block || I + 1 == Parent.Children.size() ||
          Parent.Children[I + 1].Text != Step.Destroy)
        llvm::report_fatal_error("asyncc: the poll of await " + llvm::Twine(Step.Number) +
                                 " is not followed by the destruction of its future");
      ++I;  // the site destroys it
      // The site comes back here once the future is ready; as far as the
      // flow of the body goes, the poll is where the await is.
      line(PollNode::Code, Site->second + ".await(" + Step.FuturePath + ");");
      line(PollNode::Code, "goto " + Site->second + ";");
      line(PollNode::Label, numbered("polled", Step.Number) + ":").Outdent = true;
      if (!Step.Guard.empty())
        line(PollNode::Code, Step.Guard);
      std::string Take = Step.Take;
      Take.replace(Take.find('\035'), 1, Site->second);
      line(PollNode::Code, Take);
    }
    Parent.Children = std::move(Children);
  };
  Place(OpenNodes.front());

  // What a block declares after its last jump to a site, in braces of its
  // own: g++ ends the storage of every variable of a block that a goto
  // leaves, declared yet or not, and then warns of the pointers to them
  // used after the jump back (-Wdangling-pointer). A block declares nothing
  // before that jump: a resume label follows it, which no initialized
  // variable may be jumped past.
  std::set<std::string> Jumps;
  for (const auto &Site : SiteOf)
    Jumps.insert("goto " + Site.second + ";");
  std::function<bool(PollNode &)> Enclose = [&](PollNode &N) {
    if (N.K == PollNode::Code)
      return Jumps.count(N.Text) != 0;
    size_t After = 0;  // one past the last child that jumps to a site
    for (size_t I = 0; I != N.Children.size(); ++I)
      if (Enclose(N.Children[I]))
        After = I + 1;
    if (After == 0)
      return false;
    if (N.K == PollNode::Block && After != N.Children.size()) {
      PollNode Tail;
      Tail.K = PollNode::Block;
      Tail.Text = "{";
      std::move(N.Children.begin() + After, N.Children.end(), std::back_inserter(Tail.Children));
      N.Children.erase(N.Children.begin() + After, N.Children.end());
      N.Children.push_back(std::move(Tail));
    }
    return true;
  };
  Enclose(OpenNodes.front());

  for (const std::string &Type : Types) {
    auto Site = SiteOf.find(Type);
    if (Site == SiteOf.end())
      continue;
    const std::string &Name = Site->second;
    Out.SharedPolls.push_back({Type, Name});
    std::vector<const PollStep *> &Steps = ByType[Type];
    std::string States;
    for (const PollStep *Step : Steps)
      States += (States.empty() ? "Await" : ", Await") + std::to_string(Step->Number);
    auto line = [](std::vector<PollNode> &In, PollNode::Kind K, const std::string &Text) -> PollNode & {
      return appendNode(In, K, Text);
    };
    std::vector<PollNode> &Top = OpenNodes.front().Children;
    line(Top, PollNode::Code, "// The poll of " + States + ": one call, which the compiler can inline.");
    line(Top, PollNode::Label, Name + ":");
    std::vector<PollNode> &Poll = line(Top, PollNode::Block, "").Children;  // indented, without braces
    line(Poll, PollNode::Code,
         "if (!" + Name + ".poll(\037cx)) return \037unwind.leave(asyncc::Poll<\037Output>::pending());");
    line(Poll, PollNode::Code, Name + ".destroy();");
    line(Poll, PollNode::Code, "switch (\037state_) {");
    std::vector<PollNode> &Cases = line(Poll, PollNode::Block, "").Children;
    for (size_t I = 0; I != Steps.size(); ++I)
      line(Cases, PollNode::Code,
           (I + 1 == Steps.size() ? std::string("default") : "case \037State::Await" + std::to_string(Steps[I]->Number)) +
               ": goto " + numbered("polled", Steps[I]->Number) + ";");
    line(Poll, PollNode::Code, "}");
  }
}

std::optional<LoweredFunction> lowerAsyncFunction(const FunctionDecl &FD, ASTContext &Ctx, StringRef FileName) {
  return Lowerer(FD, Ctx, FileName).run();
}

} // namespace asyncc::tool
