// Transformed by asyncc_generate() at build time; runs on the runtime.
#include "consumer.h"

#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/time.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

ASYNC asyncc::Async<int> count_down(int steps) {
  int done = 0;
  for (int i = 0; i < steps; ++i) {
    co_await asyncc::sleep(1ms);
    ++done;
  }
  co_return done;
}

int main() {
  int steps = asyncc::block_on(count_down(consumer_steps));
  std::printf("consumer: %d steps, a future of %zu bytes\n", steps, sizeof(count_down(0)));
  return steps == consumer_steps ? 0 : 1;
}
