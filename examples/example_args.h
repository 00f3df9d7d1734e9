#pragma once

// The command line of every example: [-n namesrv] [-t topic], and for the consumer examples
// [-c count] [-w seconds] too; parsed by hand so that an example needs nothing but the SDK.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace example {

struct Args {
  std::string namesrv = "127.0.0.1:9876";
  std::string topic = "TopicTest";
  // Consumer examples: exit 0 once `count` messages came, 1 when `wait_seconds` passed first.
  int count = 3;
  int wait_seconds = 30;
};

// A positive int, or false.
inline bool ParsePositive(const char* text, int* out) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value <= 0 || value > 1000000) return false;
  *out = static_cast<int>(value);
  return true;
}

// False (after printing the usage) for -h or a bad command line; `exit_code` says how to exit.
// `consumer`: -c and -w are accepted too.
inline bool ParseArgs(int argc, char** argv, Args* args, int* exit_code, bool consumer = false) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if ((arg == "-n" || arg == "-t") && has_value) {
      (arg == "-n" ? args->namesrv : args->topic) = argv[++i];
    } else if (consumer && (arg == "-c" || arg == "-w") && has_value &&
               ParsePositive(argv[i + 1], arg == "-c" ? &args->count : &args->wait_seconds)) {
      ++i;
    } else {
      const bool help = arg == "-h" || arg == "--help";
      std::fprintf(help ? stdout : stderr, "usage: %s [-n namesrv_addr] [-t topic]%s\n", argv[0],
                   consumer ? " [-c count] [-w seconds]" : "");
      *exit_code = help ? 0 : 2;
      return false;
    }
  }
  return true;
}

}  // namespace example
