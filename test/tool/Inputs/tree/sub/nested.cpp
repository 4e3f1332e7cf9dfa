#include <asyncc/async.hpp>

ASYNC asyncc::Async<int> nested() { co_return 2; }
