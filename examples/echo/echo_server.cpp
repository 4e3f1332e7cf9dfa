// An echo server: every connection gets back what it sends.
//   echo_server [address] [connections]
// Listens on `address` (default 127.0.0.1:7878; port 0 picks one) and prints
// the address it got. With `connections`, it exits after serving that many.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/net.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

// Sends back every byte until the client closes its side, then closes.
ASYNC asyncc::Async<void> echo(asyncc::TcpStream stream) {
  std::string buffer(16 * 1024, '\0');
  for (;;) {
    asyncc::Result<std::size_t> n = co_await stream.read(buffer.data(), buffer.size());
    if (!n || *n == 0) co_return;
    asyncc::Result<void> written = co_await stream.write_all(buffer.data(), *n);
    if (!written) co_return;
  }
}

// Accepts connections, each served by a task of its own, until `limit` have
// been (forever when it is negative).
ASYNC asyncc::Async<void> serve(asyncc::TcpListener& listener, asyncc::LocalExecutor& executor, long limit) {
  for (long served = 0; limit < 0 || served < limit; ++served) {
    asyncc::Result<std::pair<asyncc::TcpStream, asyncc::SocketAddr>> accepted = co_await listener.accept();
    if (!accepted) {
      std::fprintf(stderr, "accept: %s\n", accepted.error().message().c_str());
      co_return;
    }
    executor.spawn(echo(std::move(accepted->first)));
  }
}

int main(int argc, char** argv) {
  const char* address = argc > 1 ? argv[1] : "127.0.0.1:7878";
  const long limit = argc > 2 ? std::atol(argv[2]) : -1;
  asyncc::Result<asyncc::TcpListener> listener = asyncc::TcpListener::bind(address);
  if (!listener) {
    std::fprintf(stderr, "bind %s: %s\n", address, listener.error().message().c_str());
    return 1;
  }
  std::printf("listening on %s\n", listener->local_addr()->to_string().c_str());
  std::fflush(stdout);
  asyncc::LocalExecutor executor;
  executor.spawn(serve(*listener, executor, limit));
  executor.run();
  return 0;
}
