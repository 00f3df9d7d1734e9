#pragma once

// Child processes for the cross-process tests: start a program with arguments, read its output,
// signal it by PID, wait with a time limit. Only processes started here are ever signalled.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace orbit::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` (a path) with `argv`; stdout and stderr go to `log_path` (appended).
  static std::optional<ChildProcess> Start(const std::vector<std::string>& argv,
                                           const std::string& log_path,
                                           const std::string& cwd = "");
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_) { o.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  // Kills (SIGKILL) and reaps the process if it still runs.
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  void Signal(int sig) const;
  // The exit status (exit code, or 128 + signal) once it ended within `limit`; nullopt if it
  // still runs.
  std::optional<int> Wait(std::chrono::milliseconds limit);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

std::string ReadFile(const std::string& path);

}  // namespace orbit::testing
