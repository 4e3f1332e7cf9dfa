#include "Emission.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cctype>

namespace asyncc::tool {
namespace {

// How a parameter's value Name reaches the future's member: an lvalue
// reference binds to it, anything else (an rvalue reference too) is moved.
std::string passed(const Parameter &P, const std::string &Name) {
  return P.IsReference && !P.IsRvalueReference ? Name : "std::move(" + Name + ")";
}

// Whether the text of poll's body names Name (a marked generated name).
bool mentions(const PollNode &N, llvm::StringRef Name) {
  return llvm::StringRef(N.Text).contains(Name) ||
         llvm::any_of(N.Children, [&](const PollNode &C) { return mentions(C, Name); });
}

// The frame: the values poll stores, each with the points of poll between
// which it is alive, then the union of their slots, the state last. The
// compiler places them (asyncc/frame_layout.hpp): values never alive at the
// same time share bytes, and the state goes where alignment leaves a gap.
void emitFrame(llvm::raw_string_ostream &OS, const LoweredFunction &F) {
  OS << "  // Each value the state machine stores, with the points of poll between\n"
        "  // which it is alive: values never alive at once share bytes.\n";
  OS << "  using \037frame_ = asyncc::detail::Frame<  // type, from, to\n";
  for (const FrameSlot &Slot : F.Frame)
    OS << "      asyncc::detail::Lifetime<" << Slot.Type << ", " << Slot.From << ", " << Slot.To << ">,  // "
       << Slot.Name << "\n";
  OS << "      asyncc::detail::Lifetime<\037State, 0, " << F.FrameEnd << ">>;  // \037state_\n";
  OS << "  union {\n";
  for (size_t I = 0; I != F.Frame.size(); ++I) {
    const FrameSlot &Slot = F.Frame[I];
    OS << "    asyncc::detail::Slot<\037frame_, " << I << "> " << Slot.Name << ';';
    if (!Slot.Comment.empty())
      OS << "  // " << Slot.Comment;
    OS << '\n';
  }
  OS << "    asyncc::detail::StateSlot<\037frame_, " << F.Frame.size() << "> \037state_ = \037State::Start;\n";
  OS << "  };\n";
}

// Text with the mark of each ASYNC lambda of F's body replaced by the
// lambda's text.
std::string withNestedLambdas(const std::string &Text, const LoweredFunction &F, const EmissionOptions &Options) {
  std::string Out;
  for (size_t I = 0; I < Text.size(); ++I) {
    size_t End = Text[I] == '\036' ? Text.find('\036', I + 1) : std::string::npos;
    if (End == std::string::npos) {
      Out += Text[I];
      continue;
    }
    Out += emitLambda(F.NestedLambdas[std::stoul(Text.substr(I + 1, End - I - 1))], Options);
    I = End;
  }
  return Out;
}

// The lines of poll's body, each preceded by a #line directive where the
// line it comes from is not the one the compiler would count to.
void emitPollBody(llvm::raw_string_ostream &OS, const LoweredFunction &F, const EmissionOptions &Options) {
  std::vector<std::string> Lines;
  std::vector<unsigned> SourceLines;
  printPollTree(F.Body, Lines, SourceLines);
  unsigned Next = 0;  // the line the compiler assigns to the next line; 0 outside the input's lines
  for (size_t I = 0; I != Lines.size(); ++I) {
    const std::string &Line = Lines[I];
    unsigned From = SourceLines[I];
    if (Options.LineDirectives && From != 0 && From != Next) {
      OS << lineDirective(From, Options.SourcePath) << '\n';
      Next = From;
    }
    if (Line.find('\036') != std::string::npos) {
      // A lambda's text, with its own directives: the next line needs one.
      OS << "    " << withNestedLambdas(Line, F, Options) << '\n';
      Next = 0;
      continue;
    }
    OS << (Line.empty() ? "" : "    ") << Line << '\n';
    if (Next)
      ++Next;
  }
  if (Options.LineDirectives && Next)
    OS << ReturnToOutputLine << '\n';
}


} // namespace

std::string lineDirective(unsigned Line, llvm::StringRef Path) {
  std::string Text = "#line " + std::to_string(Line) + " \"";
  for (char C : Path) {
    if (C == '\\' || C == '"')
      Text += '\\';
    Text += C;
  }
  return Text + '"';
}

// Spells the generated names marked in Text (see GeneratedNames).
static std::string spellGeneratedNames(const std::string &Text, const std::map<std::string, std::string> &Names) {
  std::string Out;
  Out.reserve(Text.size());
  for (size_t I = 0; I < Text.size(); ++I) {
    if (Text[I] != '\037') {
      Out += Text[I];
      continue;
    }
    size_t End = I + 1;
    while (End < Text.size() && (std::isalnum(static_cast<unsigned char>(Text[End])) || Text[End] == '_'))
      ++End;
    std::string Name = Text.substr(I + 1, End - I - 1);
    auto It = Names.find(Name);
    Out += It == Names.end() ? Name : It->second;
    I = End - 1;
  }
  return Out;
}

// The future's struct (with what comes before it: the factories of its
// lambdas, the declaration of a recursive function).
static void emitStructText(llvm::raw_string_ostream &OS, const LoweredFunction &F, const EmissionOptions &Options) {
  const std::string &S = F.FutureName;
  bool HasSelf = !F.SelfType.empty();
  // A method's future is a member of its class: it may use what is private.
  std::string Qualified = F.OutOfLine ? F.ClassName + "::" + S : S;

  // A struct defined in its class has them before the class (Transform).
  if (!structInClass(F))
    for (const std::string &Factory : F.LambdaFactories)
      OS << withNestedLambdas(Factory, F, Options) << "\n";
  OS << "// ASYNC " << (F.IsLambda ? "lambda " : "") << F.Name << ", " << F.File << ':' << F.Line
     << ", as a state machine (asyncc)\n";
  // The declaration as written (default arguments too) comes first when poll
  // calls the function; the definition below then repeats only the types.
  if (F.Recursive && F.ClassName.empty() && !F.Specialization)
    OS << "struct " << F.FutureName << ";\ninline " << F.FutureName << ' ' << F.WrapperHead << ";\n";
  if (F.Specialization && !F.ClassName.empty())  // a member of a class template's specialization, or a member template's
    OS << (F.GenericHead.empty() ? "template <>" : F.GenericHead) << "\nstruct " << F.ClassName << "::" << S
       << (F.MemberTemplate ? F.TemplateArgs : "") << " {\n";
  else if (F.Specialization)
    OS << (F.GenericHead.empty() ? "template <>" : F.GenericHead) << "\nstruct " << S << F.TemplateArgs << " {\n";
  else
    OS << "struct " << Qualified << " {\n";
  for (const std::string &Alias : F.TemplateAliases)
    OS << "  " << Alias << '\n';
  OS << "  using \037Output = " << F.OutputType << ";\n";
  if (!F.LocalTypes.empty()) {
    OS << "  // Types declared in the body.\n";
    for (const std::string &T : F.LocalTypes)
      OS << "  " << T << '\n';
  }
  OS << "  enum class \037State : std::uint8_t {\n";
  OS << "    Start,\n";
  for (const SuspendState &St : F.States)
    OS << "    " << St.Name << ",  // " << St.SourceText << "   " << F.File << ':' << St.Line << '\n';
  OS << "    Done,\n";
  OS << "  };\n\n";

  // Constructor: stores `self` and the parameters, runs nothing (lazy).
  // What the function takes by value it takes by reference, as a
  // coroutine's parameter copies are made from its parameter objects.
  OS << "  explicit " << S << '(';
  if (HasSelf)
    OS << F.SelfType << "* \037self" << (F.Params.empty() ? "" : ", ");
  for (size_t I = 0; I != F.Params.size(); ++I)
    OS << (I ? ", " : "") << F.Params[I].Type << (F.Params[I].IsClass ? "&& " : " ") << F.Params[I].Name;
  OS << ')';
  if (HasSelf)
    OS << " : \037self(\037self)";
  for (size_t I = 0; I != F.Params.size(); ++I) {
    const Parameter &P = F.Params[I];
    OS << (I || HasSelf ? ", " : " : ") << P.Name << '('
       << passed(P, P.Name) << ')';
  }
  OS << " {}\n";
  // Pin guard: movable until the first poll only.
  OS << "  " << S << '(' << S << "&& other)";
  if (HasSelf)
    OS << " : \037self(other.\037self)";
  for (size_t I = 0; I != F.Params.size(); ++I) {
    const Parameter &P = F.Params[I];
    OS << (I || HasSelf ? ", " : " : ") << P.Name << '('
       << passed(P, "other." + P.Name) << ')';
  }
  OS << " {\n";
  OS << "    if (other.\037state_ != \037State::Start) asyncc::detail::moved_after_first_poll(\"" << F.Name << "\");\n";
  OS << "  }\n";
  OS << "  " << S << "(const " << S << "&) = delete;\n";
  OS << "  " << S << "& operator=(const " << S << "&) = delete;\n";
  OS << "  " << S << "& operator=(" << S << "&&) = delete;\n";
  OS << "  ~" << S << "() { \037drop(\037live_at(\037state_)); }\n";
  OS << "  // Destroys what the future holds and completes it: how join, select and\n";
  OS << "  // timeout drop one that the awaiting frame keeps (asyncc::detail::Pinned).\n";
  OS << "  void cancel() noexcept {\n";
  OS << "    \037drop(\037live_at(\037state_));\n";
  OS << "    \037state_ = \037State::Done;\n";
  OS << "  }\n\n";

  // Polled after it completed, a future aborts, as a Rust one panics. An
  // ASYNC function polls the futures it made itself, which it destroys once
  // ready, with asyncc::detail::resume: no check there, and no call that
  // keeps the compiler from inlining a chain of them.
  OS << "  asyncc::Poll<\037Output> poll(asyncc::Context& \037cx) {\n";
  OS << "    if (\037state_ == \037State::Done) asyncc::detail::polled_after_completion(\"" << F.Name << "\");\n";
  OS << "    return poll(\037cx, asyncc::detail::resume);\n";
  OS << "  }\n";
  OS << "  // Polls the future, which has not completed.\n";
  // A function that never awaits has no use for the context.
  OS << "  asyncc::Poll<\037Output> poll(asyncc::Context&" << (F.States.empty() ? "" : " \037cx")
     << ", asyncc::detail::Resume) {\n";
  OS << "    \037Unwind \037unwind{*this, \037Live::" << F.Live[F.StartLive].Name << "};\n";
  bool LiveRead = !F.States.empty() || mentions(F.Body, "\037live");
  OS << "    " << (LiveRead ? "" : "[[maybe_unused]] ") << "\037Live& \037live = \037unwind.\037live;\n";
  if (F.ResumesInsideTry)
    OS << "    \037State \037resuming = \037state_;  // a try block's dispatch goes on from here\n";
  for (const auto &[Type, Name] : F.SharedPolls)
    OS << "    " << Type << ' ' << Name << ";  // polls the futures of several awaits: see " << Name << " below\n";
  OS << "    switch (\037state_) {\n";
  OS << "      case \037State::Start: break;\n";
  for (size_t I = 0; I != F.States.size(); ++I)
    OS << "      case \037State::" << F.States[I].Name << ": \037live = \037Live::" << F.Live[F.States[I].Live].Name
       << "; goto " << F.States[I].Entry << ";\n";
  OS << "      default: __builtin_unreachable();  // Done: poll does not resume\n";
  OS << "    }\n";
  emitPollBody(OS, F, Options);
  OS << "  }\n\n";

  OS << " private:\n";
  OS << "  // What is alive in the frame: each enumerator adds one value to its parent.\n";
  OS << "  enum class \037Live : std::" << (F.Live.size() > 255 ? "uint16_t" : "uint8_t") << " {\n";
  for (const LiveNode &L : F.Live)
    OS << "    " << L.Name << ",\n";
  OS << "  };\n";
  OS << "  static \037Live \037live_at(\037State state) noexcept {\n";
  OS << "    switch (state) {\n";
  OS << "      case \037State::Start: return \037Live::" << F.Live[F.StartLive].Name << ";\n";
  for (const SuspendState &St : F.States)
    OS << "      case \037State::" << St.Name << ": return \037Live::" << F.Live[St.Live].Name << ";\n";
  OS << "      default: return \037Live::None;\n";
  OS << "    }\n";
  OS << "  }\n";
  OS << "  // Destroys the values of `at` and its parents, innermost first, down to `stop`.\n";
  OS << "  void \037drop(\037Live at, \037Live stop = \037Live::None) noexcept {\n";
  OS << "    while (at != stop) {\n";
  OS << "      switch (at) {\n";
  OS << "        case \037Live::None: return;\n";
  for (size_t I = 1; I < F.Live.size(); ++I)
    OS << "        case \037Live::" << F.Live[I].Name << ": " << F.Live[I].Destroy << " at = \037Live::"
       << F.Live[F.Live[I].Parent].Name << "; break;\n";
  OS << "      }\n";
  OS << "    }\n";
  OS << "  }\n";
  // A cleanup rather than a catch (...): compilers inline a poll with
  // cleanups into its caller's, one with a handler hardly ever.
  OS << "  // Armed while poll runs: should it throw, destroys what is alive, innermost\n";
  OS << "  // first; then finished. Every return of poll leaves through it.\n";
  OS << "  struct \037Unwind {\n";
  OS << "    " << S << "& future;\n";
  OS << "    \037Live \037live;\n";
  OS << "    bool armed = true;\n";
  OS << "    asyncc::Poll<\037Output> leave(asyncc::Poll<\037Output> result) {\n";
  OS << "      armed = false;\n";
  OS << "      return result;\n";
  OS << "    }\n";
  // Inlined where poll unwinds, else g++ keeps the guard in memory and
  // stores `live` at each change.
  OS << "    [[gnu::always_inline]] ~\037Unwind() {\n";
  OS << "      if (!armed) return;\n";
  OS << "      future.\037drop(\037live);\n";
  OS << "      future.\037state_ = \037State::Done;\n";
  OS << "    }\n";
  OS << "  };\n";
  if (mentions(F.Body, "\037Finish ")) {
    OS << "  // Destroys the frame once the return value is made; then finished.\n";
    OS << "  struct \037Finish {\n";
    OS << "    " << S << "& future;\n";
    OS << "    \037Live& \037live;\n";
    OS << "    bool armed = true;\n";
    OS << "    ~\037Finish() {\n";
    OS << "      if (!armed) return;\n";
    OS << "      future.\037drop(\037live);\n";
    OS << "      \037live = \037Live::None;\n";
    OS << "      future.\037state_ = \037State::Done;\n";
    OS << "    }\n";
    OS << "  };\n";
  }
  OS << "\n";

  if (HasSelf)
    OS << "  " << F.SelfType << "* \037self;  // "
       << (F.IsLambda ? "the lambda's `this`" : "the object the method was called on") << "\n";
  for (const Parameter &P : F.Params) {
    if (P.DestroyedOnCompletion)
      OS << "  union { " << P.Type << ' ' << P.Name << "; };  // destroyed on completion\n";
    else
      OS << "  " << P.Type << ' ' << P.Name << ";\n";
  }
  emitFrame(OS, F);
  OS << "};\n";
}

// The function itself, which now only makes the future.
static void emitWrapperText(llvm::raw_string_ostream &OS, const LoweredFunction &F) {
  const std::string &S = F.FutureName;
  bool HasSelf = !F.SelfType.empty();
  std::string Qualified = F.OutOfLine ? F.ClassName + "::" + S : S;
  if (!F.LeadingAttributes.empty())
    OS << F.LeadingAttributes << ' ';
  if (F.IsLambda)
    OS << "return ";
  else if (F.ClassName.empty())
    OS << "inline " << S << ' ';
  else if (F.OutOfLine)
    OS << (F.InlineSpecified ? "inline " : "") << Qualified << ' ' << F.ClassName << "::";
  else if (!F.VirtualReturn.empty())
    OS << (F.VirtualWritten ? "virtual " : "") << F.VirtualReturn << ' ';
  else
    OS << (F.IsStatic ? "static " : "") << S << ' ';
  if (F.IsLambda) {
    // No head: the lambda's is above.
  } else if (F.Recursive && F.ClassName.empty()) {
    OS << F.Name << '(';
    for (size_t I = 0; I != F.Params.size(); ++I)
      OS << (I ? ", " : "") << F.Params[I].Type << ' ' << F.Params[I].Name;
    OS << ')';
  } else {
    OS << F.WrapperHead;
  }
  if (!F.TrailingQualifiers.empty())
    OS << ' ' << F.TrailingQualifiers;
  if (!F.IsLambda)
    OS << " {\n  return ";
  if (!F.VirtualReturn.empty())
    OS << F.VirtualReturn << '(';
  OS << S << '(' << (!HasSelf ? "" : F.SelfCaptured ? "\037self" : "this");
  for (size_t I = 0; I != F.Params.size(); ++I) {
    const Parameter &P = F.Params[I];
    OS << (I || HasSelf ? ", " : "") << passed(P, P.Name);
  }
  OS << (F.VirtualReturn.empty() ? ");" : "));");
  if (!F.IsLambda)  // a lambda's head and braces are emitLambda's
    OS << "\n}";
}

std::string emitLambdaFactories(const LoweredFunction &F, const EmissionOptions &Options) {
  std::string Text;
  for (const std::string &Factory : F.LambdaFactories)
    Text += withNestedLambdas(Factory, F, Options) + "\n";
  return spellGeneratedNames(Text, F.GeneratedNames);
}

// One version of an ASYNC lambda's body: the future's struct and its return.
static std::string emitLambdaVersion(const LoweredFunction &F, const EmissionOptions &Options) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  emitStructText(OS, F, Options);
  emitWrapperText(OS, F);
  return spellGeneratedNames(Text, F.GeneratedNames);
}

