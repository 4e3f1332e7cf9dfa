// The practical limit for http_hello: a hand-written, single-threaded epoll
// HTTP server with the same parser, buffers and responses (and pipelining),
// and no abstraction at all between the loop and the system calls.
//   bench_http_epoll [port]   prints "listening on 127.0.0.1:PORT"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "answer_requests.hpp"

namespace {

struct Connection {
  int fd;
  ConnectionBuffers buffers;
  std::size_t output_sent = 0;
  bool closing = false;
  bool waiting_to_write = false;  // registered for EPOLLOUT: the socket's send buffer is full
  bool input_drained = false;     // the last read got less than it asked for: the socket is empty
};

void close_connection(Connection* connection) {
  ::close(connection->fd);  // also removes it from the epoll set
  delete connection;
}

// Advances a connection as far as it can without blocking. Returns false
// when it is closed (and deleted).
bool drive(int epoll_fd, Connection* connection) {
  ConnectionBuffers& buffers = connection->buffers;
  connection->input_drained = false;
  for (;;) {
    while (connection->output_sent < buffers.output_filled) {
      ssize_t n = ::send(connection->fd, buffers.output + connection->output_sent,
                         buffers.output_filled - connection->output_sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno != EAGAIN) break;
        if (!connection->waiting_to_write) {
          epoll_event event{EPOLLIN | EPOLLOUT, {.ptr = connection}};
          ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, connection->fd, &event);
          connection->waiting_to_write = true;
        }
        return true;
      }
      connection->output_sent += static_cast<std::size_t>(n);
    }
    if (connection->output_sent < buffers.output_filled || connection->closing) {
      close_connection(connection);
      return false;
    }
    buffers.output_filled = connection->output_sent = 0;
    if (connection->waiting_to_write) {
      epoll_event event{EPOLLIN, {.ptr = connection}};
      ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, connection->fd, &event);
      connection->waiting_to_write = false;
    }

    http::NextStep next = http::answer_requests(buffers);
    if (next == http::NextStep::close) connection->closing = true;
    if (next != http::NextStep::read || buffers.output_filled != 0) continue;  // write first

    // A short read emptied the socket a moment ago: rather than a read that
    // would most likely fail with EAGAIN, wait for epoll (level-triggered,
    // so bytes that came meanwhile are reported).
    if (connection->input_drained) return true;
    const std::size_t room = ConnectionBuffers::kInputCapacity - buffers.input_filled;
    ssize_t n = ::recv(connection->fd, buffers.input + buffers.input_filled, room, 0);
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) {
      close_connection(connection);
      return false;
    }
    connection->input_drained = static_cast<std::size_t>(n) < room;
    buffers.input_filled += static_cast<std::size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t address_size = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1024) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &address_size) != 0) {
    std::perror("listen");
    return 1;
  }
  std::printf("listening on 127.0.0.1:%d\n", ntohs(address.sin_port));
  std::fflush(stdout);

  int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event listen_event{EPOLLIN, {.ptr = nullptr}};
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &listen_event);
  epoll_event events[256];
  for (;;) {
    int ready = ::epoll_wait(epoll_fd, events, 256, -1);
    for (int i = 0; i < ready; ++i) {
      auto* connection = static_cast<Connection*>(events[i].data.ptr);
      if (connection != nullptr) {
        drive(epoll_fd, connection);
        continue;
      }
      for (;;) {
        int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto* accepted = new Connection{fd, {}};
        epoll_event event{EPOLLIN, {.ptr = accepted}};
        ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
      }
    }
  }
}
