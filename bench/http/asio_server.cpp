// http_hello written with Boost.Asio and C++20 coroutines: one io_context on
// one thread, a coroutine per connection, with the same parser, buffers and
// responses as the asyncc server.
//   bench_http_asio [port]   prints "listening on 127.0.0.1:PORT"
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "answer_requests.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

asio::awaitable<void> serve_connection(tcp::socket socket) {
  // One allocation per connection for its buffers, as in the other servers.
  auto buffers = std::make_unique<ConnectionBuffers>();
  boost::system::error_code error;
  for (;;) {
    http::NextStep next = http::answer_requests(*buffers);
    if (buffers->output_filled != 0) {
      co_await asio::async_write(socket, asio::buffer(buffers->output, buffers->output_filled),
                                 asio::redirect_error(asio::use_awaitable, error));
      if (error) co_return;
      buffers->output_filled = 0;
    }
    if (next == http::NextStep::close) co_return;
    if (next == http::NextStep::answer) continue;
    std::size_t received = co_await socket.async_read_some(
        asio::buffer(buffers->input + buffers->input_filled, ConnectionBuffers::kInputCapacity - buffers->input_filled),
        asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return;
    buffers->input_filled += received;
  }
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor) {
  for (;;) {
    boost::system::error_code error;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
    if (error) continue;
    socket.set_option(tcp::no_delay(true), error);
    asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
  asio::io_context context(1);  // one thread: no locking inside Asio
  tcp::acceptor acceptor(context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::printf("listening on 127.0.0.1:%d\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  asio::co_spawn(context, accept_connections(acceptor), asio::detached);
  context.run();
}