std::string emitLambda(const LoweredLambda &Lambda, const EmissionOptions &Options) {
  std::string Text = Lambda.Head + " {\n";
  for (size_t I = 0; I != Lambda.Versions.size(); ++I) {
    const LoweredFunction &V = Lambda.Versions[I];
    if (V.LambdaCondition.empty())
      Text += emitLambdaVersion(V, Options);
    else
      Text += std::string(I ? " else " : "") + "if constexpr (" + V.LambdaCondition + ") {\n" +
              emitLambdaVersion(V, Options) + "\n}";
  }
  return Text + "\n}";
}

std::string emitFuture(const LoweredFunction &F, const EmissionOptions &Options) {
  if (F.IsLambda)
    return emitLambda({F.LambdaIntroducer + F.LambdaSignature, {F}}, Options);
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  emitStructText(OS, F, Options);
  if (!F.Specialization)  // the function template that makes it is emitted once, after all of them
    emitWrapperText(OS, F);
  return spellGeneratedNames(Text, F.GeneratedNames);
}

std::string emitFutureStruct(const LoweredFunction &F, const EmissionOptions &Options) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  emitStructText(OS, F, Options);
  return spellGeneratedNames(Text, F.GeneratedNames);
}

std::string emitWrapper(const LoweredFunction &F) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  emitWrapperText(OS, F);
  return spellGeneratedNames(Text, F.GeneratedNames);
}

