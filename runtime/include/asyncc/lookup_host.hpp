// lookup_host: resolves "host:port" into socket addresses, as getaddrinfo
// does, without blocking the executor.
//
//   Result<std::vector<SocketAddr>> addresses = co_await asyncc::lookup_host("localhost:8080");
//
// Numeric addresses ("127.0.0.1:80", "[::1]:80") are parsed in place, with no
// thread. Names are resolved by getaddrinfo on a thread of spawn_blocking's
// pool: the current Runtime's, or, on a LocalExecutor or under block_on, the
// process-wide pool; the waiting task is woken through its Waker when the
// call returns. The port must be numeric. Failures are error values: a
// malformed address is std::errc::invalid_argument; a name that does not
// resolve is an error of addrinfo_category() (EAI_NONAME, EAI_AGAIN, ...).
#pragma once

#include <asyncc/executor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/result.hpp>
#include <asyncc/socket_addr.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace asyncc {

// The category of getaddrinfo's EAI_* codes (messages from gai_strerror).
const std::error_category& addrinfo_category() noexcept;

namespace detail {
// Resolves on the calling thread, blocking it. Numeric addresses need no
// resolver; otherwise every address getaddrinfo gives, in its order.
Result<std::vector<SocketAddr>> resolve_blocking(std::string_view address);
// Resolves on the blocking pool.
JoinHandle<Result<std::vector<SocketAddr>>> resolve_on_blocking_pool(std::string address);

// Calls `attempt` (returning a Result) on each address in turn until one
// succeeds; the last failure otherwise.
template <class Attempt>
auto first_success(const std::vector<SocketAddr>& addresses, Attempt&& attempt) -> decltype(attempt(addresses[0])) {
  std::error_code last = std::make_error_code(std::errc::address_not_available);
  for (const SocketAddr& address : addresses) {
    auto result = attempt(address);
    if (result) return result;
    last = result.error();
  }
  return last;
}
}  // namespace detail

// The future of lookup_host. Movable until its first poll.
class LookupHost {
 public:
  using Output = Result<std::vector<SocketAddr>>;

  // Copies `address`: the text may be a temporary.
  explicit LookupHost(std::string_view address) : address_(address) {}
  // Already resolved: ready at the first poll with `address` alone.
  explicit LookupHost(const SocketAddr& address) : known_(address) {}

  Poll<Output> poll(Context& cx);

 private:
  std::string address_;
  std::optional<SocketAddr> known_;
  std::optional<JoinHandle<Output>> resolving_;
  bool done_ = false;
};

inline LookupHost lookup_host(std::string_view address) { return LookupHost(address); }

}  // namespace asyncc
