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

// Rewrites properties text so that each key in `updates` has its new value: every line that
// sets the key is replaced by `key=value`, keys the text does not set are appended; comments,
// blank lines and the other keys' lines stay as they were. Fails on a malformed \u escape.
Result<std::string> UpdatePropertiesText(std::string_view text, const PropertyList& updates);

}  // namespace orbit
