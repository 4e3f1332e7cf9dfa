// Jumps out of scopes around suspension points, as C code ported to
// coroutines writes them: a retry with goto, a cleanup label, a goto out of
// nested loops, break and continue leaving blocks whose locals have
// destructors, and a range-based for that only returns. The traces show each
// local destroyed in the reverse order of construction, as natively.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <vector>

using asyncc::Async;
using e2e::PendingFor;
using e2e::Traced;

// A connection attempt that fails `failures` times.
ASYNC Async<bool> try_connect(int attempt, int failures) {
  co_await e2e::Yield(1);
  co_return attempt > failures;
}

ASYNC Async<int> connect_with_retry(int failures) {
  int attempt = 0;
  Traced session("session");
retry:
  ++attempt;
  Traced dialing("dial" + std::to_string(attempt));
  bool ok = co_await try_connect(attempt, failures);
  if (!ok) {
    Traced backoff("backoff" + std::to_string(attempt));
    co_await e2e::Yield(1);
    if (attempt < 5)
      goto retry;
    co_return -1;
  }
  co_return attempt;
}

// The C idiom: every failure jumps to one cleanup label.
ASYNC Async<int> handshake(int fail_at) {
  int status = 0;
  Traced buffer("buffer");
  {
    Traced hello("hello");
    if (co_await PendingFor<int>(1, 1) == fail_at) {
      status = 1;
      goto cleanup;
    }
    Traced keys("keys");
    if (co_await PendingFor<int>(1, 2) == fail_at) {
      status = 2;
      goto cleanup;
    }
    std::printf("handshake: done\n");
  }
  status = 100;
cleanup:
  std::printf("cleanup: status %d\n", status);
  co_await e2e::Yield(1);
  co_return status;
}

// Out of two loops at once.
ASYNC Async<int> find_in_grid(std::vector<std::vector<int>> grid, int wanted) {
  int found = -1;
  for (size_t row = 0; row < grid.size(); ++row) {
    Traced row_scan("row" + std::to_string(row));
    for (int cell : grid[row]) {
      Traced probe("cell" + std::to_string(cell));
      if (co_await PendingFor<int>(cell % 2, cell) == wanted) {
        found = static_cast<int>(row);
        goto done;
      }
    }
  }
done:
  co_return found;
}

// A forward goto into a block, past a declaration without an initializer.
ASYNC Async<int> skip_ahead(bool skip) {
  Traced outer("outer");
  if (skip)
    goto inside;
  co_await e2e::Yield(1);
  std::printf("skip_ahead: not skipped\n");
  {
    int count;
  inside:
    count = 7;
    Traced inner("inner");
    co_await e2e::Yield(1);
    co_return count;
  }
}

// Into a loop's body, past its first test; the labels are named as the
// tool's own would be.
ASYNC Async<int> resume_midway(int n, bool midway) {
  int sum = 0;
  if (midway) goto resume1;
  while (n > 0) {
    sum += co_await PendingFor<int>(1, n);
  resume1:
    Traced step("step" + std::to_string(n));
    co_await e2e::Yield(1);
    if (sum > 100) goto try1;
    --n;
  }
try1:
  co_return sum;
}

// break and continue leave blocks whose locals die before the loop's.
ASYNC Async<int> drain(int n) {
  int total = 0;
  while (n > 0) {
    Traced round("round" + std::to_string(n));
    total += co_await PendingFor<int>(1, n);
    {
      Traced line("line" + std::to_string(n));
      if (n == 2) {
        --n;
        continue;
      }
      if (n == 1) break;
    }
    --n;
  }
  co_return total;
}

// A range-based for whose body returns but does not await.
ASYNC Async<std::vector<std::string>> load_names() {
  co_await e2e::Yield(1);
  co_return std::vector<std::string>{"ann", "bob", "cy"};
}

ASYNC Async<std::string> first_longer_than(size_t length) {
  auto names = co_await load_names();
  for (std::string name : names) {
    Traced check("check " + name);
    if (name.size() > length) co_return name;
  }
  co_return "none";
}

ASYNC Async<int> index_of(std::string wanted) {
  int index = 0;
  for (const auto& name : co_await load_names()) {
    if (name == wanted) co_return index;
    ++index;
  }
  co_return -1;
}

int main() {
  std::printf("connect = %d\n", asyncc::block_on(connect_with_retry(2)));
  std::printf("connect = %d\n", asyncc::block_on(connect_with_retry(9)));
  for (int fail_at : {1, 2, 0}) std::printf("handshake = %d\n", asyncc::block_on(handshake(fail_at)));
  std::printf("grid = %d\n", asyncc::block_on(find_in_grid({{1, 2}, {3, 4}, {5}}, 4)));
  std::printf("grid = %d\n", asyncc::block_on(find_in_grid({{1}}, 4)));
  std::printf("skip = %d\n", asyncc::block_on(skip_ahead(true)));
  std::printf("skip = %d\n", asyncc::block_on(skip_ahead(false)));
  std::printf("midway = %d\n", asyncc::block_on(resume_midway(2, true)));
  std::printf("midway = %d\n", asyncc::block_on(resume_midway(2, false)));
  std::printf("drain = %d\n", asyncc::block_on(drain(3)));
  std::printf("longer = %s\n", asyncc::block_on(first_longer_than(2)).c_str());
  std::printf("longer = %s\n", asyncc::block_on(first_longer_than(5)).c_str());
  std::printf("index = %d\n", asyncc::block_on(index_of("bob")));
  e2e::drop_after_each_poll("connect", [] { return connect_with_retry(1); }, 8);
  e2e::drop_after_each_poll("handshake", [] { return handshake(2); }, 6);
  e2e::drop_after_each_poll("grid", [] { return find_in_grid({{1, 2}, {4}}, 4); }, 6);
  e2e::drop_after_each_poll("midway", [] { return resume_midway(2, true); }, 6);
  e2e::drop_after_each_poll("drain", [] { return drain(2); }, 6);
  std::printf("live Traced: %d\n", Traced::live_count());
}
