// Measure: Clang's view of the emitted structs, for --dump. The emitted code
// is compiled (in memory, with the input's compile command) and, for each
// future, sizeof the struct and of each stored member is read from Clang's
// record layout, and the states each resumption can reach from the CFG of
// poll (up to the next `state_ = State::X`, or a return).
#pragma once

#include "StateMachine.h"

#include "clang/Tooling/Tooling.h"

#include <memory>
#include <vector>

namespace asyncc::tool {

// Fills FutureSize, MemberSizes and Transitions of each of Functions from
// the emitted code it is run on; leaves them empty if that does not compile.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newMeasureActionFactory(std::vector<LoweredFunction> &Functions);

} // namespace asyncc::tool
