#pragma once

// The one table of Orbit's local error codes. Local codes live in 1000..1999 and never overlap
// protocol ResponseCodes (see protocol/codes.h), which a Status carries separately as a remote
// code. Each local code says whether a caller may retry the same operation.
// X(name, value, retriable, description)
#define ORBIT_ERROR_CODES(X)                                                                     \
  X(kOk, 0, false, "success")                                                                    \
  X(kInvalidArgument, 1001, false, "an argument is out of range or malformed")                   \
  X(kMalformed, 1002, false, "input bytes do not follow the wire or file format")                \
  X(kMissingField, 1003, false, "a required header or body field is absent")                     \
  X(kFrameTooLarge, 1004, false, "a frame is larger than the 16 MiB limit")                      \
  X(kUnsupported, 1005, false, "the feature or encoding is not supported")                       \
  X(kNotFound, 1006, false, "the requested item does not exist")                                 \
  X(kTimeout, 1010, true, "the operation did not complete in time")                              \
  X(kConnectFailed, 1011, true, "could not connect to the remote address")                       \
  X(kConnectionClosed, 1012, true, "the connection closed before the reply arrived")             \
  X(kTooManyRequests, 1013, true, "too many requests in flight on this client")                  \
  X(kShutdown, 1014, false, "the component is shutting down")                                    \
  X(kIoError, 1020, false, "a file or socket operation failed")                                  \
  X(kCompression, 1021, false, "compressing or decompressing a body failed")                     \
  X(kDiskFull, 1022, true, "the disk has no room; writes resume when space returns")             \
  X(kStoreFenced, 1023, false, "a write or sync failed; the store refuses writes until restart") \
  X(kFlushTimeout, 1024, true, "the message is stored but its flush did not finish in time")     \
  X(kMessageIllegal, 1025, false, "the message is too large or its fields are invalid")          \
  X(kNoNameServer, 1030, true, "no name server is configured or none could be reached")          \
  X(kNoRoute, 1031, false, "the name servers know no route for the topic")                       \
  X(kBrokerNotFound, 1032, true, "the broker of the chosen queue is not in the topic's route")   \
  X(kNotRunning, 1033, false, "the client is not running (not started, or shut down)")           \
  X(kInternal, 1099, false, "an internal invariant failed")                                      \
  X(kRemote, 1100, false, "the remote peer answered with a non-success response code")

namespace orbit {

enum class ErrorCode : int {
#define ORBIT_X_ENUM(name, value, retriable, desc) name = value,
  ORBIT_ERROR_CODES(ORBIT_X_ENUM)
#undef ORBIT_X_ENUM
};

const char* ErrorCodeName(ErrorCode code);
const char* ErrorCodeDescription(ErrorCode code);
bool IsRetriable(ErrorCode code);

}  // namespace orbit
