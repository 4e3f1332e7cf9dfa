// asyncc: rewrites functions annotated ASYNC into state-machine structs.
// Command line in the manner of clang-tidy: asyncc [options] <file>... [-- <compiler args>]

#include "Analysis.h"
#include "Config.h"
#include "Dump.h"
#include "Files.h"
#include "Listing.h"
#include "Measure.h"
#include "Model.h"
#include "Output.h"
#include "Transform.h"

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

using namespace clang::tooling;
using namespace llvm;
using asyncc::tool::DumpFormat;

namespace {

enum ExitStatus : int {
  ExitSuccess = 0,
  ExitInputError = 1, // errors in an input, refused, missing or unreadable, or an output not written
  ExitUsageError = 2,
};

cl::OptionCategory AsynccCategory("asyncc options");

cl::opt<bool> List("list",
                   cl::desc("List the ASYNC functions defined in each file, one per line:\n"
                            "<file>:<line>:<col>: <signature> -> <return type>"),
                   cl::cat(AsynccCategory));

cl::opt<std::string> OutputPath("o", cl::desc("Write the transformed file here (one input file; - for stdout)"),
                                cl::value_desc("file"), cl::cat(AsynccCategory));

cl::opt<std::string> OutDir("out-dir",
                            cl::desc("Write each transformed file to <dir>/<its path relative to the\n"
                                     "current directory>"),
                            cl::value_desc("dir"), cl::cat(AsynccCategory));

cl::opt<bool> InPlace("i", cl::desc("Rewrite the files in place (atomically; all or none)"),
                      cl::cat(AsynccCategory));

cl::opt<DumpFormat> Dump(
    "dump", cl::desc("Print the state machines instead of writing code:"), cl::value_desc("format"),
    cl::values(clEnumValN(DumpFormat::States, "states", "states, what each keeps alive, transitions"),
               clEnumValN(DumpFormat::Json, "json", "the same as JSON (format in tool/README.md)"),
               clEnumValN(DumpFormat::Dot, "dot", "the state graphs for Graphviz")),
    cl::init(DumpFormat::None), cl::cat(AsynccCategory));

cl::opt<std::string> DepFile("depfile",
                             cl::desc("Also write a Makefile rule: the outputs depend on every file\n"
                                      "the inputs read (as a compiler's -MF)"),
                             cl::value_desc("file"), cl::cat(AsynccCategory));

cl::opt<bool> Format("format", cl::desc("Format the state machines with the nearest .clang-format\n"
                                        "(LLVM style if none; default on)"),
                     cl::init(true), cl::cat(AsynccCategory));

cl::opt<bool> LineDirectives("line-directives",
                             cl::desc("#line directives mapping poll's code to the input's lines\n"
                                      "(default on)"),
                             cl::init(true), cl::cat(AsynccCategory));

cl::extrahelp CommonHelp(CommonOptionsParser::HelpMessage);
cl::extrahelp AsynccHelp(R"(
Actions (exactly one):
  -o <file>          one input file, transformed into <file>
  --out-dir <dir>    each input transformed into <dir>, mirroring its path
  -i                 each input rewritten in place
  --list             the ASYNC functions of each input
  --dump=<format>    the state machines of each input

Nothing is written unless every input is transformed: on an error in any
file, no output changes.

Exit status: 0 success; 1 errors in an input (or it is missing, unreadable or
refused) or an output that cannot be written; 2 usage errors.

Examples:
  asyncc file.cpp -o file.gen.cpp -- -Iinclude
  asyncc -p build --out-dir build/gen src/a.cpp src/b.cpp
  asyncc --dump=states file.cpp -- -Iinclude
)");

const char Overview[] =
    "asyncc rewrites the functions annotated ASYNC into state-machine structs.\n"
    "Input is parsed as C++20 unless the compiler arguments choose another -std.\n";

void printVersion(raw_ostream &OS) {
  OS << "asyncc version " << ASYNCC_VERSION << "\n"
     << "  LLVM version " << LLVM_VERSION_STRING << "\n";
}

bool hasResourceDir(const CommandLineArguments &Args) {
  for (const std::string &Arg : Args) {
    if (Arg == "--") // inputs follow
      break;
    if (StringRef(Arg).starts_with("-resource-dir"))
      return true;
  }
  return false;
}

// LibTooling looks for Clang's builtin headers (stddef.h, ...) next to the
// tool's own binary, where they are not: use those of the Clang we link.
ArgumentsAdjuster getResourceDirAdjuster() {
  return [](const CommandLineArguments &Args, StringRef) {
    if (hasResourceDir(Args))
      return Args;
    return getInsertArgumentAdjuster("-resource-dir=" ASYNCC_CLANG_RESOURCE_DIR,
                                     ArgumentInsertPosition::BEGIN)(Args, "");
  };
}

ArgumentsAdjuster getDefaultArgumentsAdjuster() {
  // At the beginning, so that a -std among the user's arguments wins.
  return combineAdjusters(
      getInsertArgumentAdjuster("-std=c++20", ArgumentInsertPosition::BEGIN),
      getResourceDirAdjuster());
}

// A clear message for an input that cannot be read, before Clang tries.
bool checkReadable(StringRef Path) {
  sys::fs::file_status Status;
  if (sys::fs::status(Path, Status) || !sys::fs::exists(Status)) {
    errs() << "asyncc: error: no such file or directory: '" << Path << "'\n";
    return false;
  }
  if (sys::fs::is_directory(Status)) {
    errs() << "asyncc: error: cannot read '" << Path << "': is a directory\n";
    return false;
  }
  int FD;
  if (std::error_code EC = sys::fs::openFileForRead(Path, FD)) {
    errs() << "asyncc: error: cannot read '" << Path << "': " << EC.message() << "\n";
    return false;
  }
  sys::Process::SafelyCloseFileDescriptor(FD);
  return true;
}

std::unique_ptr<ClangTool> toolFor(CommonOptionsParser &Options, const std::string &Path) {
  auto Tool = std::make_unique<ClangTool>(Options.getCompilations(), ArrayRef<std::string>{Path});
  Tool->appendArgumentsAdjuster(getDefaultArgumentsAdjuster());
  return Tool;
}

// Transforms Path in memory; false (reported) on any error.
bool transform(CommonOptionsParser &Options, const std::string &Path, asyncc::tool::TransformResult &Result) {
  if (!checkReadable(Path))
    return false;
  asyncc::tool::TransformOptions TO;
  TO.DisplayName = sys::path::filename(Path).str();
  TO.Emission.LineDirectives = LineDirectives;
  TO.Emission.SourcePath = Path;
  return toolFor(Options, Path)->run(asyncc::tool::newTransformActionFactory(TO, Result).get()) == 0 &&
         Result.Ok;
}

int list(CommonOptionsParser &Options) {
  int Status = ExitSuccess;
  // One ClangTool per file: it reports the file as the user named it (ClangTool
  // itself only knows absolute paths), and a broken file leaves the others
  // listed.
  for (const std::string &Path : Options.getSourcePathList()) {
    if (!checkReadable(Path)) {
      Status = ExitInputError;
      continue;
    }
    asyncc::tool::FileModel Model;
    Model.File = Path;
    if (toolFor(Options, Path)->run(asyncc::tool::newAnalysisActionFactory(Model).get()) != 0) {
      Status = ExitInputError;
      continue;
    }
    asyncc::tool::printList(outs(), Model);
  }
  return Status;
}

// Sizes and transitions, from the emitted code compiled in place of the input.
void measure(CommonOptionsParser &Options, const std::string &Path, asyncc::tool::TransformResult &Result) {
  SmallString<256> Absolute(Path);
  sys::fs::make_absolute(Absolute);
  std::unique_ptr<ClangTool> Tool = toolFor(Options, Path);
  Tool->mapVirtualFile(Absolute, Result.Text);
  Tool->setPrintErrorMessage(false);
  Tool->run(asyncc::tool::newMeasureActionFactory(Result.Functions).get());
}

int dump(CommonOptionsParser &Options) {
  std::vector<asyncc::tool::DumpedFile> Files;
  int Status = ExitSuccess;
  for (const std::string &Path : Options.getSourcePathList()) {
    asyncc::tool::TransformResult Result;
    if (!transform(Options, Path, Result)) {
      Status = ExitInputError;
      continue;
    }
    measure(Options, Path, Result);
    Files.push_back({Path, std::move(Result.Functions)});
  }
  if (Status == ExitSuccess)
    asyncc::tool::printDump(outs(), Dump, Files);
  return Status;
}

// Where each input's output goes, or an empty vector after a usage error.
std::vector<std::string> outputPaths(const std::vector<std::string> &Inputs) {
  std::vector<std::string> Out;
  for (const std::string &Input : Inputs) {
    if (!OutputPath.empty()) {
      Out.push_back(OutputPath);
    } else if (InPlace) {
      Out.push_back(Input);
    } else {
      std::string Error;
      Out.push_back(asyncc::tool::mirroredPath(OutDir, Input, Error));
      if (Out.back().empty()) {
        errs() << "asyncc: error: " << Error << "\n";
        return {};
      }
    }
  }
  return Out;
}

int rewrite(CommonOptionsParser &Options) {
  const std::vector<std::string> &Inputs = Options.getSourcePathList();
  std::vector<std::string> Outputs = outputPaths(Inputs);
  if (Outputs.empty())
    return ExitUsageError;
  std::vector<asyncc::tool::OutputFile> Files;
  std::vector<std::string> Dependencies;
  int Status = ExitSuccess;
  // Everything in memory first: nothing is written unless all succeed.
  for (size_t I = 0; I != Inputs.size(); ++I) {
    asyncc::tool::TransformResult Result;
    if (!transform(Options, Inputs[I], Result)) {
      Status = ExitInputError;
      continue;
    }
    asyncc::tool::OutputOptions OO;
    OO.Format = Format;
    OO.SourcePath = Inputs[I];
    OO.OutputPath = Outputs[I] == "-" ? "<stdout>" : Outputs[I];
    Expected<std::string> Text = asyncc::tool::finishOutput(Result, OO);
    if (!Text) {
      errs() << "asyncc: error: cannot format '" << Inputs[I] << "': " << toString(Text.takeError()) << "\n";
      Status = ExitInputError;
      continue;
    }
    for (const std::string &D : Result.Dependencies)
      if (llvm::find(Dependencies, D) == Dependencies.end())
        Dependencies.push_back(D);
    // In place, a file without ASYNC functions is not touched (nor its time stamp).
    if (InPlace && Result.Replaced.empty())
      continue;
    Files.push_back({Outputs[I], std::move(*Text)});
  }
  if (Status != ExitSuccess)
    return Status;
  if (OutputPath == "-") {
    outs() << Files.front().Text;
    outs().flush();
    Files.clear();
  }
  if (!OutDir.empty())
    for (const asyncc::tool::OutputFile &F : Files)
      if (std::error_code EC = sys::fs::create_directories(sys::path::parent_path(F.Path))) {
        errs() << "asyncc: error: cannot create the directory of '" << F.Path << "': " << EC.message() << "\n";
        return ExitInputError;
      }
  if (!DepFile.empty()) {
    std::vector<std::string> Targets;
    for (const asyncc::tool::OutputFile &F : Files)
      Targets.push_back(F.Path);
    if (Targets.empty())
      Targets.push_back(OutputPath);
    Files.push_back({DepFile, asyncc::tool::depfileRule(Targets, Dependencies)});
  }
  return asyncc::tool::writeAll(Files) ? ExitSuccess : ExitInputError;
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM Init(argc, argv);
  cl::SetVersionPrinter(printVersion);

  auto Options = CommonOptionsParser::create(argc, argv, AsynccCategory, cl::OneOrMore, Overview);
  if (!Options) {
    errs() << toString(Options.takeError());
    return ExitUsageError;
  }
  int Actions = !OutputPath.empty() + !OutDir.empty() + InPlace + List + (Dump != DumpFormat::None);
  if (Actions == 0) {
    errs() << "asyncc: error: no action given: pass -o <file>, --out-dir <dir>, -i, --list or --dump\n"
              "Run 'asyncc --help' for usage.\n";
    return ExitUsageError;
  }
  if (Actions > 1) {
    errs() << "asyncc: error: -o, --out-dir, -i, --list and --dump exclude each other\n";
    return ExitUsageError;
  }
  if (!DepFile.empty() && (List || Dump != DumpFormat::None)) {
    errs() << "asyncc: error: --depfile goes with -o, --out-dir or -i\n";
    return ExitUsageError;
  }
  if (!OutputPath.empty() && Options->getSourcePathList().size() != 1) {
    errs() << "asyncc: error: -o takes exactly one input file (use --out-dir or -i for several)\n";
    return ExitUsageError;
  }
  if (List)
    return list(*Options);
  if (Dump != DumpFormat::None)
    return dump(*Options);
  return rewrite(*Options);
}
