#pragma once

// Java .properties text (what RocketMQ's -c config files and UPDATE_NAMESRV_CONFIG bodies use):
// `key=value`, `key: value` or `key value`; `#` and `!` comment lines; a trailing backslash
// continues a line; \t \n \r \f \uXXXX escapes. Later keys override earlier ones.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace orbit {

using PropertyList = std::vector<std::pair<std::string, std::string>>;

// Parses properties text. Fails only on a malformed \u escape.
Result<PropertyList> ParseProperties(std::string_view text);

// Writes `key=value` lines (escaping what the parser would misread).
std::string FormatProperties(const PropertyList& props);

}  // namespace orbit
