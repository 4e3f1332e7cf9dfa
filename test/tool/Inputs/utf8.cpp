#include <asyncc/async.hpp>

#include <string>

// Grüße, 世界: a comment before
int größe = 3;

ASYNC asyncc::Async<std::string> grüßen() {
  // ein Kommentar: ü
  co_return std::string("héllo, 世界") + std::to_string(größe);
}

// après: a comment after
