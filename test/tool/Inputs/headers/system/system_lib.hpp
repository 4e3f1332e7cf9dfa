#pragma once
// An ASYNC function in a header found through -isystem.
#include <asyncc/async.hpp>

namespace vendor {
ASYNC inline asyncc::Async<int> fetch() { co_return 1; }
}
