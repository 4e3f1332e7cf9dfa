// A range-based for whose body awaits: the range (a pointer to it, for an
// lvalue), both iterators and the loop variable live in the frame; a
// reference variable across an await is a pointer to its object.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: FileCheck %s < %t.cpp
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
// CHECK-NEXT:   b0.s1.range = std::addressof(words);
// CHECK-NEXT:   ::new (static_cast<void*>(&b0.s1.begin)) __gnu_cxx::__normal_iterator<std::basic_string<char> *, std::vector<std::basic_string<char>>>((*b0.s1.range).begin());
// CHECK:        for (; b0.s1.begin != b0.s1.end; ++b0.s1.begin)
// CHECK:          b0.s1.b2.w = std::addressof(*b0.s1.begin);
// CHECK:          if ((*b0.s1.b2.w).empty())
// CHECK:        b0.alias = std::addressof(b0.n);
// CHECK:        return asyncc::Poll<Output>::ready((*b0.alias));
// CHECK:        union { std::vector<std::string>* range; };  // the range
// CHECK-NEXT:   union { __gnu_cxx::__normal_iterator<std::basic_string<char> *, std::vector<std::basic_string<char>>> begin; };  // the iterator
// CHECK:        union { const std::string* w; };
