// The server's fixed responses: every answer is one of these byte strings,
// so answering a request is a copy, never formatting.
#pragma once

#include <string_view>

namespace http {

inline constexpr std::string_view kHelloKeepAlive =
    "HTTP/1.1 200 OK\r\nServer: asyncc\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nHello world!";
// HTTP/1.0 closes by default: a client that asked to keep the connection is told it is kept.
inline constexpr std::string_view kHelloKeepAlive10 =
    "HTTP/1.1 200 OK\r\nServer: asyncc\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
    "Connection: keep-alive\r\n\r\nHello world!";
inline constexpr std::string_view kHelloClose =
    "HTTP/1.1 200 OK\r\nServer: asyncc\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
    "Connection: close\r\n\r\nHello world!";
inline constexpr std::string_view kBadRequest =
    "HTTP/1.1 400 Bad Request\r\nServer: asyncc\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
inline constexpr std::string_view kHeaderTooLarge =
    "HTTP/1.1 431 Request Header Fields Too Large\r\nServer: asyncc\r\nContent-Length: 0\r\n"
    "Connection: close\r\n\r\n";

}  // namespace http