std::string emitFunctionTemplate(const TemplateWrapper &W, const std::vector<LoweredFunction> &Specializations,
                                 const EmissionOptions &Options) {
  const std::string &Future = W.Future;
  std::string FutureType = Future + W.TemplateArgs;
  std::string Text = "// ASYNC " + W.Name + ", a function template: one state machine per instantiation (asyncc)\n" +
                     W.Head + "\nstruct " + Future + ";\n" + W.Head + "\ninline " + FutureType + " " + W.Declarator +
                     ";\n";
  for (const LoweredFunction &F : Specializations)
    Text += emitFuture(F, Options) + "\n";
  return Text + W.Head + "\ninline " + FutureType + " " + W.Parameters + " {\n  return " + FutureType + "(" +
         W.Arguments + ");\n}";
}

std::string emitMethodDeclaration(const TemplateWrapper &W) {
  const std::string &Future = W.Future;
  if (W.MemberTemplate)
    return W.Head + "\nstruct " + Future + ";\n" + W.Head + "\n" + (W.IsStatic ? "static " : "") + Future +
           W.TemplateArgs + " " + W.Declarator + W.Qualifiers + ";";
  return "struct " + Future + ";\n" + (W.IsStatic ? "static " : "") + Future + " " + W.Declarator +
         W.Qualifiers + ";";
}

