// Output: the text written for a transformed file. The replaced definitions
// are formatted with the nearest .clang-format (the rest of the file stays
// byte for byte), a header comment names the source, and the body's #line
// directives end with one naming the output file.
#pragma once

#include "Transform.h"

#include "llvm/Support/Error.h"

#include <string>

namespace asyncc::tool {

struct OutputOptions {
  bool Format = true;
  std::string SourcePath;  // as the user named it; also where .clang-format is looked for
  std::string OutputPath;  // as #line names the output
};

// The file to write; the input unchanged when it has no ASYNC functions.
llvm::Expected<std::string> finishOutput(const TransformResult &Result, const OutputOptions &Options);

} // namespace asyncc::tool
