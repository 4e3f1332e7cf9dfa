#include <asyncc/async.hpp>

ASYNC asyncc::Async<int> three() { co_return 3; }
not_a_type four();