std::string emitClassTemplateMethod(const TemplateWrapper &W, const std::vector<LoweredFunction> &Specializations,
                                    const EmissionOptions &Options) {
  const std::string &Future = W.Future;
  std::string ClassType = W.ClassName + W.TemplateArgs;
  std::string Text = "\n// ASYNC " + W.ClassName + "::" + W.Name +
                     (W.MemberTemplate ? ", a member template: one state machine per instantiation (asyncc)\n"
                                       : ", a method of a class template: one state machine per specialization (asyncc)\n");
  for (const LoweredFunction &F : Specializations)
    Text += emitFuture(F, Options) + "\n";
  std::string Arguments = W.IsStatic ? W.Arguments : W.Arguments.empty() ? "this" : "this, " + W.Arguments;
  if (W.MemberTemplate)
    return Text + W.Head + "\n" + W.ClassName + "::" + Future + W.TemplateArgs + " " + W.ClassName +
           "::" + W.Parameters + W.Qualifiers + " {\n  return " + Future + W.TemplateArgs + "(" +
           Arguments + ");\n}";
  return Text + W.Head + "\ntypename " + ClassType + "::" + Future + " " + ClassType + "::" + W.Parameters +
         W.Qualifiers + " {\n  return " + Future + "(" + Arguments + ");\n}";
}

std::string emitOutOfLineDeclaration(const LoweredFunction &F, const std::string &Attributes) {
  return "struct " + F.FutureName + ";\n" + (Attributes.empty() ? "" : Attributes + " ") + (F.IsStatic ? "static " : "") +
         F.FutureName;
}

std::string inUnnamedNamespace(const std::string &Text) { return "namespace {\n" + Text + "\n} // namespace"; }

} // namespace asyncc::tool
