#include "base/config.h"

#include <cctype>

namespace orbit {

Result<int64_t> ParseConfigInt(std::string_view key, std::string_view text) {
  int64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    return InvalidArgument("config key " + std::string(key) + ": '" + std::string(text) +
                           "' is not an integer");
  }
  return v;
}

Result<bool> ParseConfigBool(std::string_view key, std::string_view text) {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "true") return true;
  if (lower == "false") return false;
  return InvalidArgument("config key " + std::string(key) + ": '" + std::string(text) +
                         "' is not true or false");
}

}  // namespace orbit
