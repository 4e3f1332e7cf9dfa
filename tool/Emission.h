// Emission: the model of a lowered async function -> C++17 source text.
#pragma once

#include "Lowering.h"

#include <string>

namespace asyncc::tool {

// The future struct and the function that makes it, replacing the ASYNC
// function's definition.
std::string emitFuture(const LoweredFunction &F);

} // namespace asyncc::tool
