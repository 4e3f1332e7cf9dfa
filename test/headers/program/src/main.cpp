// No ASYNC function of its own: compiled as it is, it calls the header's.
#include <async_lib.hpp>

#include <asyncc/executor.hpp>

#include <cstdio>
#include <string>

std::string run_a();
std::string run_b();

int main() {
  std::printf("version %d\n", lib::version);
  std::printf("a: %s\n", run_a().c_str());
  std::printf("b: %s\n", run_b().c_str());
  std::printf("main: %d\n", asyncc::block_on(lib::scaled(7)));
}
