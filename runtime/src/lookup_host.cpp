#include <asyncc/lookup_host.hpp>
#include <asyncc/runtime.hpp>

#include <netdb.h>
#include <sys/socket.h>

#include <charconv>
#include <memory>
#include <utility>

namespace asyncc {

const std::error_category& addrinfo_category() noexcept {
  class Category final : public std::error_category {
   public:
    const char* name() const noexcept override { return "getaddrinfo"; }
    std::string message(int code) const override { return ::gai_strerror(code); }
  };
  static const Category category;
  return category;
}

namespace detail {

namespace {

// Splits "host:port" and "[host]:port"; false if it is neither or the port
// is not a number below 65536.
bool split_host_port(std::string_view text, std::string& host, std::string& port) {
  std::string_view host_part;
  std::string_view port_part;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host_part = text.substr(1, close - 1);
    port_part = text.substr(close + 2);
  } else {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host_part = text.substr(0, colon);
    port_part = text.substr(colon + 1);
    // An unbracketed IPv6 address ("::1:80") is ambiguous.
    if (host_part.find(':') != std::string_view::npos) return false;
  }
  unsigned value = 0;
  auto [end, error] = std::from_chars(port_part.data(), port_part.data() + port_part.size(), value);
  if (host_part.empty() || port_part.empty() || error != std::errc() || end != port_part.data() + port_part.size() ||
      value > 65535)
    return false;
  host.assign(host_part);
  port.assign(port_part);
  return true;
}

}  // namespace

Result<std::vector<SocketAddr>> resolve_blocking(std::string_view address) {
  if (Result<SocketAddr> numeric = SocketAddr::parse(address)) return std::vector<SocketAddr>{*numeric};
  std::string host;
  std::string port;
  if (!split_host_port(address, host, port)) return std::make_error_code(std::errc::invalid_argument);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc == EAI_SYSTEM) return last_os_error();
  if (rc != 0) return std::error_code(rc, addrinfo_category());
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(found, ::freeaddrinfo);

  std::vector<SocketAddr> addresses;
  for (const addrinfo* entry = found; entry; entry = entry->ai_next) {
    SocketAddr address = SocketAddr::from_native(entry->ai_addr, entry->ai_addrlen);
    if (address.family() != AF_UNSPEC) addresses.push_back(address);
  }
  if (addresses.empty()) return std::error_code(EAI_NONAME, addrinfo_category());
  return addresses;
}

JoinHandle<Result<std::vector<SocketAddr>>> resolve_on_blocking_pool(std::string address) {
  return spawn_blocking([address = std::move(address)] { return resolve_blocking(address); });
}

}  // namespace detail

Poll<Result<std::vector<SocketAddr>>> LookupHost::poll(Context& cx) {
  using P = Poll<Output>;
  if (done_) detail::contract_violation("a LookupHost was polled after it completed");
  if (!resolving_) {
    if (known_) {
      done_ = true;
      return P::ready(std::vector<SocketAddr>{*known_});
    }
    // The fast path: a numeric address, or text no resolver could read.
    if (Result<SocketAddr> numeric = SocketAddr::parse(address_)) {
      done_ = true;
      return P::ready(std::vector<SocketAddr>{*numeric});
    }
    std::string host;
    std::string port;
    if (!detail::split_host_port(address_, host, port)) {
      done_ = true;
      return P::ready(std::make_error_code(std::errc::invalid_argument));
    }
    resolving_.emplace(detail::resolve_on_blocking_pool(std::move(address_)));
  }
  P resolved = resolving_->poll(cx);
  if (resolved.is_ready()) {
    done_ = true;
    resolving_.reset();
  }
  return resolved;
}

}  // namespace asyncc
