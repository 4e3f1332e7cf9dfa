// --list prints one line per ASYNC function definition, in source order, with
// the path as given on the command line; nothing else is listed.
//
// RUN: cd %S && %asyncc --list list.cpp -- -I %asyncc_include \
// RUN:   | FileCheck %s --match-full-lines --strict-whitespace
// RUN: %asyncc --list %s -- -I %asyncc_include | FileCheck %s --check-prefix=ABS

#include <asyncc/async.hpp>

#include <cstddef>
#include <string>

// CHECK-NOT: {{.+}}
// ABS: {{^}}/{{.*}}/list.cpp:[[@LINE+2]]:26: answer() -> asyncc::Async<int>
// CHECK:list.cpp:[[@LINE+1]]:26: answer() -> asyncc::Async<int>
ASYNC asyncc::Async<int> answer() { co_return 42; }

int plain(int x) { return x; }

// A coroutine of the same type, but not annotated: not the tool's business.
asyncc::Async<int> not_annotated(int x) { co_return x; }

namespace net {
// CHECK-NEXT:list.cpp:[[@LINE+1]]:34: net::fetch(std::string, std::size_t) -> asyncc::Async<std::string>
ASYNC asyncc::Async<std::string> fetch(std::string url, std::size_t limit) {
  co_return url.substr(0, limit);
}

namespace detail {
// Declared only: nothing to transform.
ASYNC asyncc::Async<void> ping();
} // namespace detail
} // namespace net

// CHECK-NEXT:list.cpp:[[@LINE+1]]:34: example(std::size_t) -> asyncc::Async<std::string>
ASYNC asyncc::Async<std::string> example(std::size_t min_len) {
  std::string content = co_await net::fetch("foo.txt", 8);
  if (content.size() < min_len)
    content += co_await net::fetch("bar.txt", 8);
  co_return content;
}

struct Client {
  ASYNC asyncc::Async<int> get(int key) const;
  // Defined in the class.
  // CHECK-NEXT:list.cpp:[[@LINE+1]]:29: Client::put(int, const std::string &) -> asyncc::Async<void>
  ASYNC asyncc::Async<void> put(int key, const std::string& value) { co_return; }
};

// ASYNC on the declaration only: the definition is still async.
// CHECK-NEXT:list.cpp:[[@LINE+1]]:28: Client::get(int) const -> asyncc::Async<int>
asyncc::Async<int> Client::get(int key) const { co_return key + co_await answer(); }

namespace {
// A trailing return type is the return type.
// CHECK-NEXT:list.cpp:[[@LINE+1]]:12: (anonymous namespace)::hidden(int *) -> asyncc::Async<int>
ASYNC auto hidden(int* p) -> asyncc::Async<int> { co_return *p; }
} // namespace

std::string also_plain() { return "ASYNC"; }
// CHECK-NOT: {{.+}}
