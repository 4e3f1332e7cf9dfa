// One step of an HTTP connection, apart from its I/O: answers the complete
// requests at the front of the input with fixed responses, so that servers
// built on different I/O models (asyncc, a raw epoll loop, Asio) parse and
// answer in exactly the same way.
#pragma once

#include "connection_buffers.hpp"
#include "http_request.hpp"
#include "responses.hpp"

namespace http {

static_assert(kHelloKeepAlive.size() <= ConnectionBuffers::kLongestResponse &&
                  kHelloKeepAlive10.size() <= ConnectionBuffers::kLongestResponse &&
                  kHelloClose.size() <= ConnectionBuffers::kLongestResponse &&
                  kBadRequest.size() <= ConnectionBuffers::kLongestResponse &&
                  kHeaderTooLarge.size() <= ConnectionBuffers::kLongestResponse,
              "the output keeps room for the longest response only");

// What the connection does after the answers in the output are written.
enum class NextStep : unsigned char {
  read,      // every complete request is answered: wait for more input
  answer,    // the output filled up: write it, then answer the rest
  close,     // the last answer closes the connection
};

// Appends an answer for each complete request in `buffers.input` (in order)
// to `buffers.output`, and drops those requests from the input.
inline NextStep answer_requests(ConnectionBuffers& buffers) {
  std::size_t consumed = 0;
  NextStep next = NextStep::answer;
  while (buffers.output_has_room()) {
    Request request;
    ParseStatus status = parse_request(buffers.input + consumed, buffers.input_filled - consumed, request);
    if (status == ParseStatus::complete) {
      consumed += request.length;
      if (!request.keep_alive) {
        buffers.append_output(kHelloClose);
        next = NextStep::close;
        break;
      }
      buffers.append_output(request.http_1_0 ? kHelloKeepAlive10 : kHelloKeepAlive);
    } else if (status == ParseStatus::malformed) {
      buffers.append_output(kBadRequest);
      next = NextStep::close;
      break;
    } else if (consumed == 0 && buffers.input_filled == ConnectionBuffers::kInputCapacity) {
      // A request that does not fit: its head is too large to wait for.
      buffers.append_output(kHeaderTooLarge);
      next = NextStep::close;
      break;
    } else {
      next = NextStep::read;
      break;
    }
  }
  buffers.drop_input(consumed);
  return next;
}

}  // namespace http
