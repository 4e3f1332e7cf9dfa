// A chat server: every line a client sends goes to every other client.
//   chat_server [--port N] [--threads N]
// Listens on 127.0.0.1 (port 0, the default, picks a free one) and prints
// "listening on ADDRESS:PORT". A client first sends its name, then lines of
// chat; the others see "name: line". With --threads N (N >= 1) clients are
// served by a multi-threaded asyncc::Runtime of N workers; without it, by a
// LocalExecutor on the main thread.
//
// One task per client, each with its own receiver of one broadcast channel.
// Sending never waits for anyone, so a client that stops reading holds up
// nobody: it falls behind the channel (lags) and is dropped. On SIGINT or
// SIGTERM the server stops accepting, tells every client "server shutting
// down", closes their connections and exits with status 0.
#include <asyncc/async.hpp>
#include <asyncc/broadcast.hpp>
#include <asyncc/buf_reader.hpp>
#include <asyncc/channel.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/net.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/select.hpp>
#include <asyncc/signal.hpp>
#include <asyncc/time.hpp>
#include <asyncc/watch.hpp>
#include <asyncc/yield_now.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <sys/socket.h>

// How many messages a client may fall behind before it is dropped.
constexpr std::size_t kHistory = 256;
// While a client's socket is full, how often its task looks whether it lags.
constexpr std::chrono::milliseconds kStallCheck{100};
// The kernel's send buffer for each client. Left to itself, Linux grows it
// to megabytes for a client that does not read; bounded, such a client fills
// it soon and then lags behind the chat, where the server sees it.
constexpr int kSendBufferBytes = 32 * 1024;
// How long a shutdown waits for clients to take their last message.
constexpr std::chrono::seconds kDrainTimeout{3};

const std::string kShutdownNotice = "server shutting down\n";

struct Message {
  std::uint64_t from;  // the client who sent it: it does not get its own lines back
  std::string text;    // as the others see it, with its "\n"
};

// What every client's task gets a copy of.
struct Chat {
  asyncc::BroadcastSender<Message> messages;
  asyncc::WatchReceiver<bool> shutdown;  // changes once, when the server shuts down
  // Never sent on: the server knows every client is gone when the last copy is.
  asyncc::Sender<bool> alive;
};

enum class Delivery { written, lagging, failed };

// Writes `text` to the client. While its socket is full, checks now and then
// whether the chat has moved on by more than the channel keeps: the client
// then lags, and is dropped at once rather than when it reads again (which
// a client that never reads never does). A write that waits wrote nothing,
// so dropping it for the timer loses no bytes.
ASYNC asyncc::Async<Delivery> deliver(asyncc::TcpStream& stream, const asyncc::BroadcastReceiver<Message>& inbox,
                                      const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    auto event = co_await asyncc::select(stream.write(text.data() + written, text.size() - written),
                                         asyncc::sleep(kStallCheck));
    if (event.index() == 1) {
      if (inbox.len() > kHistory) co_return Delivery::lagging;
      continue;
    }
    asyncc::Result<std::size_t>& wrote = std::get<0>(event);
    if (!wrote) co_return Delivery::failed;
    written += *wrote;
  }
  co_return Delivery::written;
}

ASYNC asyncc::Async<void> say_goodbye(asyncc::TcpStream& stream) {
  asyncc::Result<void> written = co_await stream.write_all(kShutdownNotice.data(), kShutdownNotice.size());
  if (written) {
    // The end of the stream after the notice; the socket closes when the task ends.
    asyncc::Result<void> shut = co_await stream.shutdown();
    (void)shut;
  }
}

