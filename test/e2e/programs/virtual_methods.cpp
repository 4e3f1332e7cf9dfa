// Virtual ASYNC methods: an interface whose methods return
// asyncc::Async<T>, and overrides written as ASYNC methods, awaited through a
// reference to the base (as a Rust trait object needs #[async_trait]). Each
// override's state machine is returned boxed, as asyncc::Async<T>, to which
// any future of T converts.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using e2e::PendingFor;
using e2e::Traced;

struct Request {
  std::string path;
  int id;
};

class Handler {
 public:
  virtual ~Handler() = default;
  virtual asyncc::Async<std::string> handle(const Request& request) = 0;
  virtual asyncc::Async<int> weight() const { return default_weight(); }

 private:
  ASYNC static asyncc::Async<int> default_weight() {
    co_await PendingFor<int>(1, 0);
    co_return 1;
  }
};

class Static : public Handler {
 public:
  explicit Static(std::string body) : body_(std::move(body)) {}
  ASYNC asyncc::Async<std::string> handle(const Request& request) override {
    Traced t("static " + request.path);
    co_await PendingFor<int>(1, 0);
    co_return body_ + " for " + request.path;
  }
  // Any future of the output converts to asyncc::Async<T>.
  asyncc::Async<int> weight() const override { return PendingFor<int>(1, 5); }

 private:
  std::string body_;
};

class Counting final : public Handler {
 public:
  ASYNC asyncc::Async<std::string> handle(const Request& request) override {
    ++hits_;
    std::string seen = co_await PendingFor<std::string>(2, "seen");
    co_return seen + " #" + std::to_string(hits_) + " id " + std::to_string(request.id);
  }
  ASYNC asyncc::Async<int> weight() const override {
    int base = co_await Handler::weight();
    co_return base + hits_;
  }

 private:
  int hits_ = 0;
};

ASYNC asyncc::Async<std::string> route(std::vector<std::unique_ptr<Handler>>& handlers, Request request) {
  std::string out;
  for (auto& handler : handlers) {
    out += co_await handler->handle(request);
    out += " (" + std::to_string(co_await handler->weight()) + ") ";
  }
  co_return out;
}

int main() {
  std::vector<std::unique_ptr<Handler>> handlers;
  handlers.push_back(std::make_unique<Static>("hello"));
  handlers.push_back(std::make_unique<Counting>());
  std::printf("%s\n", e2e::run_to_completion("route", route(handlers, Request{"/a", 1})).c_str());
  std::printf("%s\n", e2e::run_to_completion("route", route(handlers, Request{"/b", 2})).c_str());
  Counting direct;
  std::printf("%s\n", e2e::run_to_completion("direct", direct.handle(Request{"/c", 3})).c_str());
  e2e::drop_after_each_poll("route", [&] { return route(handlers, Request{"/d", 4}); }, 5);
  std::printf("live Traced: %d\n", Traced::live_count());
}
