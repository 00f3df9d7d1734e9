#pragma once

// Flag helpers shared by the orbit-bench tools' command lines.

#include <CLI/CLI.hpp>
#include <string>

namespace orbit::bench {

// An Apache-style boolean: "-k" alone means true; "-k true" and "-k false" work too.
inline CLI::Option* AddApacheBool(CLI::App* cmd, const std::string& names, bool* value,
                                  const std::string& help) {
  return cmd->add_option(names, *value, help + " (default: false; alone: true)")
      ->expected(0, 1)
      ->default_str("true")
      ->option_text("[BOOL]");
}

}  // namespace orbit::bench
