// Generic futures over the runtime's stream shape (poll_read, poll_write,
// poll_shutdown), shared by the socket tests.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/result.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace asyncc::testing {

// Owns a stream; echoes what it reads until the end of the stream, then
// shuts its own side down. Output: the bytes echoed.
template <class S>
class EchoToEnd {
 public:
  using Output = Result<std::size_t>;
  explicit EchoToEnd(S stream) : stream_(std::move(stream)) {}

  Poll<Output> poll(Context& cx) {
    for (;;) {
      if (offset_ == pending_) {
        auto read = stream_.poll_read(cx, buffer_, sizeof buffer_);
        if (read.is_pending()) return Poll<Output>::pending();
        if (!read.value()) return Poll<Output>::ready(read.value().error());
        if (*read.value() == 0) {
          auto shut = stream_.poll_shutdown(cx);
          if (shut.is_pending()) return Poll<Output>::pending();
          if (!shut.value()) return Poll<Output>::ready(shut.value().error());
          return Poll<Output>::ready(total_);
        }
        pending_ = *read.value();
        offset_ = 0;
      }
      auto written = stream_.poll_write(cx, buffer_ + offset_, pending_ - offset_);
      if (written.is_pending()) return Poll<Output>::pending();
      if (!written.value()) return Poll<Output>::ready(written.value().error());
      offset_ += *written.value();
      total_ += *written.value();
    }
  }

 private:
  S stream_;
  char buffer_[4096];
  std::size_t pending_ = 0, offset_ = 0, total_ = 0;
};

// Writes `message` to a borrowed stream, shuts the writing side down and
// reads the reply to its end.
template <class S>
class SendAndReadToEnd {
 public:
  using Output = Result<std::string>;
  SendAndReadToEnd(S& stream, std::string message) : stream_(&stream), message_(std::move(message)) {}

  // Writes and reads in turn, so that a peer that echoes as it reads never
  // waits for a reader that is still writing.
  Poll<Output> poll(Context& cx) {
    for (;;) {
      bool progress = false;
      if (sent_ < message_.size()) {
        auto written = stream_->poll_write(cx, message_.data() + sent_, message_.size() - sent_);
        if (written.is_ready()) {
          if (!written.value()) return Poll<Output>::ready(written.value().error());
          sent_ += *written.value();
          progress = true;
        }
      } else if (!shut_) {
        auto shut = stream_->poll_shutdown(cx);
        if (shut.is_pending()) return Poll<Output>::pending();
        if (!shut.value()) return Poll<Output>::ready(shut.value().error());
        shut_ = true;
        progress = true;
      }
      char buffer[4096];
      auto read = stream_->poll_read(cx, buffer, sizeof buffer);
      if (read.is_ready()) {
        if (!read.value()) return Poll<Output>::ready(read.value().error());
        if (*read.value() == 0) {
          if (!shut_) return Poll<Output>::ready(make_error_code(io_errc::unexpected_eof));
          return Poll<Output>::ready(std::move(reply_));
        }
        reply_.append(buffer, *read.value());
        progress = true;
      }
      if (!progress) return Poll<Output>::pending();
    }
  }

 private:
  S* stream_;
  std::string message_;
  std::size_t sent_ = 0;
  bool shut_ = false;
  std::string reply_;
};

inline std::string pattern(std::size_t size) {
  std::string text(size, '\0');
  for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return text;
}

// Aborts the test program if it is still armed after `limit`: turns a hang
// (a poll that never returns) into a failure.
class Watchdog {
 public:
  Watchdog(std::chrono::seconds limit, const char* what)
      : thread_([this, limit, what] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!condvar_.wait_for(lock, limit, [this] { return disarmed_; })) {
            std::fprintf(stderr, "watchdog: %s did not finish\n", what);
            std::abort();
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      disarmed_ = true;
    }
    condvar_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable condvar_;
  bool disarmed_ = false;
  std::thread thread_;
};

}  // namespace asyncc::testing
