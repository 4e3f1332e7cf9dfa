// Transform: rewrites a file's ASYNC functions into state machines (the
// lowering and emission of each function), in memory.
#pragma once

#include "Emission.h"
#include "Lowering.h"

#include "clang/Tooling/Core/Replacement.h"
#include "clang/Tooling/Tooling.h"

#include <memory>
#include <string>
#include <vector>

namespace asyncc::tool {

struct TransformOptions {
  std::string DisplayName;  // the input as comments name it (its file name)
  EmissionOptions Emission;
};

// The rewritten file. Ok is false when the input had errors or was refused.
struct TransformResult {
  bool Ok = false;
  std::string Text;  // the input with each ASYNC definition replaced
  // Where the replacements are in Text (offset and length).
  std::vector<clang::tooling::Range> Replaced;
  // The lowered functions, in source order.
  std::vector<LoweredFunction> Functions;
  // Every file the translation unit read, the input first, sorted after it.
  std::vector<std::string> Dependencies;
};

std::unique_ptr<clang::tooling::FrontendActionFactory>
newTransformActionFactory(const TransformOptions &Options, TransformResult &Out);

} // namespace asyncc::tool
