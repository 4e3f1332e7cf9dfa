// Files: writing the outputs all or nothing, and the depfile.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace asyncc::tool {

struct OutputFile {
  std::string Path;
  std::string Text;
};

// Writes every file through a temporary file in its directory, renamed over
// it only once all temporaries are complete: on an error, reported on
// stderr, no file is changed and no temporary is left. A file that exists
// keeps its permissions (through a symbolic link, the file it names is
// replaced); a new one gets 0666 less the umask.
bool writeAll(llvm::ArrayRef<OutputFile> Files);

// A Makefile rule `<targets>: <dependencies>`, as compilers write for -MF,
// with spaces, '#' and '$' escaped.
std::string depfileRule(llvm::ArrayRef<std::string> Targets, llvm::ArrayRef<std::string> Dependencies);

// Where --out-dir puts the output of Input: OutDir/<Input relative to the
// current directory>. Empty, with Error set, for an input outside it.
std::string mirroredPath(llvm::StringRef OutDir, llvm::StringRef Input, std::string &Error);

} // namespace asyncc::tool
