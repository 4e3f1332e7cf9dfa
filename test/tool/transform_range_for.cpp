// A range-based for whose body awaits: the range (a pointer to it, for an
// lvalue), both iterators and the loop variable live in the frame; a
// reference variable across an await is a pointer to its object.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <string>
#include <vector>

struct Tick {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};

ASYNC asyncc::Async<int> count(std::vector<std::string>& words) {
  int n = 0;
  for (const std::string& w : words) {
    n += co_await Tick{};
    if (w.empty())
      break;
  }
  int& alias = n;
  co_await Tick{};
  co_return alias;
}

// CHECK-LABEL: struct count_future {
// CHECK:        // for (const std::string& w : words)
// CHECK-NEXT:   s0.range = std::addressof(words);
// CHECK-NEXT:   ::new (static_cast<void*>(&s0.begin)) __gnu_cxx::__normal_iterator<std::basic_string<char> *, std::vector<std::basic_string<char>>>((*s0.range).begin());
// CHECK:        for (; s0.begin != s0.end; ++s0.begin)
// CHECK:          s0.b1.w = std::addressof(*s0.begin);
// CHECK:          if ((*s0.b1.w).empty())
// CHECK:        alias = std::addressof(n);
// CHECK:        return unwind.leave(asyncc::Poll<Output>::ready((*alias)));
// CHECK:        union { int n; };
// CHECK-NEXT:   union { int* alias; };
// CHECK:        union { std::vector<std::string>* range; };  // the range
// CHECK-NEXT:   union { __gnu_cxx::__normal_iterator<std::basic_string<char> *, std::vector<std::basic_string<char>>> begin; };  // the iterator
// CHECK:        union { const std::string* w; };
