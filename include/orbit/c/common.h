#pragma once

/* What every part of Orbit's C API shares (orbit/c/producer.h, orbit/c/consumer.h): the error
 * codes, the thread's last error text, and the rules below. A C99 ABI for other languages to
 * bind to: opaque handles, plain structs, int error codes; no C++ type crosses it.
 *
 * Errors. Every function returning int returns 0 on success, else an error code: one of the
 * ORBIT_ERR_* values below (Orbit's local codes, 1000..1999, orbit/error_codes.h), or, when a
 * broker or name server refused the request, the peer's RocketMQ response code (1..999, e.g. 17
 * TOPIC_NOT_EXIST, 2 SYSTEM_BUSY). orbit_last_error() then returns the error's text.
 *
 * Ownership. Handles are created by orbit_*_create (or handed out by a function that says so)
 * and freed by the matching orbit_*_destroy, by the caller, exactly once; destroy functions
 * accept NULL. Every string and buffer passed in is copied before the call returns: the caller
 * keeps ownership of its buffers and may free or reuse them at once. Strings handed out belong
 * to the library (or to the caller's result struct) and are never freed by the caller; each
 * function says how long they stay valid.
 *
 * Strings are NUL-terminated UTF-8 unless a length is given. */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Error codes (the values of orbit::ErrorCode) ---- */
#define ORBIT_OK 0
#define ORBIT_ERR_INVALID_ARGUMENT 1001
#define ORBIT_ERR_MALFORMED 1002
#define ORBIT_ERR_MISSING_FIELD 1003
#define ORBIT_ERR_FRAME_TOO_LARGE 1004
#define ORBIT_ERR_UNSUPPORTED 1005
#define ORBIT_ERR_NOT_FOUND 1006
#define ORBIT_ERR_TIMEOUT 1010
#define ORBIT_ERR_CONNECT_FAILED 1011
#define ORBIT_ERR_CONNECTION_CLOSED 1012
#define ORBIT_ERR_TOO_MANY_REQUESTS 1013
#define ORBIT_ERR_SHUTDOWN 1014
#define ORBIT_ERR_IO_ERROR 1020
#define ORBIT_ERR_COMPRESSION 1021
#define ORBIT_ERR_DISK_FULL 1022
#define ORBIT_ERR_STORE_FENCED 1023
#define ORBIT_ERR_FLUSH_TIMEOUT 1024
#define ORBIT_ERR_MESSAGE_ILLEGAL 1025
#define ORBIT_ERR_NO_NAME_SERVER 1030
#define ORBIT_ERR_NO_ROUTE 1031
#define ORBIT_ERR_BROKER_NOT_FOUND 1032
#define ORBIT_ERR_NOT_RUNNING 1033
#define ORBIT_ERR_INTERNAL 1099
/* A peer refused without a response code (a remote error carries its code otherwise). */
#define ORBIT_ERR_REMOTE 1100

/* The text of the last error on the calling thread: set by every function returning int (""
 * after a success). Owned by the library; valid until the thread's next orbit_* call. Never
 * NULL. */
const char* orbit_last_error(void);
/* The name of a code: "kTimeout" for local codes, the Java name ("TOPIC_NOT_EXIST") for a
 * broker's response code, "UNKNOWN" otherwise. A static string. */
const char* orbit_error_name(int code);
/* 1 if the same operation may succeed when retried (timeouts, connection failures, a busy
 * broker, ...), else 0. */
int orbit_error_is_retriable(int code);

#ifdef __cplusplus
} /* extern "C" */
#endif
