// An HTTP/1.x request-head parser for a server that answers every request the
// same way. It reads bytes in place (no copies, no allocation), so the
// connection loop can call it again on the same buffer after each read, and
// it tells complete requests from truncated ones from malformed ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace http {

enum class ParseStatus : std::uint8_t {
  complete,    // a whole request (head and body) is at the front of the buffer
  incomplete,  // valid so far: more bytes are needed
  malformed,   // not HTTP/1.x as RFC 9112 writes it, or a body we do not read
};

struct Request {
  std::size_t length = 0;   // bytes of head and body, valid when complete
  bool keep_alive = true;   // the client wants the connection kept open
  bool http_1_0 = false;    // HTTP/1.0: keep-alive only when asked, and said so back
};

namespace detail {

// RFC 9110 token characters (methods and header names), as a table: the
// parser asks once per byte.
struct TokenTable {
  bool allowed[256] = {};
  constexpr TokenTable() {
    for (int c = 33; c < 127; ++c) allowed[c] = true;
    for (const char* s = "\"(),/:;<=>?@[\\]{}"; *s != '\0'; ++s) allowed[static_cast<unsigned char>(*s)] = false;
  }
};
inline constexpr TokenTable kTokenTable{};

inline bool is_token_char(unsigned char c) { return kTokenTable.allowed[c]; }

inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// Header values may hold visible characters, spaces, tabs and obs-text; no
// other control character.
inline bool is_value_char(unsigned char c) { return c == '\t' || (c >= 32 && c != 127); }

inline unsigned char to_lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

// `name` (lower case) equals [begin, end) ignoring ASCII case.
inline bool equals_lower(const char* begin, const char* end, const char* name) {
  for (; begin != end; ++begin, ++name)
    if (*name == '\0' || to_lower(static_cast<unsigned char>(*begin)) != static_cast<unsigned char>(*name))
      return false;
  return *name == '\0';
}

// `value` holds `token` as one of its comma-separated elements, ignoring case.
inline bool list_contains(const char* begin, const char* end, const char* token) {
  while (begin != end) {
    while (begin != end && (*begin == ' ' || *begin == '\t' || *begin == ',')) ++begin;
    const char* element = begin;
    while (begin != end && *begin != ',') ++begin;
    const char* element_end = begin;
    while (element_end != element && (element_end[-1] == ' ' || element_end[-1] == '\t')) --element_end;
    if (element != element_end && equals_lower(element, element_end, token)) return true;
  }
  return false;
}

}  // namespace detail

// Parses the request at the front of [data, data + size). Bodies are accepted
// with Content-Length (and skipped); chunked bodies are not, so any
// Transfer-Encoding is malformed for this server.
inline ParseStatus parse_request(const char* data, std::size_t size, Request& request) {
  using namespace detail;
  const char* p = data;
  const char* const end = data + size;
  // Each step checks `p != end` before it reads: running out of bytes on a
  // valid prefix is `incomplete`, never a read past the buffer.
#define HTTP_NEED() \
  if (p == end) return ParseStatus::incomplete

  // Request line: method SP request-target SP HTTP-version CRLF.
  const char* method = p;
  for (;; ++p) {
    HTTP_NEED();
    if (!is_token_char(static_cast<unsigned char>(*p))) break;
  }
  if (p == method || *p != ' ') return ParseStatus::malformed;
  ++p;
  const char* target = p;
  for (;; ++p) {
    HTTP_NEED();
    unsigned char c = static_cast<unsigned char>(*p);
    if (c <= 32 || c == 127) break;
  }
  if (p == target || *p != ' ') return ParseStatus::malformed;
  ++p;
  static constexpr char kVersionPrefix[] = "HTTP/1.";
  for (const char* v = kVersionPrefix; *v != '\0'; ++v, ++p) {
    HTTP_NEED();
    if (*p != *v) return ParseStatus::malformed;
  }
  HTTP_NEED();
  if (*p != '0' && *p != '1') return ParseStatus::malformed;
  request.http_1_0 = *p == '0';
  request.keep_alive = !request.http_1_0;
  ++p;
  HTTP_NEED();
  if (*p++ != '\r') return ParseStatus::malformed;
  HTTP_NEED();
  if (*p++ != '\n') return ParseStatus::malformed;

  // Header fields, up to the empty line.
  std::size_t content_length = 0;
  bool has_content_length = false;
  for (;;) {
    HTTP_NEED();
    if (*p == '\r') {
      ++p;
      HTTP_NEED();
      if (*p++ != '\n') return ParseStatus::malformed;
      break;
    }
    const char* name = p;
    for (;; ++p) {
      HTTP_NEED();
      if (!is_token_char(static_cast<unsigned char>(*p))) break;
    }
    const char* name_end = p;
    if (name == name_end || *p != ':') return ParseStatus::malformed;
    ++p;
    for (;; ++p) {
      HTTP_NEED();
      if (*p != ' ' && *p != '\t') break;
    }
    const char* value = p;
    for (;; ++p) {
      HTTP_NEED();
      if (!is_value_char(static_cast<unsigned char>(*p))) break;
    }
    const char* value_end = p;
    if (*p++ != '\r') return ParseStatus::malformed;
    HTTP_NEED();
    if (*p++ != '\n') return ParseStatus::malformed;
    while (value_end != value && (value_end[-1] == ' ' || value_end[-1] == '\t')) --value_end;

    if (equals_lower(name, name_end, "connection")) {
      if (list_contains(value, value_end, "close")) request.keep_alive = false;
      else if (list_contains(value, value_end, "keep-alive")) request.keep_alive = true;
    } else if (equals_lower(name, name_end, "content-length")) {
      // Two lengths, even equal ones, are refused: smuggling starts there.
      if (has_content_length || value == value_end) return ParseStatus::malformed;
      has_content_length = true;
      for (const char* d = value; d != value_end; ++d) {
        if (!is_digit(static_cast<unsigned char>(*d)) || content_length > (std::size_t{1} << 40))
          return ParseStatus::malformed;
        content_length = content_length * 10 + static_cast<std::size_t>(*d - '0');
      }
    } else if (equals_lower(name, name_end, "transfer-encoding")) {
      return ParseStatus::malformed;
    }
  }
#undef HTTP_NEED

  const std::size_t head_length = static_cast<std::size_t>(p - data);
  if (content_length > size - head_length) return ParseStatus::incomplete;
  request.length = head_length + content_length;
  return ParseStatus::complete;
}

}  // namespace http
