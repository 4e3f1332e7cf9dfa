// BufReader: reads an AsyncRead through a buffer, so that lines and other
// delimited records cost one system call per buffer, not per byte.
//
//   asyncc::BufReader reader(stream);          // borrows: BufReader<TcpStream&>
//   asyncc::BufReader owner(std::move(stream)); // owns:    BufReader<TcpStream>
//   std::string line;
//   Result<std::size_t> n = co_await reader.read_line(line);  // 0 at the end
//
//   auto lines = asyncc::lines(stream);        // == BufReader(stream).lines()
//   while (std::optional<std::string> line = co_await lines.next()) ...
//   if (lines.error()) ...                     // why it ended, if not the end
//
// A borrowed stream must outlive the reader; the stream itself keeps its one
// registration with the reactor, so its own writes go on working. Bytes in
// the buffer are the reader's: reading the stream directly skips them.
// The futures borrow the reader (and the string), which must outlive them
// and stay where they are while they run.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/io.hpp>
#include <asyncc/result.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace asyncc {

template <class R>
class BufReader {
  using Inner = std::remove_reference_t<R>;
  static_assert(is_async_read_v<Inner>, "BufReader needs an AsyncRead: poll_read(Context&, void*, std::size_t)");

 public:
  class FillBuf;
  class ReadUntil;
  class Lines;

  static constexpr std::size_t kDefaultCapacity = 8192;

  explicit BufReader(R inner, std::size_t capacity = kDefaultCapacity)
      : inner_(std::forward<R>(inner)),
        buffer_(new char[capacity > 0 ? capacity : 1]),
        capacity_(capacity > 0 ? capacity : 1) {}
  BufReader(BufReader&& other) noexcept
      : inner_(std::forward<R>(other.inner_)),
        buffer_(std::move(other.buffer_)),
        capacity_(other.capacity_),
        pos_(std::exchange(other.pos_, 0)),
        filled_(std::exchange(other.filled_, 0)) {}
  BufReader& operator=(BufReader&&) = delete;

  Inner& get_ref() noexcept { return inner_; }
  const Inner& get_ref() const noexcept { return inner_; }
  // The stream back; bytes still buffered are lost (read buffer() first).
  R into_inner() && { return std::forward<R>(inner_); }

  std::size_t capacity() const noexcept { return capacity_; }
  // The bytes read from the stream and not yet consumed.
  std::string_view buffer() const noexcept { return std::string_view(buffer_.get() + pos_, filled_ - pos_); }

  // The buffered bytes, reading the stream first if there are none: an
  // empty view at the end of the stream. Mark what was used with consume().
  Poll<Result<std::string_view>> poll_fill_buf(Context& cx) {
    using P = Poll<Result<std::string_view>>;
    if (pos_ == filled_) {
      Poll<Result<std::size_t>> read = inner_.poll_read(cx, buffer_.get(), capacity_);
      if (read.is_pending()) return P::pending();
      if (!read.value()) return P::ready(read.value().error());
      pos_ = 0;
      filled_ = *read.value();
    }
    return P::ready(buffer());
  }
  void consume(std::size_t n) noexcept { pos_ = std::min(pos_ + n, filled_); }

  // AsyncRead: from the buffer, or straight from the stream when the buffer
  // is empty and the caller's is at least as large.
  Poll<Result<std::size_t>> poll_read(Context& cx, void* out, std::size_t size) {
    using P = Poll<Result<std::size_t>>;
    if (pos_ == filled_ && size >= capacity_) return inner_.poll_read(cx, out, size);
    Poll<Result<std::string_view>> filled = poll_fill_buf(cx);
    if (filled.is_pending()) return P::pending();
    if (!filled.value()) return P::ready(filled.value().error());
    const std::size_t n = std::min(size, filled.value()->size());
    if (n > 0) std::memcpy(out, filled.value()->data(), n);
    consume(n);
    return P::ready(n);
  }

  // A reader of a duplex stream still writes to it.
  template <class I = Inner, std::enable_if_t<is_async_write_v<I>, int> = 0>
  Poll<Result<std::size_t>> poll_write(Context& cx, const void* data, std::size_t size) {
    return inner_.poll_write(cx, data, size);
  }
  template <class I = Inner, std::enable_if_t<is_async_write_v<I>, int> = 0>
  Poll<Result<void>> poll_flush(Context& cx) {
    return asyncc::poll_flush(inner_, cx);
  }
  template <class I = Inner, std::enable_if_t<is_async_write_v<I>, int> = 0>
  Poll<Result<void>> poll_shutdown(Context& cx) {
    return asyncc::poll_shutdown(inner_, cx);
  }

  // The steps of read_until, for hand-written futures: appends to `out` up
  // to and including `delim`, adding to `appended` what it appends, across
  // pending polls. Ready at the delimiter, at the end of the stream, or with
  // an error (the bytes read stay in `out`).
  Poll<Result<void>> poll_read_until(Context& cx, char delim, std::string& out, std::size_t& appended) {
    using P = Poll<Result<void>>;
    for (;;) {
      Poll<Result<std::string_view>> filled = poll_fill_buf(cx);
      if (filled.is_pending()) return P::pending();
      if (!filled.value()) return P::ready(filled.value().error());
      std::string_view available = *filled.value();
      if (available.empty()) return P::ready(Result<void>());
      const std::size_t at = available.find(delim);
      const std::size_t take = at == std::string_view::npos ? available.size() : at + 1;
      out.append(available.data(), take);
      consume(take);
      appended += take;
      if (at != std::string_view::npos) return P::ready(Result<void>());
    }
  }

