// The fixed buffers of one HTTP connection. They live in the connection's
// task, allocated once with it: nothing is allocated per request.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

struct ConnectionBuffers {
  // The largest request (head and body) the server reads; a larger one is refused.
  static constexpr std::size_t kInputCapacity = 8 * 1024;
  // Answers are batched up to this size, then written before parsing on.
  static constexpr std::size_t kOutputCapacity = 16 * 1024;
  // Room kept for the longest fixed response, so an append never overflows.
  static constexpr std::size_t kLongestResponse = 256;

  char input[kInputCapacity];
  std::size_t input_filled = 0;
  char output[kOutputCapacity];
  std::size_t output_filled = 0;

  bool output_has_room() const { return kOutputCapacity - output_filled >= kLongestResponse; }

  void append_output(std::string_view response) {
    std::memcpy(output + output_filled, response.data(), response.size());
    output_filled += response.size();
  }

  // Forgets the first `count` input bytes (answered requests), keeping the rest at the front.
  void drop_input(std::size_t count) {
    if (count == 0) return;
    std::memmove(input, input + count, input_filled - count);
    input_filled -= count;
  }
};
