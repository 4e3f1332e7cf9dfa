// Measure: Clang's view of the emitted structs, for --dump. The emitted code
// is compiled (in memory, with the input's compile command) and, for each
// future, sizeof the struct and of each stored member is read from Clang's
// record layout. The model alone cannot say: the sizes of the types it
// stores are the compiler's.
#pragma once

#include "StateMachine.h"

#include "clang/Tooling/Tooling.h"

#include <memory>
#include <vector>

namespace asyncc::tool {

// Fills FutureSize and MemberSizes of each of Functions from
// the emitted code it is run on; leaves them empty if that does not compile.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newMeasureActionFactory(std::vector<LoweredFunction> &Functions);

} // namespace asyncc::tool
