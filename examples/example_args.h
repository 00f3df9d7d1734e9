#pragma once

// The command line of every example: [-n namesrv] [-t topic], parsed by hand so that an example
// needs nothing but the SDK.

#include <cstdio>
#include <string>
#include <string_view>

namespace example {

struct Args {
  std::string namesrv = "127.0.0.1:9876";
  std::string topic = "TopicTest";
};

// False (after printing the usage) for -h or a bad command line; `exit_code` says how to exit.
inline bool ParseArgs(int argc, char** argv, Args* args, int* exit_code) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "-n" || arg == "-t") && i + 1 < argc) {
      (arg == "-n" ? args->namesrv : args->topic) = argv[++i];
    } else {
      const bool help = arg == "-h" || arg == "--help";
      std::fprintf(help ? stdout : stderr, "usage: %s [-n namesrv_addr] [-t topic]\n", argv[0]);
      *exit_code = help ? 0 : 2;
      return false;
    }
  }
  return true;
}

}  // namespace example
