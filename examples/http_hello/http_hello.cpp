// An HTTP/1.1 server that answers every request with "Hello world!".
//   http_hello [port] [--idle-timeout-ms N] [--address HOST] [--threads N]
// Listens on 127.0.0.1 (port 0, the default, picks a free one) and prints
// "listening on ADDRESS:PORT". With --threads N (N >= 1) connections are
// served by a multi-threaded asyncc::Runtime of N workers; without it (or
// with 0), by a LocalExecutor on the main thread. Connections are kept alive, pipelined requests
// are answered in order, and a connection is closed after a malformed
// request (400), a request head larger than the buffer (431), or when the
// client neither sends nor reads for the idle timeout (5 s by default).
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/net.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/time.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "answer_requests.hpp"
#include "connection_buffers.hpp"

// How much a closing connection reads and discards, at most, before it closes.
constexpr std::size_t kMaxDrainBytes = 64 * 1024;
constexpr std::chrono::milliseconds kDrainTimeout{500};

// A read that gives up after `limit`: its output is empty when time ran out.
inline asyncc::Timeout<asyncc::TcpStream::Read> read_within(asyncc::TcpStream& stream, char* buffer,
                                                            std::size_t size, std::chrono::milliseconds limit) {
  return asyncc::timeout(stream.read(buffer, size), limit);
}

// A write of all bytes that gives up after `limit`: a client that stops
// reading its answers is as idle as one that stops sending.
inline asyncc::Timeout<asyncc::TcpStream::WriteAll> write_within(asyncc::TcpStream& stream, const char* bytes,
                                                                 std::size_t size, std::chrono::milliseconds limit) {
  return asyncc::timeout(stream.write_all(bytes, size), limit);
}

// Serves one connection: reads into a fixed buffer, answers the complete
// requests in it (one write for up to 16 KiB of answers), and reads again.
ASYNC asyncc::Async<void> serve_connection(asyncc::TcpStream stream, std::chrono::milliseconds idle_timeout) {
  ConnectionBuffers buffers;
  for (;;) {
    // Answer what is buffered; a full output is written before the rest is answered.
    http::NextStep next = http::answer_requests(buffers);
    if (buffers.output_filled != 0) {
      std::optional<asyncc::Result<void>> written =
          co_await write_within(stream, buffers.output, buffers.output_filled, idle_timeout);
      if (!written || !*written) co_return;  // stuck or failed
      buffers.output_filled = 0;
    }
    if (next == http::NextStep::close) {
      // Half-close, then read what the client still sends until it closes
      // too: closing with unread bytes would reset the connection, and the
      // client could lose the answer. The drain is bounded in bytes and time.
      asyncc::Result<void> shut = co_await stream.shutdown();
      if (!shut) co_return;
      for (std::size_t drained = 0; drained < kMaxDrainBytes;) {
        std::optional<asyncc::Result<std::size_t>> discarded =
            co_await read_within(stream, buffers.input, ConnectionBuffers::kInputCapacity, kDrainTimeout);
        if (!discarded || !*discarded || **discarded == 0) break;
        drained += **discarded;
      }
      co_return;
    }
    if (next == http::NextStep::answer) continue;

    std::optional<asyncc::Result<std::size_t>> received =
        co_await read_within(stream, buffers.input + buffers.input_filled,
                             ConnectionBuffers::kInputCapacity - buffers.input_filled, idle_timeout);
    if (!received || !*received || **received == 0) co_return;  // idle, failed, or closed by the client
    buffers.input_filled += **received;
  }
}

// Accepts connections forever, each served by a task of its own, spawned on
// the executor that runs this one.
ASYNC asyncc::Async<void> accept_connections(asyncc::TcpListener& listener, std::chrono::milliseconds idle_timeout) {
  for (;;) {
    asyncc::Result<std::pair<asyncc::TcpStream, asyncc::SocketAddr>> accepted = co_await listener.accept();
    if (!accepted) {
      // The listener retries on its own when descriptors run out; anything
      // reported here is fatal for it.
      std::fprintf(stderr, "accept: %s\n", accepted.error().message().c_str());
      co_return;
    }
    asyncc::Result<void> nodelay = accepted->first.set_nodelay(true);
    (void)nodelay;
    asyncc::spawn(serve_connection(std::move(accepted->first), idle_timeout));
  }
}

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::string port = "0";
  long idle_timeout_ms = 5000;
  long threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--idle-timeout-ms" && i + 1 < argc) {
      idle_timeout_ms = std::atol(argv[++i]);
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::atol(argv[++i]);
    } else if (arg == "--address" && i + 1 < argc) {
      host = argv[++i];
    } else if (!arg.empty() && arg[0] != '-') {
      port = std::string(arg);
    } else {
      std::fprintf(stderr, "usage: http_hello [port] [--idle-timeout-ms N] [--address HOST] [--threads N]\n");
      return 2;
    }
  }
  const std::string address = host + ":" + port;
  asyncc::Result<asyncc::TcpListener> listener = asyncc::TcpListener::bind(address);
  if (!listener) {
    std::fprintf(stderr, "bind %s: %s\n", address.c_str(), listener.error().message().c_str());
    return 1;
  }
  std::printf("listening on %s\n", listener->local_addr()->to_string().c_str());
  std::fflush(stdout);
  const std::chrono::milliseconds idle_timeout(idle_timeout_ms);
  if (threads > 0) {
    asyncc::Runtime runtime =
        asyncc::Runtime::builder().worker_threads(static_cast<std::size_t>(threads)).build();
    runtime.block_on(runtime.spawn(accept_connections(*listener, idle_timeout)));
    return 0;
  }
  asyncc::LocalExecutor executor;
  executor.spawn(accept_connections(*listener, idle_timeout));
  executor.run();
  return 0;
}
