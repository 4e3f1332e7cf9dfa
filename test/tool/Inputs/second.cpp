#include <asyncc/async.hpp>

ASYNC asyncc::Async<int> two() { co_return 2; }
