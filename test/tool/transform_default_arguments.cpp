// A default argument that makes a temporary for a reference parameter of an
// awaited ASYNC call is made in the frame, as a written argument's temporary
// is: the call passes it after the written arguments, with the defaults
// before it that make nothing, each made from the declaration's text with
// what it names spelled from the global namespace, as the call may be
// elsewhere (`= kDefaultPath` becomes `::files::kDefaultPath`).
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>
#include <asyncc/join.hpp>

#include <string>
#include <vector>

namespace files {
struct Options {
  int retries = 1;
};

ASYNC asyncc::Async<std::size_t> read_file(const std::string& path = "foo.txt") { co_return path.size(); }
ASYNC asyncc::Async<int> log(const std::string& message, int level = 2, const std::string& prefix = "info") {
  co_return level + static_cast<int>(message.size() + prefix.size());
}
ASYNC asyncc::Async<int> sum(const std::vector<int>& values = {1, 2, 3}) { co_return static_cast<int>(values.size()); }
ASYNC asyncc::Async<int> retry(const Options& options = Options{3}) { co_return options.retries; }

const char *const kDefaultPath = "bar.txt";
enum class Mode { text, binary };
inline int default_retries() { return 2; }
struct Limits {
  static constexpr int extra = 1;
};
ASYNC asyncc::Async<std::size_t> read_path(Mode mode = Mode::text, const std::string& path = kDefaultPath) {
  co_return path.size() + static_cast<std::size_t>(mode);
}
ASYNC asyncc::Async<int> retry_more(const Options& options = files::Options{default_retries() + Limits::extra}) {
  co_return options.retries;
}
} // namespace files

ASYNC asyncc::Async<int> named_defaults() {
  std::size_t n = co_await files::read_path();
  // CHECK: files::read_path_future(files::read_path(::files::Mode::text, asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) std::string(asyncc::detail::implicitly<std::string>(::files::kDefaultPath)), live, Live::None, Live::tmp1)));
  int retries = co_await files::retry_more();
  // CHECK: files::retry_more_future(files::retry_more(asyncc::detail::made(::new (static_cast<void*>(&tmp2.value)) files::Options{::files::default_retries() + ::files::Limits::extra})));
  co_return static_cast<int>(n) + retries;
}

ASYNC asyncc::Async<int> run() {
  std::size_t n = co_await files::read_file();
  // CHECK: files::read_file_future(files::read_file(asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) std::string(asyncc::detail::implicitly<std::string>("foo.txt")), live, Live::None, Live::tmp1)));
  int level = co_await files::log("starting");
  // CHECK: files::log_future(files::log(asyncc::detail::made(::new (static_cast<void*>(&tmp2.value)) std::string(asyncc::detail::implicitly<std::string>("starting")), live, Live::None, Live::tmp2), 2, asyncc::detail::made(::new (static_cast<void*>(&tmp3.value)) std::string(asyncc::detail::implicitly<std::string>("info")), live, Live::tmp2, Live::tmp3)));
  int total = co_await files::sum();
  // CHECK: files::sum_future(files::sum(asyncc::detail::made(::new (static_cast<void*>(&tmp4.value)) std::vector<int>{1, 2, 3}, live, Live::None, Live::tmp4)));
  int retries = co_await files::retry();
  // CHECK: files::retry_future(files::retry(asyncc::detail::made(::new (static_cast<void*>(&tmp5.value)) files::Options{3})));
  co_return static_cast<int>(n) + level + total + retries;
}

// In a call given to join, whose future keeps the reference: made in the
// frame too, passed at that call.
ASYNC asyncc::Async<int> joined() {
  auto [n, level] = co_await asyncc::join(files::read_file(), files::log("joined"));
  // CHECK: files::read_file_future(files::read_file(asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) std::string(asyncc::detail::implicitly<std::string>("foo.txt")), live, Live::None, Live::tmp1))), live, Live::tmp1, Live::tmp2))
  // CHECK-SAME: files::log_future(files::log(asyncc::detail::made(::new (static_cast<void*>(&tmp3.value)) std::string(asyncc::detail::implicitly<std::string>("joined")), live, Live::tmp2, Live::tmp3), 2, asyncc::detail::made(::new (static_cast<void*>(&tmp4.value)) std::string(asyncc::detail::implicitly<std::string>("info")), live, Live::tmp3, Live::tmp4))), live, Live::tmp4, Live::tmp5))));
  co_return static_cast<int>(n) + level;
}

// A constructor's, of the object awaited: passed in its parentheses or
// braces (those of `T(x)`, a cast, too), after what is written.
namespace files {
struct Reader {
  using Output = int;
  explicit Reader(const std::string& path = "foo.txt") : path_(&path) {}
  Reader(int flags, const std::string& path = "bar.txt") : path_(&path) { (void)flags; }
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(static_cast<int>(path_->size())); }
  const std::string* path_;
};
}  // namespace files

ASYNC asyncc::Async<int> constructed() {
  int a = co_await files::Reader();
  // CHECK: files::Reader(files::Reader(asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) std::string(asyncc::detail::implicitly<std::string>("foo.txt")), live, Live::None, Live::tmp1)));
  int b = co_await files::Reader{};
  // CHECK: files::Reader(files::Reader{asyncc::detail::made(::new (static_cast<void*>(&tmp2.value)) std::string(asyncc::detail::implicitly<std::string>("foo.txt")), live, Live::None, Live::tmp2)});
  int c = co_await files::Reader(1);
  // CHECK: files::Reader(files::Reader(1, asyncc::detail::made(::new (static_cast<void*>(&tmp3.value)) std::string(asyncc::detail::implicitly<std::string>("bar.txt")), live, Live::None, Live::tmp3)));
  co_return a + b + c;
}
