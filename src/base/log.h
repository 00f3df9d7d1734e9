#pragma once

// Logging: spdlog underneath. Modules log through the default logger; apps configure sinks
// (console + rotating file) with SetupLogging.

#include <spdlog/spdlog.h>

#include <string>

namespace orbit {

struct LogOptions {
  std::string file;            // empty = console only
  std::string level = "info";  // trace, debug, info, warn, error, off
  bool console = true;
};

void SetupLogging(const LogOptions& options);

}  // namespace orbit

// Runtime-levelled (never compiled out, so arguments are always used and checked).
#define ORBIT_LOG_TRACE(...) ::spdlog::trace(__VA_ARGS__)
#define ORBIT_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define ORBIT_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define ORBIT_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define ORBIT_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
