// asyncc: rewrites functions annotated ASYNC into state-machine structs.
// Command line in the manner of clang-tidy: asyncc [options] <file>... [-- <compiler args>]

#include "Analysis.h"
#include "Config.h"
#include "Listing.h"
#include "Model.h"
#include "Transform.h"

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace clang::tooling;
using namespace llvm;

namespace {

enum ExitStatus : int {
  ExitSuccess = 0,
  ExitInputError = 1, // Clang reported errors in an input, or it is missing
  ExitUsageError = 2,
};

cl::OptionCategory AsynccCategory("asyncc options");

cl::opt<bool> List("list",
                   cl::desc("List the ASYNC functions defined in each file, one per line:\n"
                            "<file>:<line>:<col>: <signature> -> <return type>"),
                   cl::cat(AsynccCategory));

cl::opt<std::string> OutputPath("o", cl::desc("Write the transformed file here (one input file)"),
                                 cl::value_desc("file"), cl::cat(AsynccCategory));

cl::extrahelp CommonHelp(CommonOptionsParser::HelpMessage);

const char Overview[] =
    "asyncc rewrites the functions annotated ASYNC into state-machine structs.\n"
    "With -o, writes the file with each ASYNC function replaced by its state machine;\n"
    "with --list, lists the ASYNC functions.\n"
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

// Writes Text to Path through a temporary file in the same directory, so
// that Path is either untouched or complete.
bool writeAtomically(StringRef Path, StringRef Text) {
  SmallString<256> Temp;
  int FD;
  SmallString<256> Model(Path);
  Model += ".tmp-%%%%%%";
  if (std::error_code EC = sys::fs::createUniqueFile(Model, FD, Temp)) {
    errs() << "asyncc: error: cannot write '" << Path << "': " << EC.message() << "\n";
    return false;
  }
  {
    raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.close();
    if (OS.has_error()) {
      errs() << "asyncc: error: cannot write '" << Path << "': " << OS.error().message() << "\n";
      OS.clear_error();
      sys::fs::remove(Temp);
      return false;
    }
  }
  if (std::error_code EC = sys::fs::rename(Temp, Path)) {
    errs() << "asyncc: error: cannot write '" << Path << "': " << EC.message() << "\n";
    sys::fs::remove(Temp);
    return false;
  }
  return true;
}

int transformFile(CommonOptionsParser &Options, const std::string &Path) {
  if (!sys::fs::exists(Path)) {
    errs() << "asyncc: error: no such file or directory: '" << Path << "'\n";
    return ExitInputError;
  }
  ClangTool Tool(Options.getCompilations(), {Path});
  Tool.appendArgumentsAdjuster(getDefaultArgumentsAdjuster());
  asyncc::tool::TransformResult Result;
  if (Tool.run(asyncc::tool::newTransformActionFactory(sys::path::filename(Path).str(), Result).get()) != 0 ||
      !Result.Ok)
    return ExitInputError;
  return writeAtomically(OutputPath, Result.Text) ? ExitSuccess : ExitInputError;
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM Init(argc, argv);
  cl::SetVersionPrinter(printVersion);

  auto Options = CommonOptionsParser::create(argc, argv, AsynccCategory,
                                             cl::OneOrMore, Overview);
  if (!Options) {
    errs() << toString(Options.takeError());
    return ExitUsageError;
  }
  if (!List && OutputPath.empty()) {
    errs() << "asyncc: error: no action given: pass -o <file> or --list\n"
              "Run 'asyncc --help' for usage.\n";
    return ExitUsageError;
  }
  if (!OutputPath.empty()) {
    const auto &Paths = Options->getSourcePathList();
    if (Paths.size() != 1) {
      errs() << "asyncc: error: -o takes exactly one input file\n";
      return ExitUsageError;
    }
    return transformFile(*Options, Paths.front());
  }

  int Status = ExitSuccess;
  // One ClangTool per file: it reports the file as the user named it (ClangTool
  // itself only knows absolute paths), and a broken file leaves the others
  // listed.
  for (const std::string &Path : Options->getSourcePathList()) {
    if (!sys::fs::exists(Path)) {
      errs() << "asyncc: error: no such file or directory: '" << Path << "'\n";
      Status = ExitInputError;
      continue;
    }
    ClangTool Tool(Options->getCompilations(), {Path});
    Tool.appendArgumentsAdjuster(getDefaultArgumentsAdjuster());
    asyncc::tool::FileModel Model;
    Model.File = Path;
    if (Tool.run(asyncc::tool::newAnalysisActionFactory(Model).get()) != 0) {
      Status = ExitInputError;
      continue;
    }
    asyncc::tool::printList(outs(), Model);
  }
  return Status;
}
