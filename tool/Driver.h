// Driver: the actions of the command line, each over all the input files:
// Clang is run on each input with its compile command (from the compilation
// database), C++20 unless it says otherwise; a header as a C++ header.
#pragma once

#include "Dump.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/ArrayRef.h"

#include <string>

namespace asyncc::tool {

enum ExitStatus : int {
  ExitSuccess = 0,
  ExitInputError = 1, // errors in an input, refused, missing or unreadable, or an output not written
  ExitUsageError = 2,
};

struct DriverOptions {
  std::string OutputPath;  // -o: one input
  std::string OutDir;      // --out-dir
  bool InPlace = false;    // -i
  std::string DepFile;
  bool Format = true;
  bool LineDirectives = true;
  DumpFormat Dump = DumpFormat::None;
};

// --list: the ASYNC functions of each input; a broken input does not stop the others.
int listFunctions(const clang::tooling::CompilationDatabase &Compilations, llvm::ArrayRef<std::string> Inputs);

// --dump: the state machines of all inputs, printed only if all are transformed.
int dumpStateMachines(const clang::tooling::CompilationDatabase &Compilations, llvm::ArrayRef<std::string> Inputs,
                      const DriverOptions &Options);

// -o, --out-dir, -i: every input transformed in memory, then all outputs
// (and the depfile) written, or none.
int rewriteFiles(const clang::tooling::CompilationDatabase &Compilations, llvm::ArrayRef<std::string> Inputs,
                 const DriverOptions &Options);

} // namespace asyncc::tool
