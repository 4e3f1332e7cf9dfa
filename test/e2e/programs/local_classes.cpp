// ASYNC methods of local classes: a job type written inside the function that
// runs it, as a test or a main often declares one, awaiting a free ASYNC
// function and another method of the same class.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <utility>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> fetch(int id) {
  Traced request("fetch " + std::to_string(id));
  co_return co_await PendingFor<int>(1, id * 10);
}

int run_jobs() {
  struct Job {
    std::string name;
    int id;

    ASYNC asyncc::Async<int> size() const {
      co_await PendingFor<int>(1, 0);
      co_return static_cast<int>(name.size());
    }
    ASYNC asyncc::Async<int> run(int bonus) {
      Traced t("job " + name);
      int fetched = co_await fetch(id);
      co_return fetched + bonus + co_await size();
    }
    static ASYNC asyncc::Async<int> run_all(Job& first, Job& second) {
      int a = co_await first.run(1);
      co_return a + co_await second.run(2);
    }
  };
  Job job{"alpha", 2};
  int a = e2e::run_to_completion("run", job.run(5));
  Job beta{"beta", 3};
  int b = e2e::run_to_completion("all", Job::run_all(job, beta));
  e2e::drop_after_each_poll("run", [&] { return job.run(0); }, 3);
  return a + b;
}

int main() {
  std::printf("jobs %d\n", run_jobs());
  std::printf("live Traced: %d\n", Traced::live_count());
}
