// Duff's device, awaiting each send: the case labels stand inside the
// do-while of the switch, and a resumption goes back into the loop.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using asyncc::Async;
using e2e::PendingFor;
using e2e::Traced;

ASYNC Async<int> send(int value) {
  co_return co_await PendingFor<int>(value % 2, value);
}

ASYNC Async<int> send_all(const int* from, int count) {
  int sent = 0;
  int n = (count + 3) / 4;
  Traced batch("batch" + std::to_string(count));
  switch (count % 4) {
    case 0:
      do {
        sent += co_await send(*from++);
        case 3:
          sent += co_await send(*from++);
        case 2: {
          Traced pair("pair" + std::to_string(n));
          sent += co_await send(*from++);
        }
        case 1:
          sent += co_await send(*from++);
      } while (--n > 0);
  }
  co_return sent;
}

// A case label inside an if of the switch.
ASYNC Async<std::string> describe(int code) {
  std::string text;
  switch (code / 100) {
    case 2:
      text = "ok";
      if (code == 204) {
        case 3:
          text += co_await PendingFor<std::string>(1, " (no body or redirect)");
      }
      break;
    default:
      text = "error " + std::to_string(co_await PendingFor<int>(1, code));
  }
  co_return text;
}

int main() {
  const int values[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  for (int count : {0, 1, 2, 3, 4, 5, 11}) std::printf("send_all(%d) = %d\n", count, asyncc::block_on(send_all(values, count)));
  for (int code : {200, 204, 301, 404}) std::printf("describe(%d) = %s\n", code, asyncc::block_on(describe(code)).c_str());
  e2e::drop_after_each_poll("send_all", [&values] { return send_all(values, 6); }, 12);
  std::printf("live Traced: %d\n", Traced::live_count());
}
