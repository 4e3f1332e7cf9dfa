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
// CHECK-NEXT:   range.value = std::addressof(words);
// CHECK-NEXT:   ::new (static_cast<void*>(&begin.value)) __gnu_cxx::__normal_iterator<std::basic_string<char> *, std::vector<std::basic_string<char>>>((*range.value).begin());
// CHECK:        for (; begin.value != end.value; ++begin.value)
// CHECK:          w.value = std::addressof(*begin.value);
// CHECK:          if ((*w.value).empty())
// CHECK:        alias.value = std::addressof(n.value);
// CHECK:        return asyncc::detail::ready<Output>(unwind.armed, (*alias.value));
// The loop's values live only as long as the loop; the reference declared
// after it may take their bytes.
// CHECK:        asyncc::detail::Lifetime<int, 2, 20>,  // n
// CHECK-NEXT:   asyncc::detail::Lifetime<std::vector<std::string>*, 3, 14>,  // range
// CHECK-NEXT:   asyncc::detail::Lifetime<__gnu_cxx::__normal_iterator<std::basic_string<char> *, std::vector<std::basic_string<char>>>, 4, 14>,  // begin
// CHECK:        asyncc::detail::Lifetime<const std::string*, 6, 12>,  // w
// CHECK:        asyncc::detail::Lifetime<int*, 16, 20>,  // alias
