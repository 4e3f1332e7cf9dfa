// Standard headers resolve, Clang's own (stddef.h, from its resource
// directory) among them, with no include flags but the runtime's.
//
// RUN: %asyncc --list %s -- -I %asyncc_include 2>&1 \
// RUN:   | FileCheck %s -DFILE=%s --match-full-lines --strict-whitespace
//
// The builtin headers come from the resource directory of the Clang the tool
// was built with (LibTooling would look next to the tool's binary instead),
// unless the compiler arguments name one.
// RUN: %asyncc --list %s -- -I %asyncc_include -v 2>&1 \
// RUN:   | FileCheck %s -DDIR=%clang_resource_dir --check-prefix=RESOURCE-DIR
// RESOURCE-DIR: "-resource-dir" "[[DIR]]"
// RESOURCE-DIR: #include <...> search starts here:
// RESOURCE-DIR: {{^ }}[[DIR]]/include{{$}}
// RUN: %asyncc --list %s -- -I %asyncc_include -resource-dir=%clang_resource_dir/. -v 2>&1 \
// RUN:   | FileCheck %s -DDIR=%clang_resource_dir/. --check-prefix=USER-DIR
// USER-DIR: "-resource-dir" "[[DIR]]"
// USER-DIR-NOT: "-resource-dir"

#include <asyncc/async.hpp>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stddef.h>
#include <string>
#include <vector>

struct Header {
  std::uint32_t tag;
  std::coroutine_handle<> handle;
};

// CHECK-NOT: {{.+}}
// CHECK:[[FILE]]:[[@LINE+1]]:34: join(std::vector<std::string>, std::unique_ptr<std::string>) -> asyncc::Async<std::size_t>
ASYNC asyncc::Async<std::size_t> join(std::vector<std::string> parts, std::unique_ptr<std::string> out) {
  for (const std::string& p : parts)
    *out += p;
  co_return out->size() + offsetof(Header, handle);
}
// CHECK-NOT: {{.+}}
