// The model of a translation unit's async functions: plain data, filled by
// the analysis (Find.h) and read by the printers (Listing.h). Nothing
// here refers to Clang, so printing cannot depend on how the AST was read.
#pragma once

#include <string>
#include <vector>

namespace asyncc::tool {

struct SourcePosition {
  std::string File;  // as the user named it on the command line
  unsigned Line = 0;
  unsigned Column = 0;
};

// A function definition annotated ASYNC.
struct AsyncFunction {
  std::string QualifiedName;  // ns::Class::name
  std::string Signature;      // ns::Class::name(int, std::string) const
  std::string ReturnType;     // as written: asyncc::Async<std::string>
  SourcePosition Location;    // of the function's name in its definition
};

// The ASYNC functions defined in one input file, in source order.
struct FileModel {
  std::string File;
  std::vector<AsyncFunction> Functions;
};

} // namespace asyncc::tool
