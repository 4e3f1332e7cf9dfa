#include "Driver.h"
#include "Find.h"
#include "Config.h"
#include "Files.h"
#include "Listing.h"
#include "Measure.h"
#include "Model.h"
#include "Output.h"
#include "Transform.h"

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang::tooling;
using namespace llvm;

namespace asyncc::tool {
namespace {

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

bool isHeader(StringRef File) {
  StringRef Extension = sys::path::extension(File);
  return Extension == ".h" || Extension == ".hh" || Extension == ".hpp" || Extension == ".hxx";
}

// A header is parsed as a C++ header (Clang would read a .h as C). Only the
// syntax is checked (ClangTool's -fsyntax-only), so no precompiled header is
// made, and `#pragma once` in it is not "in the main file". Its static
// functions are not unused because this file does not call them: the files
// that include it do.
ArgumentsAdjuster getHeaderAdjuster() {
  return [](const CommandLineArguments &Args, StringRef File) {
    if (!isHeader(File))
      return Args;
    return getInsertArgumentAdjuster({"-x", "c++-header"}, ArgumentInsertPosition::BEGIN)(
        getInsertArgumentAdjuster("-Wno-unused-function", ArgumentInsertPosition::END)(Args, File), File);
  };
}

ArgumentsAdjuster getDefaultArgumentsAdjuster() {
  // At the beginning, so that a -std or -x among the user's arguments wins.
  return combineAdjusters(
      combineAdjusters(getInsertArgumentAdjuster("-std=c++20", ArgumentInsertPosition::BEGIN),
                       getHeaderAdjuster()),
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

std::unique_ptr<ClangTool> toolFor(const CompilationDatabase &Compilations, const std::string &Path) {
  auto Tool = std::make_unique<ClangTool>(Compilations, ArrayRef<std::string>{Path});
  Tool->appendArgumentsAdjuster(getDefaultArgumentsAdjuster());
  return Tool;
}

// Transforms Path in memory; false (reported) on any error.
bool transform(const CompilationDatabase &Compilations, const std::string &Path, const DriverOptions &Options,
               TransformResult &Result) {
  if (!checkReadable(Path))
    return false;
  TransformOptions TO;
  TO.DisplayName = sys::path::filename(Path).str();
  TO.Emission.LineDirectives = Options.LineDirectives;
  TO.Emission.SourcePath = Path;
  return toolFor(Compilations, Path)->run(newTransformActionFactory(TO, Result).get()) == 0 &&
         Result.Ok;
}

// Sizes and transitions, from the emitted code compiled in place of the input.
void measure(const CompilationDatabase &Compilations, const std::string &Path, TransformResult &Result) {
  SmallString<256> Absolute(Path);
  sys::fs::make_absolute(Absolute);
  std::unique_ptr<ClangTool> Tool = toolFor(Compilations, Path);
  Tool->mapVirtualFile(Absolute, Result.Text);
  Tool->setPrintErrorMessage(false);
  Tool->run(newMeasureActionFactory(Result.Functions).get());
}

// Where each input's output goes, or an empty vector after a usage error.
std::vector<std::string> outputPaths(ArrayRef<std::string> Inputs, const DriverOptions &Options) {
  std::vector<std::string> Out;
  for (const std::string &Input : Inputs) {
    if (!Options.OutputPath.empty()) {
      Out.push_back(Options.OutputPath);
    } else if (Options.InPlace) {
      Out.push_back(Input);
    } else {
      std::string Error;
      Out.push_back(mirroredPath(Options.OutDir, Input, Error));
      if (Out.back().empty()) {
        errs() << "asyncc: error: " << Error << "\n";
        return {};
      }
    }
  }
  return Out;
}

} // namespace

int listFunctions(const CompilationDatabase &Compilations, ArrayRef<std::string> Inputs) {
  int Status = ExitSuccess;
  // One ClangTool per file: it reports the file as the user named it (ClangTool
  // itself only knows absolute paths), and a broken file leaves the others
  // listed.
  for (const std::string &Path : Inputs) {
    if (!checkReadable(Path)) {
      Status = ExitInputError;
      continue;
    }
    FileModel Model;
    Model.File = Path;
    if (toolFor(Compilations, Path)->run(newAnalysisActionFactory(Model).get()) != 0) {
      Status = ExitInputError;
      continue;
    }
    printList(outs(), Model);
  }
  return Status;
}

int dumpStateMachines(const CompilationDatabase &Compilations, ArrayRef<std::string> Inputs,
                      const DriverOptions &Options) {
  std::vector<DumpedFile> Files;
  int Status = ExitSuccess;
  for (const std::string &Path : Inputs) {
    TransformResult Result;
    if (!transform(Compilations, Path, Options, Result)) {
      Status = ExitInputError;
      continue;
    }
    measure(Compilations, Path, Result);
    Files.push_back({Path, std::move(Result.Functions)});
  }
  if (Status == ExitSuccess)
    printDump(outs(), Options.Dump, Files);
  return Status;
}

int rewriteFiles(const CompilationDatabase &Compilations, ArrayRef<std::string> Inputs,
                 const DriverOptions &Options) {
  std::vector<std::string> Outputs = outputPaths(Inputs, Options);
  if (Outputs.empty())
    return ExitUsageError;
  std::vector<OutputFile> Files;
  std::vector<std::string> Dependencies;
  int Status = ExitSuccess;
  // Everything in memory first: nothing is written unless all succeed.
  for (size_t I = 0; I != Inputs.size(); ++I) {
    TransformResult Result;
    if (!transform(Compilations, Inputs[I], Options, Result)) {
      Status = ExitInputError;
      continue;
    }
    OutputOptions OO;
    OO.Format = Options.Format;
    OO.SourcePath = Inputs[I];
    OO.OutputPath = Outputs[I] == "-" ? "<stdout>" : Outputs[I];
    Expected<std::string> Text = finishOutput(Result, OO);
    if (!Text) {
      errs() << "asyncc: error: cannot format '" << Inputs[I] << "': " << toString(Text.takeError()) << "\n";
      Status = ExitInputError;
      continue;
    }
    for (const std::string &D : Result.Dependencies)
      if (llvm::find(Dependencies, D) == Dependencies.end())
        Dependencies.push_back(D);
    // In place, a file without ASYNC functions is not touched (nor its time stamp).
    if (Options.InPlace && Result.Replaced.empty())
      continue;
    Files.push_back({Outputs[I], std::move(*Text)});
  }
  if (Status != ExitSuccess)
    return Status;
  if (Options.OutputPath == "-") {
    outs() << Files.front().Text;
    outs().flush();
    Files.clear();
  }
  if (!Options.OutDir.empty())
    for (const OutputFile &F : Files)
      if (std::error_code EC = sys::fs::create_directories(sys::path::parent_path(F.Path))) {
        errs() << "asyncc: error: cannot create the directory of '" << F.Path << "': " << EC.message() << "\n";
        return ExitInputError;
      }
  if (!Options.DepFile.empty()) {
    std::vector<std::string> Targets;
    for (const OutputFile &F : Files)
      Targets.push_back(F.Path);
    if (Targets.empty())
      Targets.push_back(Options.OutputPath);
    Files.push_back({Options.DepFile, depfileRule(Targets, Dependencies)});
  }
  return writeAll(Files) ? ExitSuccess : ExitInputError;
}


} // namespace asyncc::tool
