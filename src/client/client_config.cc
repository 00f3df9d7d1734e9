#include "orbit/client_config.h"

namespace orbit {

const char* ServiceStateName(ServiceState state) {
  switch (state) {
    case ServiceState::kCreateJust:
      return "CREATE_JUST";
    case ServiceState::kRunning:
      return "RUNNING";
    case ServiceState::kShutdownAlready:
      return "SHUTDOWN_ALREADY";
    case ServiceState::kStartFailed:
      return "START_FAILED";
  }
  return "UNKNOWN";
}

}  // namespace orbit
