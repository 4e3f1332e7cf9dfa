// bench/timers: schedule and fire 1 000 000 sleeps on one thread.
//
// Three runs, each in its own child process so that peak memory is its own:
//   tasks     1M tasks on a LocalExecutor, each awaiting asyncc::sleep
//   timers    1M asyncc::Sleep futures polled once, fired by the reactor
//   baseline  a std::priority_queue of deadlines and a clock loop
// Deadlines are spread over the same 100 ms window in every run. Reported:
// CPU nanoseconds per timer (user + system), wall time, peak RSS (which for
// asyncc includes the million futures themselves), and the ratios to the
// baseline; each the median of five interleaved runs.
#include <asyncc/executor.hpp>
#include <asyncc/time.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <thread>
#include <vector>

namespace {

using asyncc::Clock;
using namespace std::chrono_literals;

constexpr std::size_t kDefaultCount = 1'000'000;
constexpr Clock::duration kWindow = 100ms;

// The i-th deadline: a fixed permutation of the window, so timers are not
// scheduled in deadline order.
Clock::time_point deadline_of(Clock::time_point start, std::size_t i, std::size_t n) {
  std::size_t slot = (i * 7919) % n;
  return start + kWindow * static_cast<long long>(slot) / static_cast<long long>(n);
}

struct Result {
  double cpu_seconds;
  double wall_seconds;
  long peak_rss_kb;
  std::size_t fired;
};

std::size_t run_tasks(std::size_t n) {
  asyncc::LocalExecutor executor;
  std::size_t fired = 0;
  struct SleepTask {
    using Output = void;
    asyncc::Sleep sleep;
    std::size_t* fired;
    asyncc::Poll<void> poll(asyncc::Context& cx) {
      if (sleep.poll(cx).is_pending()) return asyncc::Poll<void>::pending();
      ++*fired;
      return asyncc::Poll<void>::ready();
    }
  };
  const Clock::time_point start = Clock::now();
  for (std::size_t i = 0; i < n; ++i) executor.spawn(SleepTask{asyncc::sleep_until(deadline_of(start, i, n)), &fired});
  executor.run();
  return fired;
}

std::size_t run_timers(std::size_t n) {
  // Counts wake-ups; one waker shared by every timer.
  static std::size_t fired;
  fired = 0;
  static constexpr asyncc::RawWakerVTable vtable{
      [](const void* p) { return asyncc::RawWaker{p, &vtable}; },
      [](const void*) { ++fired; },
      [](const void*) { ++fired; },
      [](const void*) {},
  };
  const asyncc::Waker waker{asyncc::RawWaker{nullptr, &vtable}};
  asyncc::Context cx(waker);
  asyncc::Reactor& reactor = asyncc::Reactor::current();

  const Clock::time_point start = Clock::now();
  std::vector<std::optional<asyncc::Sleep>> sleeps(n);  // never reallocated: the sleeps are pinned
  for (std::size_t i = 0; i < n; ++i) {
    sleeps[i].emplace(deadline_of(start, i, n));
    if (sleeps[i]->poll(cx).is_ready()) ++fired;
  }
  while (fired < n) reactor.park();
  return fired;
}

std::size_t run_baseline(std::size_t n) {
  using Entry = std::pair<Clock::time_point, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  const Clock::time_point start = Clock::now();
  for (std::size_t i = 0; i < n; ++i) queue.emplace(deadline_of(start, i, n), i);
  std::size_t fired = 0;
  while (!queue.empty()) {
    const Clock::time_point now = Clock::now();
    while (!queue.empty() && queue.top().first <= now) {
      queue.pop();
      ++fired;
    }
    if (!queue.empty()) std::this_thread::sleep_until(queue.top().first);
  }
  return fired;
}

double seconds(timeval tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

// Runs `body` in a child process and returns what it measured.
Result measure(std::size_t (*body)(std::size_t), std::size_t n) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    auto start = Clock::now();
    std::size_t fired = body(n);
    double wall = std::chrono::duration<double>(Clock::now() - start).count();
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    Result r{seconds(self.ru_utime) + seconds(self.ru_stime), wall, self.ru_maxrss, fired};
    if (write(fds[1], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Result r{};
  if (read(fds[0], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) {
    std::fprintf(stderr, "bench/timers: a run failed\n");
    std::exit(1);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : kDefaultCount;
  std::printf("bench/timers: %zu sleeps, deadlines spread over %lld ms, one thread\n", n,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(kWindow).count()));
  struct Row {
    const char* name;
    Result result;
  };
  Row rows[] = {
      {"baseline (priority_queue + clock loop)", {}},
      {"asyncc timers (Sleep + reactor)", {}},
      {"asyncc tasks (LocalExecutor + sleep)", {}},
  };
  std::size_t (*const bodies[])(std::size_t) = {run_baseline, run_timers, run_tasks};
  // Interleaved repetitions; each row reports its median by CPU time, since
  // a shared machine's timings vary from run to run.
  constexpr int kRepetitions = 5;
  std::vector<Result> samples[3];
  for (int rep = 0; rep < kRepetitions; ++rep)
    for (int i = 0; i < 3; ++i) samples[i].push_back(measure(bodies[i], n));
  for (int i = 0; i < 3; ++i) {
    std::sort(samples[i].begin(), samples[i].end(),
              [](const Result& a, const Result& b) { return a.cpu_seconds < b.cpu_seconds; });
    rows[i].result = samples[i][kRepetitions / 2];
  }
  const Result& base = rows[0].result;
  std::printf("%-40s %12s %10s %12s %12s %10s\n", "run", "cpu ns/timer", "wall ms", "peak RSS MiB", "x baseline", "RSS x");
  bool ok = true;
  for (const Row& row : rows) {
    const Result& r = row.result;
    double ns = r.cpu_seconds * 1e9 / static_cast<double>(n);
    double base_ns = base.cpu_seconds * 1e9 / static_cast<double>(n);
    std::printf("%-40s %12.1f %10.1f %12.1f %12.2f %10.2f\n", row.name, ns, r.wall_seconds * 1e3,
                static_cast<double>(r.peak_rss_kb) / 1024.0, ns / base_ns,
                static_cast<double>(r.peak_rss_kb) / static_cast<double>(base.peak_rss_kb));
    if (r.fired != n) {
      std::printf("  error: %zu of %zu timers fired\n", r.fired, n);
      ok = false;
    }
  }
  return ok ? 0 : 1;
}
