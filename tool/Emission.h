// Emission: the model of a lowered async function -> C++17 source text.
#pragma once

#include "StateMachine.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace asyncc::tool {

struct EmissionOptions {
  // #line directives in poll, so that diagnostics and debuggers show the
  // lines of the input for code that comes from the async body.
  bool LineDirectives = true;
  // The input as #line names it.
  std::string SourcePath;
};

// The line that ends the body's #line directives: the output stage replaces
// it with a #line naming the output file and the line that follows it.
inline constexpr const char *ReturnToOutputLine = "#line 1 \"<asyncc-output>\"";

// A #line directive naming Line of Path.
std::string lineDirective(unsigned Line, llvm::StringRef Path);

// The future struct and the function that makes it, replacing the ASYNC
// function's definition.
std::string emitFuture(const LoweredFunction &F, const EmissionOptions &Options = {});

} // namespace asyncc::tool
