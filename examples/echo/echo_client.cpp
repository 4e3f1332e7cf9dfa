// An echo client: sends each message over one connection and prints what
// comes back.
//   echo_client address message...
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/net.hpp>

#include <cstdio>
#include <string>
#include <vector>

// Sends every message, reads its echo back, prints it; returns the exit status.
ASYNC asyncc::Async<int> talk(asyncc::SocketAddr address, std::vector<std::string> messages) {
  asyncc::Result<asyncc::TcpStream> stream = co_await asyncc::TcpStream::connect(address);
  if (!stream) {
    std::fprintf(stderr, "connect %s: %s\n", address.to_string().c_str(), stream.error().message().c_str());
    co_return 1;
  }
  for (const std::string& message : messages) {
    asyncc::Result<void> sent = co_await stream->write_all(message.data(), message.size());
    if (!sent) {
      std::fprintf(stderr, "write: %s\n", sent.error().message().c_str());
      co_return 1;
    }
    std::string reply(message.size(), '\0');
    asyncc::Result<void> received = co_await stream->read_exact(reply.data(), reply.size());
    if (!received) {
      std::fprintf(stderr, "read: %s\n", received.error().message().c_str());
      co_return 1;
    }
    std::printf("echo: %s\n", reply.c_str());
  }
  asyncc::Result<void> closed = co_await stream->shutdown();
  co_return closed ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: echo_client address message...\n");
    return 2;
  }
  asyncc::Result<asyncc::SocketAddr> address = asyncc::SocketAddr::parse(argv[1]);
  if (!address) {
    std::fprintf(stderr, "%s: %s\n", argv[1], address.error().message().c_str());
    return 2;
  }
  return asyncc::block_on(talk(*address, std::vector<std::string>(argv + 2, argv + argc)));
}
