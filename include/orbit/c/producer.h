#pragma once

/* The producer's C API: a C99 ABI over orbit::Producer (orbit/producer.h) for other languages to
 * bind to. Opaque handles, plain structs, int error codes; no C++ type crosses it.
 *
 *   orbit_producer_config_t config;
 *   orbit_producer_config_init(&config);
 *   config.group = "my-group";
 *   config.namesrv_addr = "127.0.0.1:9876";
 *   orbit_producer_t* producer = NULL;
 *   if (orbit_producer_create(&config, &producer) != 0 || orbit_producer_start(producer) != 0) {
 *     fprintf(stderr, "%s\n", orbit_last_error());
 *   }
 *   orbit_message_t* msg = NULL;
 *   orbit_message_create("TopicTest", "hello", 5, &msg);
 *   orbit_send_result_t result;
 *   if (orbit_producer_send(producer, msg, &result) == 0) printf("%s\n", result.msg_id);
 *   orbit_message_destroy(msg);
 *   orbit_producer_destroy(producer);
 *
 * Errors, ownership and strings follow orbit/c/common.h (included here). Sends do not take the
 * message: it stays the caller's, unchanged, and may be destroyed or reused as soon as the send
 * function returns (async sends copy it). Strings in a send result belong to the caller's
 * orbit_send_result_t; those passed to an async callback are valid only during the call.
 *
 * Threads. Producer functions may be called from any thread at once. A message handle may be
 * read (sent) by several threads at once but not changed while another thread uses it. Async
 * callbacks run on the producer's callback thread, one at a time. */

#include <stddef.h>
#include <stdint.h>

#include "orbit/c/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Producer ---- */

typedef struct orbit_producer_s orbit_producer_t;

/* The producer's settings: a subset of orbit::ProducerConfig. Fill it with
 * orbit_producer_config_init (the Java client's defaults) and change what you need. Strings may
 * be NULL (= not set); orbit_producer_create copies them. */
typedef struct orbit_producer_config_s {
  const char* group;         /* required: the producer group, [%|a-zA-Z0-9_-]{1,255} */
  const char* namesrv_addr;  /* "host:port;host:port"; NULL: the NAMESRV_ADDR environment var */
  const char* instance_name; /* NULL: "<pid>#<n>" */
  int64_t send_timeout_ms;   /* budget of one send with its retries; default 3000 */
  int32_t retry_times_when_send_failed;       /* extra sync attempts; default 2 */
  int32_t retry_times_when_send_async_failed; /* extra async attempts; default 2 */
  int32_t compress_msg_body_over_howmuch;     /* compress bodies this large or larger; 4096 */
  int32_t max_message_size;                   /* bytes; default 4 MiB */
  /* ACL 1.0 request signing (orbit::MakeAclRpcHook) when access_key is set; secret_key is then
   * required, security_token optional. */
  const char* access_key;
  const char* secret_key;
  const char* security_token;
} orbit_producer_config_t;

void orbit_producer_config_init(orbit_producer_config_t* config);

/* Creates a producer (not started) from `config`, copied. On success *producer is a new handle
 * for orbit_producer_destroy. Errors: ORBIT_ERR_INVALID_ARGUMENT (NULL argument, no group,
 * an access key without a secret key). */
int orbit_producer_create(const orbit_producer_config_t* config, orbit_producer_t** producer);
/* Checks the config, joins the process's client instance and registers the group. */
int orbit_producer_start(orbit_producer_t* producer);
/* Waits for pending async sends (at most send_timeout_ms; each callback runs exactly once, with
 * the result or ORBIT_ERR_SHUTDOWN) and unregisters the group. Idempotent. Must not be called
 * from an async callback of the same producer. */
void orbit_producer_shutdown(orbit_producer_t* producer);
/* Shuts down if running and frees the handle. NULL is ignored. Same restriction as shutdown. */
void orbit_producer_destroy(orbit_producer_t* producer);

/* ---- Message ---- */

typedef struct orbit_message_s orbit_message_t;

/* A new message for `topic` with a body of `body_len` bytes (binary; may be NULL when
 * body_len is 0), both copied. Free it with orbit_message_destroy. */
int orbit_message_create(const char* topic, const void* body, size_t body_len,
                         orbit_message_t** message);
