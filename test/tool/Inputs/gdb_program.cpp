#include <asyncc/async.hpp>

struct Ready {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

ASYNC asyncc::Async<int> sum(int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) {
    int step = co_await Ready{i};
    total += step;
  }
  co_return total;
}

int main() {
  asyncc::Context cx(asyncc::noop_waker());
  auto future = sum(4);
  return future.poll(cx).value() == 6 ? 0 : 1;
}
