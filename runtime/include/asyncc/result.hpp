// Result<T>: a value or the std::error_code that explains its absence. The
// runtime's I/O reports failures this way and never throws them.
#pragma once

#include <asyncc/future.hpp>

#include <cerrno>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace asyncc {

// The error code of the calling thread's errno.
inline std::error_code last_os_error() noexcept { return std::error_code(errno, std::system_category()); }

// The error code of an errno value.
inline std::error_code os_error(int code) noexcept { return std::error_code(code, std::system_category()); }

// True when `ec` is the errno value `code`. Compares the value and the
// category's address only: no call on the polymorphic category, which is
// cheaper on the I/O paths and, under UBSan, needs no descriptor for its
// vptr check (accept runs out of them on purpose).
inline bool is_os_error(const std::error_code& ec, int code) noexcept {
  return ec.value() == code && &ec.category() == &std::system_category();
}

// True for EAGAIN/EWOULDBLOCK: the operation must wait for readiness.
inline bool is_would_block(const std::error_code& ec) noexcept {
  return is_os_error(ec, EAGAIN) || is_os_error(ec, EWOULDBLOCK);
}

// Errors of asyncc's own, in the category "asyncc".
enum class io_errc {
  unexpected_eof = 1,  // the stream ended before the bytes asked for arrived
  write_zero,          // a write accepted no bytes
};

inline const std::error_category& io_category() noexcept {
  class Category final : public std::error_category {
   public:
    const char* name() const noexcept override { return "asyncc"; }
    std::string message(int code) const override {
      switch (static_cast<io_errc>(code)) {
        case io_errc::unexpected_eof: return "unexpected end of stream";
        case io_errc::write_zero: return "write accepted no bytes";
      }
      return "unknown asyncc error";
    }
  };
  static const Category category;
  return category;
}

inline std::error_code make_error_code(io_errc e) noexcept {
  return std::error_code(static_cast<int>(e), io_category());
}

// A T, or an error. `value()` on an error is a contract violation: check
// first (`if (result)`), as with std::optional.
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result holds values");
  static_assert(!std::is_same_v<std::decay_t<T>, std::error_code>, "Result<error_code> is ambiguous");

 public:
  using value_type = T;

  template <class U = T,
            std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                 !std::is_same_v<std::decay_t<U>, std::error_code> &&
                                 !std::is_same_v<std::decay_t<U>, Result>,
                             int> = 0>
  Result(U&& value) : storage_(std::in_place_index<0>, std::forward<U>(value)) {}
  Result(std::error_code error) noexcept : storage_(std::in_place_index<1>, error) {}

  bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->checked(); }
  T&& operator*() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->checked(); }

  // The error; an empty (success) code when there is a value.
  std::error_code error() const noexcept {
    return has_value() ? std::error_code() : std::get<1>(storage_);
  }

 private:
  T& checked() {
    if (!has_value()) {
      std::string message = "Result::value() called on an error: " + std::get<1>(storage_).message();
      detail::contract_violation(message.c_str());
    }
    return std::get<0>(storage_);
  }

  std::variant<T, std::error_code> storage_;
};

// Success or an error; the default is success.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() noexcept = default;
  Result(std::error_code error) noexcept : error_(error) {}

  bool has_value() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (error_) {
      std::string message = "Result::value() called on an error: " + error_.message();
      detail::contract_violation(message.c_str());
    }
  }
  std::error_code error() const noexcept { return error_; }

 private:
  std::error_code error_;
};

}  // namespace asyncc

namespace std {
template <>
struct is_error_code_enum<asyncc::io_errc> : true_type {};
}  // namespace std