void orbit_message_destroy(orbit_message_t* message);
/* Replaces the body (copied). */
int orbit_message_set_body(orbit_message_t* message, const void* body, size_t body_len);
/* TAGS: the one tag consumers filter on. "" clears it. */
int orbit_message_set_tags(orbit_message_t* message, const char* tags);
/* KEYS: space-separated keys the broker indexes. "" clears them. */
int orbit_message_set_keys(orbit_message_t* message, const char* keys);
/* A user property. ORBIT_ERR_INVALID_ARGUMENT for an empty name or value, or a name RocketMQ
 * reserves (TAGS, KEYS, DELAY, UNIQ_KEY, ...). */
int orbit_message_put_property(orbit_message_t* message, const char* name, const char* value);
/* Delay level 1..18 of the broker's messageDelayLevel (1s 5s 10s 30s 1m ...); 0 = at once. */
int orbit_message_set_delay_level(orbit_message_t* message, int level);

/* ---- Sending ---- */

/* How the broker stored an accepted message (orbit::SendStatus). */
#define ORBIT_SEND_OK 0
#define ORBIT_SEND_FLUSH_DISK_TIMEOUT 1
#define ORBIT_SEND_FLUSH_SLAVE_TIMEOUT 2
#define ORBIT_SEND_SLAVE_NOT_AVAILABLE 3

#define ORBIT_ID_CAPACITY 64    /* message ids are 32 hex digits (40 for IPv6 offset ids) */
#define ORBIT_NAME_CAPACITY 256 /* topics are at most 127 bytes, broker names short */

/* A sent message. Filled by the library; every string is NUL-terminated inside its array
 * (a longer value is cut, which Orbit's ids, topics and broker names never are). */
typedef struct orbit_send_result_s {
  int32_t status;                        /* ORBIT_SEND_* */
  char msg_id[ORBIT_ID_CAPACITY];        /* the producer's unique id (UNIQ_KEY) */
  char offset_msg_id[ORBIT_ID_CAPACITY]; /* the broker's id: store address + offset */
  char topic[ORBIT_NAME_CAPACITY];       /* the queue the message went to */
  char broker_name[ORBIT_NAME_CAPACITY];
  int32_t queue_id;
  int64_t queue_offset; /* its offset in that queue */
} orbit_send_result_t;

/* Sync send with retries (1 + retry_times_when_send_failed attempts within send_timeout_ms).
 * `result` may be NULL; it is filled only on success. */
int orbit_producer_send(orbit_producer_t* producer, const orbit_message_t* message,
                        orbit_send_result_t* result);
/* Sync send to queue `queue_id` of broker `broker_name` (no retry). broker_name NULL: the first
 * broker, in the topic's publish order, that has a writable queue `queue_id`. */
int orbit_producer_send_to_queue(orbit_producer_t* producer, const orbit_message_t* message,
                                 const char* broker_name, int32_t queue_id,
                                 orbit_send_result_t* result);
/* Ordered sync send: messages with the same `sharding_key` go to the same queue, in order
 * (orbit::SelectQueueByHash; no retry). */
int orbit_producer_send_orderly(orbit_producer_t* producer, const orbit_message_t* message,
                                const char* sharding_key, orbit_send_result_t* result);
/* A batch of `count` messages of one topic, without delay levels, sent as one request. On
 * success results[i] (an array of `count` the caller provides, or NULL) describes messages[i]:
 * they are stored consecutively in one queue. */
int orbit_producer_send_batch(orbit_producer_t* producer, const orbit_message_t* const* messages,
                              size_t count, orbit_send_result_t* results);

/* The outcome of an async send: code 0 with `result` set, or an error code with `error` set
 * (the other pointer is NULL). Both point to library memory valid only during the call. Runs
 * on the producer's callback thread; it may send again but should not block for long and must
 * not shut down or destroy this producer. */
typedef void (*orbit_send_callback_t)(int code, const char* error,
                                      const orbit_send_result_t* result, void* user_data);

/* Async send with retries after network failures. Returns 0: `callback` will run exactly once
 * with `user_data` (also when the producer shuts down first). Returns an error (not running,
 * invalid message, async queue full): the callback never runs. */
int orbit_producer_send_async(orbit_producer_t* producer, const orbit_message_t* message,
                              orbit_send_callback_t callback, void* user_data);
/* Oneway: written to a broker, no answer, no retry. 0 means written, not stored. */
int orbit_producer_send_oneway(orbit_producer_t* producer, const orbit_message_t* message);

#ifdef __cplusplus
} /* extern "C" */
#endif
