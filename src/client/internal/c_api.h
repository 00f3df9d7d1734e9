#pragma once

// Private to the C API (client/c_api*.cc, include/orbit/c/*.h): what the producer's opaque
// handles hold (the consumers' are in c_api_consumer.cc), and how a Status becomes an int code
// plus the thread's last error text.
//
// No C++ exception may reach a C caller: every entry point that can allocate runs its body in
// Guard, which turns an exception into ORBIT_ERR_INTERNAL.

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "orbit/c/producer.h"
#include "orbit/message.h"
#include "orbit/producer.h"
#include "orbit/status.h"

struct orbit_producer_s {
  explicit orbit_producer_s(orbit::ProducerConfig config) : producer(std::move(config)) {}
  orbit::Producer producer;
};

struct orbit_message_s {
  orbit::Message message;
};

namespace orbit::client::capi {

// A peer's refusal is reported by its response code; everything else by the local code.
int CodeOf(const Status& status);
// Records the outcome for orbit_last_error (cleared on success) and returns its code.
int Report(const Status& status);
inline int Ok() { return Report(Status::Ok()); }
inline int Invalid(const char* what) { return Report(InvalidArgument(what)); }

// Runs `body` (returning an int code); an exception becomes ORBIT_ERR_INTERNAL.
template <typename F>
int Guard(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Report(Internal("out of memory"));
  } catch (const std::exception& e) {
    return Report(Internal(e.what()));
  } catch (...) {
    return Report(Internal("unknown exception"));
  }
}

}  // namespace orbit::client::capi