// Serves one client: asks for its name, then forwards its lines to the chat
// and the chat's messages to it, whichever comes first, until it leaves,
// lags, or the server shuts down.
ASYNC asyncc::Async<void> handle_client(asyncc::TcpStream stream, asyncc::SocketAddr address, std::uint64_t id,
                                        Chat chat) {
  // Subscribed before anything is written to the client: once it sees the
  // prompt, it sees every message sent after.
  asyncc::BroadcastReceiver<Message> inbox = chat.messages.subscribe();
  const std::string peer = address.to_string();
  const std::string prompt = "Please enter your username:\n";
  asyncc::Result<void> prompted = co_await stream.write_all(prompt.data(), prompt.size());
  if (!prompted) co_return;

  auto lines = asyncc::lines(stream);
  auto named = co_await asyncc::select(lines.next(), chat.shutdown.changed());
  if (named.index() == 1) {
    co_await say_goodbye(stream);
    co_return;
  }
  std::optional<std::string>& given = std::get<0>(named);
  if (!given) co_return;  // left before saying who it is
  const std::string name = *given;
  std::fprintf(stderr, "%s joined from %s\n", name.c_str(), peer.c_str());
  (void)chat.messages.send(Message{id, name + " has joined the chat\n"});

  for (;;) {
    // Messages first, then the shutdown, then the client's next line: a
    // client that keeps sending still gets what the others say, and the
    // shutdown notice comes after what was said before it.
    auto event = co_await asyncc::select(inbox.recv(), asyncc::select(chat.shutdown.changed(), lines.next()));
    if (event.index() == 1) {
      auto& other = std::get<1>(event);
      if (other.index() == 0) {
        co_await say_goodbye(stream);
        co_return;
      }
      std::optional<std::string>& line = std::get<1>(other);
      if (!line) {
        if (lines.error()) std::fprintf(stderr, "%s: %s\n", name.c_str(), lines.error().message().c_str());
        break;  // it left
      }
      (void)chat.messages.send(Message{id, name + ": " + *line + "\n"});
      // Let the other clients' tasks take the line before reading the next:
      // a burst read in one go would fill the channel before anyone could
      // read it, and make every other client lag.
      co_await asyncc::yield_now();
      continue;
    }
    asyncc::BroadcastReceiver<Message>::Result& received = std::get<0>(event);
    if (!received) {
      if (received.error().is_lagged()) {
        std::fprintf(stderr, "dropping %s (%s): lagged %llu messages behind\n", name.c_str(), peer.c_str(),
                     static_cast<unsigned long long>(received.error().skipped()));
      }
      break;
    }
    if (received->from == id) continue;
    Delivery delivery = co_await deliver(stream, inbox, received->text);
    if (delivery == Delivery::lagging) {
      std::fprintf(stderr, "dropping %s (%s): lagged %zu messages behind\n", name.c_str(), peer.c_str(),
                   inbox.len() - kHistory);
      break;
    }
    if (delivery == Delivery::failed) break;
  }
  std::fprintf(stderr, "%s left\n", name.c_str());
  (void)chat.messages.send(Message{id, name + " has left the chat\n"});
}

// Accepts clients until it is dropped, each served by a task of its own on
// the executor that runs this one. Owns the listener and the server's share
// of the chat: dropping it stops accepting.
ASYNC asyncc::Async<void> accept_clients(asyncc::TcpListener listener, Chat chat) {
  std::uint64_t next_id = 0;
  for (;;) {
    asyncc::Result<std::pair<asyncc::TcpStream, asyncc::SocketAddr>> accepted = co_await listener.accept();
    if (!accepted) {
      std::fprintf(stderr, "accept: %s\n", accepted.error().message().c_str());
      co_return;
    }
    const int send_buffer = kSendBufferBytes;
    setsockopt(accepted->first.native_handle(), SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
    asyncc::spawn(handle_client(std::move(accepted->first), accepted->second, ++next_id, chat));
  }
}

ASYNC asyncc::Async<int> run_server(asyncc::TcpListener listener) {
  // Listening before the address is printed: a signal sent as soon as the
  // server is up is not lost.
  asyncc::CtrlC interrupt = asyncc::ctrl_c();
  asyncc::Result<asyncc::Signal> terminate = asyncc::signal(SIGTERM);
  if (!terminate) {
    std::fprintf(stderr, "signal: %s\n", terminate.error().message().c_str());
    co_return 1;
  }
  std::printf("listening on %s\n", listener.local_addr()->to_string().c_str());
  std::fflush(stdout);

  auto [stop, stopped] = asyncc::watch<bool>(false);
  auto [alive, all_gone] = asyncc::channel<bool>(1);
  // Named rather than built in the call below: g++ 12 miscompiles an
  // aggregate temporary made in a co_await operand (see the README).
  Chat chat{asyncc::broadcast<Message>(kHistory).first, std::move(stopped), std::move(alive)};
  auto ended = co_await asyncc::select(accept_clients(std::move(listener), std::move(chat)),
                                       asyncc::select(std::move(interrupt), terminate->recv()));
  if (ended.index() == 0) co_return 1;  // accepting failed

  // The listener is closed: new connections are refused from here on.
  std::fprintf(stderr, "shutting down\n");
  stop.send_replace(true);
  std::optional<std::optional<bool>> drained = co_await asyncc::timeout(all_gone.recv(), kDrainTimeout);
  if (!drained) std::fprintf(stderr, "some clients did not take the shutdown notice in time\n");
  co_return 0;
}

int main(int argc, char** argv) {
  std::string port = "0";
  long threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      port = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::atol(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: chat_server [--port N] [--threads N]\n");
      return 2;
    }
  }
  const std::string address = "127.0.0.1:" + port;
  asyncc::Result<asyncc::TcpListener> listener = asyncc::TcpListener::bind(address);
  if (!listener) {
    std::fprintf(stderr, "bind %s: %s\n", address.c_str(), listener.error().message().c_str());
    return 1;
  }
  // Clients still connected when the server returns (those that did not
  // drain in time) are dropped with the executor.
  if (threads > 0) {
    asyncc::Runtime runtime = asyncc::Runtime::builder().worker_threads(static_cast<std::size_t>(threads)).build();
    return runtime.block_on(runtime.spawn(run_server(std::move(*listener))));
  }
  asyncc::LocalExecutor executor;
  return executor.block_on(run_server(std::move(*listener)));
}
