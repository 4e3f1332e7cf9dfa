#include <asyncc/async.hpp>

ASYNC asyncc::Async<int> one() { co_return 1; }
