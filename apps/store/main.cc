// orbit-store: checks and dumps a store in Apache RocketMQ 4.9's on-disk format, and benchmarks
// the store on this machine's disk (store_tool.h).
//   orbit-store verify DIR [--strict] [--max-hash-slot-num N] [--max-details N]
//   orbit-store dump DIR [--topic T] [--json]
//   orbit-store bench [--dir DIR] [--seconds S] [--sizes 128,1024] [--writers 1,8,64]
//                     [--modes async,sync] [--json]

#include <iostream>
#include <string>
#include <vector>

#include "apps/store/store_tool.h"
#include "base/log.h"

int main(int argc, char** argv) {
  // The store library logs what it finds while scanning; the tool reports all of it itself.
  spdlog::set_level(spdlog::level::off);
  std::vector<std::string> args(argv, argv + argc);
  return orbit::store_tool::RunCommandLine(args, std::cout, std::cerr);
}