  FillBuf fill_buf() noexcept { return FillBuf(*this); }
  // Appends to `out` up to and including `delim`: the number of bytes
  // appended, 0 at the end of the stream. A record longer than the buffer
  // is read in pieces; a last one without `delim` is appended as it is.
  ReadUntil read_until(char delim, std::string& out) noexcept { return ReadUntil(*this, delim, out); }
  // read_until('\n'): the line keeps its "\n" (or "\r\n").
  ReadUntil read_line(std::string& out) noexcept { return ReadUntil(*this, '\n', out); }
  // The lines that follow, without "\n" or "\r\n"; takes the reader.
  Lines lines() &&;

 private:
  R inner_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_;
  std::size_t pos_ = 0;     // next unconsumed byte
  std::size_t filled_ = 0;  // end of the bytes read
};

template <class R>
BufReader(R&&) -> BufReader<R>;
template <class R>
BufReader(R&&, std::size_t) -> BufReader<R>;

template <class R>
class BufReader<R>::FillBuf {
 public:
  using Output = Result<std::string_view>;
  explicit FillBuf(BufReader& reader) noexcept : reader_(&reader) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a BufReader::FillBuf was polled after it completed");
    Poll<Output> filled = reader_->poll_fill_buf(cx);
    done_ = filled.is_ready();
    return filled;
  }

 private:
  BufReader* reader_;
  bool done_ = false;
};

template <class R>
class BufReader<R>::ReadUntil {
 public:
  using Output = Result<std::size_t>;
  ReadUntil(BufReader& reader, char delim, std::string& out) noexcept : reader_(&reader), out_(&out), delim_(delim) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a BufReader::ReadUntil was polled after it completed");
    Poll<Result<void>> read = reader_->poll_read_until(cx, delim_, *out_, appended_);
    if (read.is_pending()) return Poll<Output>::pending();
    done_ = true;
    if (!read.value()) return Poll<Output>::ready(read.value().error());
    return Poll<Output>::ready(appended_);
  }

 private:
  BufReader* reader_;
  std::string* out_;
  std::size_t appended_ = 0;
  char delim_;
  bool done_ = false;
};

// A stream of lines. next() yields each line without its "\n" or "\r\n"
// (a last line without "\n" as it is), then nullopt at the end of the
// stream or on an error, which error() then tells. A line cut short by an
// error is not yielded.
template <class R>
class BufReader<R>::Lines {
 public:
  class Next;

  explicit Lines(BufReader reader) noexcept : reader_(std::move(reader)) {}

  Next next() noexcept { return Next(*this); }
  Poll<std::optional<std::string>> poll_next(Context& cx) {
    using P = Poll<std::optional<std::string>>;
    if (ended_) return P::ready(std::nullopt);
    std::size_t appended = 0;
    Poll<Result<void>> read = reader_.poll_read_until(cx, '\n', line_, appended);
    if (read.is_pending()) return P::pending();
    if (!read.value()) {
      ended_ = true;
      error_ = read.value().error();
      line_.clear();
      return P::ready(std::nullopt);
    }
    if (line_.empty()) {  // nothing more before the end
      ended_ = true;
      return P::ready(std::nullopt);
    }
    if (line_.back() == '\n') {
      line_.pop_back();
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    }
    std::string line = std::move(line_);
    line_.clear();
    return P::ready(std::move(line));
  }

  // Why the lines ended, if it was an error (a reset, a timeout...).
  std::error_code error() const noexcept { return error_; }
  BufReader& get_ref() noexcept { return reader_; }
  // The reader back, with what it buffered (a partly read line is lost).
  BufReader into_inner() && { return std::move(reader_); }

 private:
  BufReader reader_;
  std::string line_;  // the line being read, across pending polls
  std::error_code error_;
  bool ended_ = false;
};

template <class R>
class BufReader<R>::Lines::Next {
 public:
  using Output = std::optional<std::string>;
  explicit Next(Lines& lines) noexcept : lines_(&lines) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a BufReader::Lines::Next was polled after it completed");
    Poll<Output> line = lines_->poll_next(cx);
    done_ = line.is_ready();
    return line;
  }

 private:
  Lines* lines_;
  bool done_ = false;
};

template <class R>
typename BufReader<R>::Lines BufReader<R>::lines() && {
  return Lines(std::move(*this));
}

// The lines of a stream the runtime already owns (a TcpStream, a pipe, a
// split half), read through the stream's own registration: the stream
// stays usable for writing. Borrows the stream.
template <class R, std::enable_if_t<is_async_read_v<R>, int> = 0>
typename BufReader<R&>::Lines lines(R& reader) {
  return BufReader<R&>(reader).lines();
}

}  // namespace asyncc
