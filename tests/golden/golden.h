#pragma once

// Loader for the golden captures in tests/data/golden/*.txt: frames recorded from a real Apache
// RocketMQ 4.9.8 name server, broker, Java client, mqadmin and ali-ons. Each FRAME line is parsed
// into its described fields; the following HEX line gives the whole frame (length prefix
// included).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orbit::testing {

struct GoldenFrame {
  std::string file;       // capture name, e.g. "05_send_v2"
  int index = 0;          // FRAME number within the file
  std::string direction;  // "C->B", "B->C", "C->NS", "NS->C", "B->NS", "NS->B"
  std::string line;       // the whole FRAME line, for messages
  std::string bytes;      // the frame, length prefix included

  // Described fields.
  bool is_response = false;
  int32_t request_code = 0;  // for responses: the code of the request answered
  int32_t code = 0;
  int32_t opaque = 0;
  int32_t flag = 0;
  std::string ser;   // "JSON" or "ROCKETMQ"
  std::string lang;  // "JAVA", ...
  int32_t version = 0;
  int32_t header_len = 0;
  int32_t body_len = 0;
  std::optional<std::string> remark;       // \xHH escapes decoded
  std::map<std::string, std::string> ext;  // \xHH escapes decoded

  std::string body() const { return bytes.substr(8 + static_cast<size_t>(header_len)); }
  std::string Name() const { return file + "#" + std::to_string(index); }
};

// Directory of the copied golden data (tests/data/golden).
std::string GoldenDir();
// Capture names (file stems), sorted.
std::vector<std::string> GoldenFiles();
std::vector<GoldenFrame> LoadGoldenFile(const std::string& name);
std::vector<GoldenFrame> LoadAllGoldenFrames();

// Lowercase/uppercase hex to bytes.
std::string Unhex(const std::string& hex);

}  // namespace orbit::testing
