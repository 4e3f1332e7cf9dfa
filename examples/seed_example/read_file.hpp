// read_file(path): an asynchronous file read. The first poll hands the read
// to a worker thread, whose completion wakes the task from that thread.
#pragma once

#include <asyncc/future.hpp>

#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

class ReadFile {
 public:
  using Output = std::string;

  explicit ReadFile(std::string path) : path_(std::move(path)) {}

  asyncc::Poll<std::string> poll(asyncc::Context& cx) {
    if (!shared_) {
      shared_ = std::make_shared<Shared>();
      shared_->waker = cx.waker();
      std::thread([shared = shared_, path = path_] {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        std::optional<asyncc::Waker> waker;
        {
          std::lock_guard<std::mutex> lock(shared->mutex);
          shared->content = content.str();
          waker = std::move(shared->waker);
        }
        if (waker) std::move(*waker).wake();
      }).detach();
      return asyncc::Poll<std::string>::pending();
    }
    std::lock_guard<std::mutex> lock(shared_->mutex);
    if (shared_->content) return asyncc::Poll<std::string>::ready(std::move(*shared_->content));
    shared_->waker = cx.waker();
    return asyncc::Poll<std::string>::pending();
  }

 private:
  struct Shared {
    std::mutex mutex;
    std::optional<std::string> content;
    std::optional<asyncc::Waker> waker;
  };
  std::string path_;
  std::shared_ptr<Shared> shared_;
};

inline ReadFile read_file(std::string path) { return ReadFile(std::move(path)); }
