// No ASYNC function here: the output is the input, byte for byte.
#include <asyncc/async.hpp>

int   badly_formatted ( int x ) { return x+1; }
