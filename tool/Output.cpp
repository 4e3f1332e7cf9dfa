#include "Output.h"
#include "Emission.h"

#include "clang/Format/Format.h"
#include "clang/Tooling/Core/Replacement.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

using namespace llvm;

namespace asyncc::tool {
namespace {

Expected<std::string> format(const TransformResult &Result, StringRef SourcePath) {
  Expected<clang::format::FormatStyle> Style =
      clang::format::getStyle("file", SourcePath, "LLVM", Result.Text);
  if (!Style)
    return Style.takeError();
  clang::tooling::Replacements Changes = clang::format::reformat(*Style, Result.Text, Result.Replaced, SourcePath);
  return clang::tooling::applyAllReplacements(Result.Text, Changes);
}

// Lines without their line breaks ("\r\n" or "\n"); the last one may be
// empty (a final line break).
SmallVector<StringRef, 0> splitLines(StringRef Text) {
  SmallVector<StringRef, 0> Lines;
  Text.split(Lines, '\n');
  return Lines;
}

// Braces, comments and labels make no code: no directive is needed before them.
bool hasCode(StringRef Line) {
  Line = Line.trim();
  if (Line.empty() || Line == "{" || Line == "}" || Line.starts_with("//"))
    return false;
  return !(Line.ends_with(":") && Line.drop_back().find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
                                      StringRef::npos);
}

struct Directive {
  unsigned Line = 0;
  size_t Lines = 0;  // how many lines it covers, to the next directive or the end of the body
};

// The line of a #line directive the emitter wrote for Path, or 0.
unsigned directiveLine(StringRef Line, StringRef Path) {
  Line.consume_back("\r");
  if (!Line.consume_front("#line "))
    return 0;
  unsigned N;
  StringRef Number = Line.take_until([](char C) { return C == ' '; });
  if (Number.getAsInteger(10, N) || Line.drop_front(Number.size()) != " " + lineDirective(0, Path).substr(8))
    return 0;
  return N;
}

// The emitter's directives in order, with the number of lines each covers.
std::vector<Directive> directives(ArrayRef<StringRef> Lines, StringRef Path) {
  std::vector<Directive> Out;
  bool Open = false;
  for (StringRef L : Lines) {
    if (unsigned N = directiveLine(L, Path)) {
      Out.push_back({N, 0});
      Open = true;
    } else if (L.trim() == ReturnToOutputLine) {
      Open = false;
    } else if (Open) {
      ++Out.back().Lines;
    }
  }
  return Out;
}

// Rewrites the #line directives of the body after formatting: a line the
// formatter broke in two keeps the line it came from (the second part gets
// a directive of its own), directives that state what the compiler counts
// anyway are dropped, and each ReturnToOutputLine names the output file and
// the line after it.
std::string placeLineDirectives(StringRef Text, ArrayRef<Directive> Before, StringRef SourcePath,
                                StringRef OutputPath) {
  SmallVector<StringRef, 0> Lines = splitLines(Text);
  std::vector<Directive> After = directives(Lines, SourcePath);
  if (After.size() != Before.size())  // not the emitter's text: leave it
    After.clear();
  std::string Out;
  Out.reserve(Text.size());
  unsigned OutputLine = 0;
  auto put = [&](StringRef Line, bool LastLine) {
    Out += Line;
    if (!LastLine)
      Out += '\n';
    ++OutputLine;
  };
  size_t Next = 0;     // the next directive
  bool InBody = false;
  unsigned From = 0;   // the source line of the current line
  bool Constant = false;  // the directive's lines all come from its line
  unsigned Implied = 0;   // what the compiler counts for the next line; 0 in the output's own lines
  for (size_t I = 0; I != Lines.size(); ++I) {
    StringRef L = Lines[I];
    bool Last = I + 1 == Lines.size();
    StringRef CR = L.ends_with("\r") ? "\r" : "";
    if (!After.empty() && directiveLine(L, SourcePath)) {
      InBody = true;
      From = After[Next].Line;
      // One emitted line broken by the formatter: each part is its line.
      Constant = Before[Next].Lines == 1 && After[Next].Lines != 1;
      ++Next;
      continue;
    }
    if (L.trim() == ReturnToOutputLine) {
      put((lineDirective(OutputLine + 2, OutputPath) + CR).str(), Last);
      InBody = false;
      Implied = 0;
      continue;
    }
    if (InBody && hasCode(L) && Implied != From) {
      put((lineDirective(From, SourcePath) + CR).str(), false);
      Implied = From;
    }
    put(L, Last);
    if (Implied)
      ++Implied;
    if (InBody && !Constant)
      ++From;
  }
  return Out;
}

} // namespace

Expected<std::string> finishOutput(const TransformResult &Result, const OutputOptions &Options) {
  if (Result.Replaced.empty())
    return Result.Text;
  std::vector<Directive> Emitted = directives(splitLines(Result.Text), Options.SourcePath);
  std::string Text = Result.Text;
  if (Options.Format) {
    Expected<std::string> Formatted = format(Result, Options.SourcePath);
    if (!Formatted)
      return Formatted.takeError();
    Text = std::move(*Formatted);
  }
  size_t FirstNewline = Text.find('\n');
  bool CRLF = FirstNewline != std::string::npos && FirstNewline != 0 && Text[FirstNewline - 1] == '\r';
  std::string Newline = CRLF ? "\r\n" : "\n";
  std::string Header = "// Generated by asyncc from " + Options.SourcePath + ": its ASYNC functions" + Newline +
                       "// are replaced by state machines. Edit the source, not this file." + Newline;
  return placeLineDirectives(Header + Text, Emitted, Options.SourcePath, Options.OutputPath);
}

} // namespace asyncc::tool
