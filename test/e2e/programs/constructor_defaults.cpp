// An awaited object made by a constructor whose default argument is a
// temporary bound to a reference parameter (`co_await Reader()`, Reader's
// constructor taking `const std::string& path = "foo.txt"` and keeping the
// reference): native C++ keeps the temporary to the end of the
// full-expression, across the await. Written with parentheses and braces,
// with a written argument before a default, a default naming a constant,
// and a traced default whose destruction shows where it ends.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::Traced;

namespace files {

const std::string kFallback = "fallback.txt";

// Reads nothing: pending once, then ready with the length of the path it
// was given, which it keeps by reference.
struct Reader {
  using Output = std::size_t;
  explicit Reader(const std::string& path = "foo.txt") : path_(path) {}
  asyncc::Poll<std::size_t> poll(asyncc::Context& cx) {
    if (!polled_) {
      polled_ = true;
      cx.waker().wake_by_ref();
      return asyncc::Poll<std::size_t>::pending();
    }
    std::printf("read %s\n", path_.c_str());
    return asyncc::Poll<std::size_t>::ready(path_.size());
  }

 private:
  const std::string& path_;
  bool polled_ = false;
};

struct Opener {
  using Output = int;
  Opener(int flags, const std::string& path = kFallback, const Traced& tag = Traced("opener tag"))
      : flags_(flags), path_(path), tag_(tag) {}
  asyncc::Poll<int> poll(asyncc::Context& cx) {
    if (!polled_) {
      polled_ = true;
      cx.waker().wake_by_ref();
      return asyncc::Poll<int>::pending();
    }
    std::printf("open %s with %d, tag %s\n", path_.c_str(), flags_, tag_.name().c_str());
    return asyncc::Poll<int>::ready(flags_ + static_cast<int>(path_.size()));
  }

 private:
  int flags_;
  const std::string& path_;
  const Traced& tag_;
  bool polled_ = false;
};

}  // namespace files

ASYNC asyncc::Async<std::size_t> read_all() {
  std::size_t total = co_await files::Reader();
  total += co_await files::Reader{};
  total += co_await files::Reader("bar.txt");
  co_return total;
}

ASYNC asyncc::Async<int> open_all() {
  int a = co_await files::Opener(1);
  std::printf("after the first statement\n");
  int b = co_await files::Opener{2, "given.txt"};
  b += co_await files::Opener(3);
  co_return a + b;
}

int main() {
  std::printf("read_all = %zu\n", asyncc::block_on(read_all()));
  std::printf("open_all = %d\n", asyncc::block_on(open_all()));
  e2e::drop_after_each_poll("open_all", [] { return open_all(); }, 4);
  std::printf("live %d\n", Traced::live_count());
}
