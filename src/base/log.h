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

#define ORBIT_LOG_TRACE(...) SPDLOG_TRACE(__VA_ARGS__)
#define ORBIT_LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define ORBIT_LOG_INFO(...) SPDLOG_INFO(__VA_ARGS__)
#define ORBIT_LOG_WARN(...) SPDLOG_WARN(__VA_ARGS__)
#define ORBIT_LOG_ERROR(...) SPDLOG_ERROR(__VA_ARGS__)
