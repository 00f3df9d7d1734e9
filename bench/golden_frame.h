#pragma once

// Reads one frame of a golden capture (tests/data/golden/*.txt) for the benchmarks. A capture
// has a FRAME line describing each frame, followed by a HEX line holding the whole frame
// (length prefix included).

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

namespace orbit::bench {

// The bytes of the first frame of `capture` (e.g. "05_send_v2") whose FRAME line contains
// `needle`. Exits with a message when there is none: a benchmark cannot run without its input.
inline std::string LoadGoldenFrame(std::string_view capture, std::string_view needle) {
  std::string path = std::string(ORBIT_TEST_DATA_DIR) + "/golden/" + std::string(capture) + ".txt";
  std::ifstream in(path);
  std::string line;
  bool matched = false;
  while (std::getline(in, line)) {
    if (line.rfind("FRAME ", 0) == 0) {
      matched = line.find(needle) != std::string::npos;
    } else if (matched && line.rfind("HEX ", 0) == 0) {
      std::string bytes;
      for (size_t i = 4; i + 1 < line.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(line.substr(i, 2), nullptr, 16)));
      }
      return bytes;
    }
  }
  std::fprintf(stderr, "no frame matching '%.*s' in %s\n", static_cast<int>(needle.size()),
               needle.data(), path.c_str());
  std::exit(1);
}

}  // namespace orbit::bench
