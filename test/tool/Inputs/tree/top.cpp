#include <asyncc/async.hpp>

ASYNC asyncc::Async<int> top() { co_return 1; }
