#include <asyncc/async.hpp>

int   left ( int x ) { return x+1; }   // not formatted

ASYNC asyncc::Async<int> answer() { co_return 42; }

int   right ( int x ) { return x+2; }  // not formatted
