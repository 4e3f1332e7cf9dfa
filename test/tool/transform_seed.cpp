// The lecture's example: one state per co_await, commented with its source;
// the local that spans the second await and each awaited future in the frame,
// the futures sharing bytes; a destructor driven by the state; a pin guard.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <cstddef>
#include <string>

struct ReadFile {
  using Output = std::string;
  std::string path;
  asyncc::Poll<std::string> poll(asyncc::Context&) { return asyncc::Poll<std::string>::ready(path); }
};
ReadFile read_file(std::string path) { return ReadFile{std::move(path)}; }

ASYNC asyncc::Async<std::string> example(std::size_t min_len) {
  std::string content = co_await read_file("foo.txt");
  if (content.size() < min_len)
    content += co_await read_file("bar.txt");
  co_return content;
}

// CHECK-NOT: ASYNC asyncc::Async
// CHECK:      struct example_future {
// CHECK-NEXT:   using Output = std::string;
// CHECK-NEXT:   enum class State : std::uint8_t {
// CHECK-NEXT:     Start,
// CHECK-NEXT:     Await1,  // co_await read_file("foo.txt")   transform_seed.cpp:22
// CHECK-NEXT:     Await2,  // co_await read_file("bar.txt")   transform_seed.cpp:24
// CHECK-NEXT:     Done,
// CHECK-NEXT:   };
// CHECK:        explicit example_future(std::size_t min_len) : min_len(std::move(min_len)) {}
// CHECK-NEXT:   example_future(example_future&& other) : min_len(std::move(other.min_len)) {
// CHECK-NEXT:     if (other.state_ != State::Start) asyncc::detail::moved_after_first_poll("example");
// CHECK:        example_future(const example_future&) = delete;
// CHECK:        ~example_future() { drop(live_at(state_)); }
// CHECK:        case State::Await1: live = Live::await1; goto resume1;
// CHECK-NEXT:   case State::Await2: live = Live::await2; goto resume2;
// CHECK:        ::new (static_cast<void*>(&await1)) ReadFile(read_file("foo.txt"));
// CHECK:        state_ = State::Await1;
// CHECK-NEXT: resume1:
// CHECK:        ::new (static_cast<void*>(&content)) std::string(asyncc::detail::take(ready1));
// CHECK:        content += asyncc::detail::take(ready2);
// CHECK:        return unwind.leave(asyncc::Poll<Output>::ready(std::move(content)));
// In state Await2 the frame holds content and the second future; destroying
// it there destroys the future, then content.
// CHECK:        case State::Await2: return Live::await2;
// CHECK:        case Live::content: std::destroy_at(&content); at = Live::None; break;
// CHECK-NEXT:   case Live::await2: std::destroy_at(&await2); at = Live::content; break;
// The frame: content, then the two futures sharing bytes, then the state.
// CHECK:        std::size_t min_len;
// CHECK-NEXT:   union { std::string content; };
// CHECK-NEXT:   union {
// CHECK-NEXT:     ReadFile await1;
// CHECK-NEXT:     ReadFile await2;
// CHECK-NEXT:   };
// CHECK-NEXT:   State state_ = State::Start;
// CHECK-NEXT: };
// CHECK-NEXT: inline example_future example(std::size_t min_len) {
// CHECK-NEXT:   return example_future(std::move(min_len));
// CHECK-NEXT: }
