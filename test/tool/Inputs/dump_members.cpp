#include <asyncc/async.hpp>
#include <asyncc/yield_now.hpp>

namespace shop {
struct Client {
  int base = 1;
  ASYNC asyncc::Async<int> get(int id) {
    co_await asyncc::yield_now();
    co_return base + id;
  }
  template <class T>
  ASYNC asyncc::Async<T> echo(T value) {
    co_await asyncc::yield_now();
    co_return value;
  }
};
} // namespace shop

ASYNC asyncc::Async<int> run(shop::Client& c) {
  auto step = [&c](int k) ASYNC -> asyncc::Async<int> { co_return co_await c.get(k) * 2; };
  int a = co_await step(1);
  co_return a + co_await c.echo(2) + static_cast<int>(co_await c.echo(3L));
}
