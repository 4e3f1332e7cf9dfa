// C interfaces as async code calls them: `struct stat st;` and `struct
// pollfd` (a class named with its keyword, as a function of the same name
// hides it) kept across awaits and made in the frame with braces, and
// `poll` called unqualified (the POSIX call and one found by ADL), the one
// name the generated future has that the function may not take. A
// variable named `poll` too.
#include <asyncc/asyncc.hpp>

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace net {
struct Socket {
  int fd;
};
int poll(Socket s) { return s.fd * 2; }
}  // namespace net

ASYNC asyncc::Async<int> wait_readable(int fd) {
  struct pollfd pfd{fd, POLLIN, 0};
  co_await asyncc::yield_now();
  int ready = poll(&pfd, 1, 0);
  std::printf("poll: %d ready, revents %s\n", ready, (pfd.revents & POLLIN) ? "POLLIN" : "none");
  co_return ready;
}

ASYNC asyncc::Async<long> size_of(const char* path) {
  struct stat st;
  if (stat(path, &st) != 0)
    co_return -1;
  co_await asyncc::yield_now();
  co_return static_cast<long>(st.st_size);
}

ASYNC asyncc::Async<int> through_adl() {
  net::Socket s{21};
  co_await asyncc::yield_now();
  co_return poll(s);
}

ASYNC asyncc::Async<int> named_poll() {
  int poll = 3;
  co_await asyncc::yield_now();
  co_return poll + 1;
}

int main() {
  int fds[2];
  if (pipe(fds) != 0)
    return 1;
  if (write(fds[1], "x", 1) != 1)
    return 1;
  std::printf("readable %d\n", asyncc::block_on(wait_readable(fds[0])));
  std::printf("size %ld\n", asyncc::block_on(size_of("/dev/null")));
  std::printf("missing %ld\n", asyncc::block_on(size_of("/nonexistent/asyncc")));
  std::printf("adl %d\n", asyncc::block_on(through_adl()));
  std::printf("named %d\n", asyncc::block_on(named_poll()));
  close(fds[0]);
  close(fds[1]);
}
