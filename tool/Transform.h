// Transform: rewrites a file's ASYNC functions into state machines (the
// lowering and emission of each function) and writes the result.
#pragma once

#include "clang/Tooling/Tooling.h"

#include <memory>
#include <string>

namespace asyncc::tool {

// The rewritten file; empty Text and Ok false when the input had errors.
struct TransformResult {
  bool Ok = false;
  std::string Text;
};

std::unique_ptr<clang::tooling::FrontendActionFactory>
newTransformActionFactory(const std::string &DisplayName, TransformResult &Out);

} // namespace asyncc::tool
