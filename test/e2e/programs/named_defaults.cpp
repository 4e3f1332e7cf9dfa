// Default arguments that name what their declaration sees, as library code
// writes them (`const std::string& path = kDefaultPath`,
// `= Options{default_retries()}`), on awaited ASYNC calls made from another
// namespace: the temporary each makes for a reference parameter lives, as
// C++ keeps it, to the end of the full-expression, after the await. The
// call makes it from the default's text with each name spelled from the
// global namespace: constants, functions, enumerators, static members, and
// classes. Traced defaults show where each is made and destroyed; each
// future is dropped after every number of polls.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/join.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::Traced;

namespace files {

const char* const kDefaultPath = "/etc/hosts";
const std::string kTagName = "default tag";
enum class Mode { text, binary };
enum Level { quiet = 1, loud = 3 };

inline int default_retries() { return 2; }

struct Limits {
  static constexpr int extra = 10;
  static int scaled(int n) { return n * 100; }
};

struct Options {
  int retries;
  Mode mode;
  ~Options() { std::printf("~Options %d\n", retries); }
};

ASYNC asyncc::Async<std::size_t> read_file(const std::string& path = kDefaultPath, Mode mode = Mode::text) {
  co_await e2e::Yield(1);
  std::printf("read %s as %s\n", path.c_str(), mode == Mode::text ? "text" : "binary");
  co_return path.size();
}

ASYNC asyncc::Async<int> fetch(int n, const Options& options = Options{default_retries() + Limits::extra, Mode::binary},
                               const Traced& tag = Traced(kTagName, Limits::scaled(loud))) {
  std::printf("fetch %d with %s\n", n, tag.name().c_str());
  co_await e2e::Yield(options.retries % 3);
  co_return n + options.retries + tag.value();
}

}  // namespace files

namespace app {

ASYNC asyncc::Async<int> run() {
  std::size_t n = co_await files::read_file();
  std::size_t m = co_await files::read_file(std::string("/tmp/x"));
  int f = co_await files::fetch(1);
  auto [a, b] = co_await asyncc::join(files::fetch(2), files::read_file());
  std::printf("n=%zu m=%zu f=%d a=%d b=%zu\n", n, m, f, a, b);
  co_return static_cast<int>(n + m + b) + f + a;
}

}  // namespace app

int main() {
  std::printf("run -> %d\n", asyncc::block_on(app::run()));
  e2e::drop_after_each_poll("run", [] { return app::run(); }, 12);
  std::printf("live %d\n", Traced::live_count());
}
