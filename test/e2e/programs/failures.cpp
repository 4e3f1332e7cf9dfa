// Exceptions at the edges (contract 7): thrown by the body before its first
// suspension, by a leaf on its first poll, seen through a manual poll (the
// future is finished and dropping it destroys nothing more), and through a
// JoinHandle while another task carries on.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

using asyncc::Async;
using e2e::PendingFor;
using e2e::Traced;

ASYNC Async<int> leaf_fails(int pending) {
  Traced i("leaf_fails local");
  int v = co_await e2e::FailAfter<int>(pending, "leaf failed");
  std::printf("leaf_fails: not reached\n");
  co_return v;
}

ASYNC Async<int> nested(int pending) {
  Traced m("nested local");
  std::string kept = "kept";
  int x = co_await PendingFor<int>(1, 1);
  {
    Traced scoped("scoped");
    x += co_await leaf_fails(pending);
  }
  std::printf("nested: not reached\n");
  co_return x;
}

ASYNC Async<void> body_fails(bool before_suspending) {
  Traced t("t");
  e2e::fail_if(before_suspending, "before suspending");
  co_await e2e::Yield(1);
  Traced u("u");
  e2e::fail_if(true, "after suspending");
  std::printf("body_fails: not reached\n");
}

ASYNC Async<int> survivor() {
  Traced s("survivor");
  for (int i = 0; i < 3; ++i) {
    std::printf("survivor: step %d\n", i);
    co_await e2e::Yield(1);
  }
  co_return 5;
}

void run_body_fails(const char* what, bool before_suspending) {
  try {
    asyncc::block_on(body_fails(before_suspending));
  } catch (const std::runtime_error& e) {
    std::printf("%s: caught \"%s\"\n", what, e.what());
  }
}

int main() {
  std::printf("== from the body\n");
  run_body_fails("before", true);
  run_body_fails("after", false);

  std::printf("== from a leaf on its first poll\n");
  try {
    asyncc::block_on(nested(0));
  } catch (const std::runtime_error& e) {
    std::printf("caught \"%s\"\n", e.what());
  }

  std::printf("== through poll, then the finished future is dropped\n");
  {
    auto future = nested(1);
    asyncc::Context cx(asyncc::noop_waker());
    int polls = 0;
    try {
      for (;;) {
        ++polls;
        if (future.poll(cx).is_ready()) break;
      }
    } catch (const std::runtime_error& e) {
      std::printf("poll %d threw \"%s\"\n", polls, e.what());
    }
    std::printf("dropping\n");
  }
  std::printf("dropped\n");

  std::printf("== through a JoinHandle\n");
  {
    asyncc::LocalExecutor executor;
    auto failing = executor.spawn(nested(1));
    auto fine = executor.spawn(survivor());
    executor.run();
    try {
      asyncc::block_on(std::move(failing));
    } catch (const std::runtime_error& e) {
      std::printf("join: caught \"%s\"\n", e.what());
    }
    std::printf("survivor = %d\n", asyncc::block_on(std::move(fine)));
  }
  std::printf("live Traced: %d\n", Traced::live_count());
}
