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
// CHECK:        void cancel() noexcept {
// CHECK-NEXT:     drop(live_at(state_));
// CHECK-NEXT:     state_ = State::Done;
// CHECK:        case State::Await1: live = Live::await1; goto resume1;
// CHECK-NEXT:   case State::Await2: live = Live::await2; goto resume2;
// CHECK:        ::new (static_cast<void*>(&await1.value)) ReadFile(read_file("foo.txt"));
// CHECK:        state_ = State::Await1;
// CHECK-NEXT: resume1:
// CHECK:        ::new (static_cast<void*>(&content.value)) std::string(asyncc::detail::take(ready1));
// CHECK:        content.value += asyncc::detail::take(ready2);
// CHECK:        return asyncc::detail::ready<Output>(unwind.armed, std::move(content.value));
// In state Await2 the frame holds content and the second future; destroying
// it there destroys the future, then content.
// CHECK:        case State::Await2: return Live::await2;
// CHECK:        case Live::content: std::destroy_at(&content.value); at = Live::None; break;
// CHECK-NEXT:   case Live::await2: std::destroy_at(&await2.value); at = Live::content; break;
// The frame: content, then the two futures sharing bytes, then the state.
// content is made once the first read is done and gone, so it may take its
// bytes; the second read's future lives beside it.
// CHECK:        std::size_t min_len;
// CHECK-NEXT:   // Each value the state machine stores, with the points of poll between
// CHECK-NEXT:   // which it is alive: values never alive at once share bytes.
// CHECK-NEXT:   using frame_ = asyncc::detail::Frame<  // type, from, to
// CHECK-NEXT:     asyncc::detail::Lifetime<std::string, 4, 8>,  // content
// CHECK-NEXT:     asyncc::detail::Lifetime<ReadFile, 2, 3>,  // await1
// CHECK-NEXT:     asyncc::detail::Lifetime<ReadFile, 5, 6>,  // await2
// CHECK-NEXT:     asyncc::detail::Lifetime<State, 0, 9>>;
// CHECK-NEXT:   union {
// CHECK-NEXT:     asyncc::detail::Slot<frame_, 0> content;  // std::string content = co_await read_file("foo.txt")   transform_seed.cpp:22
// CHECK-NEXT:     asyncc::detail::Slot<frame_, 1> await1;  // co_await read_file("foo.txt")
// CHECK-NEXT:     asyncc::detail::Slot<frame_, 2> await2;  // co_await read_file("bar.txt")
// CHECK-NEXT:     asyncc::detail::StateSlot<frame_, 3> state_ = State::Start;
// CHECK-NEXT:   };
// CHECK-NEXT: };
// CHECK-NEXT: inline example_future example(std::size_t min_len) {
// CHECK-NEXT:   return example_future(std::move(min_len));
// CHECK-NEXT: }
