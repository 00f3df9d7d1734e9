#pragma once

/* The consumers' C API: a C99 ABI over orbit::PushConsumer (orbit/consumer.h) and
 * orbit::LitePullConsumer (orbit/lite_pull_consumer.h). Errors, ownership and strings follow
 * orbit/c/common.h (included here).
 *
 *   static int on_messages(const orbit_message_ext_t* const* msgs, size_t count,
 *                          orbit_consume_concurrently_context_t* context, void* user_data) {
 *     for (size_t i = 0; i < count; ++i) {
 *       size_t len = 0;
 *       const void* body = orbit_message_ext_body(msgs[i], &len);
 *       printf("%s %.*s\n", orbit_message_ext_msg_id(msgs[i]), (int)len, (const char*)body);
 *     }
 *     return ORBIT_CONSUME_SUCCESS;
 *   }
 *   ...
 *   orbit_push_consumer_config_t config;
 *   orbit_push_consumer_config_init(&config);
 *   config.group = "my-group";
 *   config.namesrv_addr = "127.0.0.1:9876";
 *   orbit_push_consumer_t* consumer = NULL;
 *   if (orbit_push_consumer_create(&config, &consumer) != 0 ||
 *       orbit_push_consumer_subscribe(consumer, "TopicTest", "TagA || TagB") != 0 ||
 *       orbit_push_consumer_register_concurrent_listener(consumer, on_messages, NULL) != 0 ||
 *       orbit_push_consumer_start(consumer) != 0) {
 *     fprintf(stderr, "%s\n", orbit_last_error());
 *   }
 *   ... messages arrive on the consumer's threads ...
 *   orbit_push_consumer_destroy(consumer);
 *
 * Received messages (orbit_message_ext_t) are read-only views owned by the library: those
 * passed to a listener are valid only during that call, those of a polled list until the list
 * is destroyed. So are the strings and bodies their accessors return. Copy what you keep.
 *
 * Threads. Consumer functions may be called from any thread, except that a listener must not
 * shut down or destroy its own consumer (shutdown waits for running listeners). A concurrent
 * listener runs on several consume threads at once (consume_thread_count): its user data must
 * be safe to share. An orderly listener runs on one thread at a time per queue. A message list
 * may be read by several threads at once. */

#include <stddef.h>
#include <stdint.h>

#include "orbit/c/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Settings shared by the consumers ---- */

/* message_model (orbit::MessageModel) */
#define ORBIT_CLUSTERING 0   /* each message to one consumer of the group; offsets on brokers */
#define ORBIT_BROADCASTING 1 /* each message to every consumer; offsets in a local file */

/* consume_from_where (orbit::ConsumeFromWhere): where a group without a stored offset for a
 * queue starts. Once an offset is stored, the consumer goes on from it. */
#define ORBIT_CONSUME_FROM_LAST_OFFSET 0  /* the queue's end */
#define ORBIT_CONSUME_FROM_FIRST_OFFSET 1 /* the queue's first message still stored */
#define ORBIT_CONSUME_FROM_TIMESTAMP 2    /* the first message stored at or after a time */

/* One queue of a topic on one broker (orbit::MessageQueue). As an argument its strings are
 * copied; handed out by the library they are valid as long as what holds them (e.g. a listener's
 * context: during the call). */
typedef struct orbit_message_queue_s {
  const char* topic;
  const char* broker_name;
  int32_t queue_id;
} orbit_message_queue_t;

/* ---- Received messages ---- */

/* A message as the broker stored it (orbit::MessageExt). Read-only; see the lifetime above. */
typedef struct orbit_message_ext_s orbit_message_ext_t;

/* Strings: never NULL ("" when not set, or for a NULL message). */
const char* orbit_message_ext_topic(const orbit_message_ext_t* msg);
const char* orbit_message_ext_tags(const orbit_message_ext_t* msg);
const char* orbit_message_ext_keys(const orbit_message_ext_t* msg); /* space-separated */
/* The id a Java consumer reports: the producer's UNIQ_KEY when set, else offset_msg_id. */
const char* orbit_message_ext_msg_id(const orbit_message_ext_t* msg);
/* The broker's id: store address + commit-log offset, as hex. */
const char* orbit_message_ext_offset_msg_id(const orbit_message_ext_t* msg);
const char* orbit_message_ext_broker_name(const orbit_message_ext_t* msg);
/* The body (binary, uncompressed; not NUL-terminated) and, when `length` is not NULL, its size
 * in bytes. */
const void* orbit_message_ext_body(const orbit_message_ext_t* msg, size_t* length);
/* A property (system or user) by name; NULL when the message has none of that name. */
const char* orbit_message_ext_property(const orbit_message_ext_t* msg, const char* name);
int32_t orbit_message_ext_queue_id(const orbit_message_ext_t* msg);
int64_t orbit_message_ext_queue_offset(const orbit_message_ext_t* msg);
/* How many times the message was delivered before (0 the first time). */
int32_t orbit_message_ext_reconsume_times(const orbit_message_ext_t* msg);
/* Milliseconds since the epoch: when the producer sent it, when the broker stored it. */
int64_t orbit_message_ext_born_timestamp(const orbit_message_ext_t* msg);
int64_t orbit_message_ext_store_timestamp(const orbit_message_ext_t* msg);

/* ---- Push consumer ---- */

typedef struct orbit_push_consumer_s orbit_push_consumer_t;

/* The push consumer's settings: a subset of orbit::PushConsumerConfig. Fill it with
 * orbit_push_consumer_config_init (the Java client's defaults) and change what you need.
 * Strings may be NULL (= not set); orbit_push_consumer_create copies them. Ranges are checked
 * by orbit_push_consumer_start. */
typedef struct orbit_push_consumer_config_s {
  const char* group;          /* required: [%|a-zA-Z0-9_-]{1,255}, not DEFAULT_CONSUMER */
  const char* namesrv_addr;   /* "host:port;host:port"; NULL: the NAMESRV_ADDR environment var */
  const char* instance_name;  /* NULL: "<pid>#<n>" */
  int32_t message_model;      /* ORBIT_CLUSTERING (default) or ORBIT_BROADCASTING */
  int32_t consume_from_where; /* ORBIT_CONSUME_FROM_*; default LAST_OFFSET */
  /* For ORBIT_CONSUME_FROM_TIMESTAMP: "yyyyMMddHHmmss", local time. NULL: half an hour before
   * start. */
  const char* consume_timestamp;
  int32_t consume_thread_count;           /* threads running the listener; default 20 */
  int32_t consume_message_batch_max_size; /* messages per listener call; default 1 */
  int32_t pull_batch_size;                /* messages per pull; default 32 */
  /* Deliveries of a failed message before it goes to the dead-letter topic %DLQ%<group>;
   * default -1: 16 for a concurrent listener, unbounded for an orderly one. */
  int32_t max_reconsume_times;
  /* Orderly: the pause before a suspended queue is tried again; default 1000. */
  int64_t suspend_current_queue_time_ms;
  /* Broadcasting: the directory of the offset files. NULL: the
   * ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR environment variable, else $HOME/.rocketmq_offsets. */
  const char* local_offset_store_dir;
  /* ACL 1.0 request signing when access_key is set; secret_key is then required,
   * security_token optional. */
  const char* access_key;
  const char* secret_key;
  const char* security_token;
} orbit_push_consumer_config_t;

void orbit_push_consumer_config_init(orbit_push_consumer_config_t* config);

/* What a concurrent listener returns. Any other value counts as ORBIT_RECONSUME_LATER. */
#define ORBIT_CONSUME_SUCCESS 0
#define ORBIT_RECONSUME_LATER 1 /* send the batch back, to be delivered again later */
/* What an orderly listener returns. Any other value counts as ORBIT_ORDERLY_SUSPEND. */
#define ORBIT_ORDERLY_SUCCESS 0
#define ORBIT_ORDERLY_SUSPEND 1 /* retry the batch later; the queue waits */

/* The queue a concurrent batch came from, and what the listener may change. */
typedef struct orbit_consume_concurrently_context_s {
  orbit_message_queue_t queue; /* valid during the call */
  /* 0 (default): the broker picks the delay of a message sent back (level 3 + its reconsume
   * times); > 0: this delay level; < 0: straight to the dead-letter topic. */
  int32_t delay_level_when_next_consume;
  /* On ORBIT_CONSUME_SUCCESS, the messages after this index are sent back as if failed; the
   * default (INT32_MAX) acknowledges the whole batch. */
  int32_t ack_index;
} orbit_consume_concurrently_context_t;

/* The queue an orderly batch came from, and what the listener may change. */
typedef struct orbit_consume_orderly_context_s {
  orbit_message_queue_t queue; /* valid during the call */
  /* On ORBIT_ORDERLY_SUSPEND: the pause before the retry when > 0; default -1: the consumer's
   * suspend_current_queue_time_ms. */
  int64_t suspend_current_queue_time_ms;
} orbit_consume_orderly_context_t;

/* A batch of `count` (>= 1, at most consume_message_batch_max_size) messages of one queue. The
 * array, the messages and the context belong to the library and are valid only during the
 * call. */
typedef int (*orbit_concurrent_listener_t)(const orbit_message_ext_t* const* msgs, size_t count,
                                           orbit_consume_concurrently_context_t* context,
                                           void* user_data);
typedef int (*orbit_orderly_listener_t)(const orbit_message_ext_t* const* msgs, size_t count,
                                        orbit_consume_orderly_context_t* context, void* user_data);

/* Creates a push consumer (not started) from `config`, copied. On success *consumer is a new
 * handle for orbit_push_consumer_destroy. Errors: ORBIT_ERR_INVALID_ARGUMENT (NULL argument, no
 * group, an unknown message_model or consume_from_where, an access key without a secret key). */
int orbit_push_consumer_create(const orbit_push_consumer_config_t* config,
                               orbit_push_consumer_t** consumer);
/* Subscribes to `topic` with a tag expression: "*" (or NULL: every message), "TagA",
 * "TagA || TagB". ORBIT_ERR_INVALID_ARGUMENT for a bad topic name or expression. May be called
 * while running (the next rebalance picks it up). */
int orbit_push_consumer_subscribe(orbit_push_consumer_t* consumer, const char* topic,
                                  const char* expression);
/* Stops consuming `topic` (its queues are let go at the next rebalance). */
int orbit_push_consumer_unsubscribe(orbit_push_consumer_t* consumer, const char* topic);
/* The listener, with `user_data` passed to every call: one of the two, before start (a second
 * call replaces the first). ORBIT_ERR_INVALID_ARGUMENT for a NULL listener or once started. */
int orbit_push_consumer_register_concurrent_listener(orbit_push_consumer_t* consumer,
                                                     orbit_concurrent_listener_t listener,
                                                     void* user_data);
int orbit_push_consumer_register_orderly_listener(orbit_push_consumer_t* consumer,
                                                  orbit_orderly_listener_t listener,
                                                  void* user_data);
/* Checks the settings, joins the process's client instance, registers the group and takes its
 * share of queues. Errors: no listener, a setting out of range (ORBIT_ERR_INVALID_ARGUMENT), a
 * group already started in this process, a second start (ORBIT_ERR_NOT_RUNNING). A consumer
 * whose start failed cannot be started again: destroy it and create another. */
int orbit_push_consumer_start(orbit_push_consumer_t* consumer);
/* Pauses / resumes pulling (messages already pulled are still consumed). */
void orbit_push_consumer_suspend(orbit_push_consumer_t* consumer);
void orbit_push_consumer_resume(orbit_push_consumer_t* consumer);
/* Stops pulling, waits for running listeners, stores the offsets and unregisters. Messages
 * pulled but not consumed are delivered again later. Idempotent. Not from a listener. */
void orbit_push_consumer_shutdown(orbit_push_consumer_t* consumer);
/* Shuts down if running and frees the handle. NULL is ignored. Not from a listener. */
void orbit_push_consumer_destroy(orbit_push_consumer_t* consumer);

/* ---- Lite pull consumer ---- */

typedef struct orbit_lite_pull_consumer_s orbit_lite_pull_consumer_t;

/* The lite pull consumer's settings: a subset of orbit::LitePullConsumerConfig, filled by
 * orbit_lite_pull_consumer_config_init with the Java client's defaults. */
typedef struct orbit_lite_pull_consumer_config_s {
  const char* group;             /* required: [%|a-zA-Z0-9_-]{1,255}, not DEFAULT_CONSUMER */
  const char* namesrv_addr;      /* "host:port;host:port"; NULL: the NAMESRV_ADDR environment var */
  const char* instance_name;     /* NULL: "<pid>#<n>" */
  int32_t message_model;         /* ORBIT_CLUSTERING (default) or ORBIT_BROADCASTING */
  int32_t consume_from_where;    /* ORBIT_CONSUME_FROM_*; default LAST_OFFSET */
  const char* consume_timestamp; /* as for the push consumer */
  /* 1 (default): the polled offsets are committed every auto_commit_interval_ms (from poll)
   * and at shutdown; 0: only by orbit_lite_pull_consumer_commit_sync. */
  int32_t auto_commit;
  int64_t auto_commit_interval_ms;    /* default 5000 */
  int32_t pull_batch_size;            /* messages per pull; default 10 */
  int64_t poll_timeout_ms;            /* a poll with a negative timeout waits this long; 5000 */
  const char* local_offset_store_dir; /* broadcasting: as for the push consumer */
  const char* access_key;             /* ACL signing: as for the push consumer */
  const char* secret_key;
  const char* security_token;
} orbit_lite_pull_consumer_config_t;

void orbit_lite_pull_consumer_config_init(orbit_lite_pull_consumer_config_t* config);

/* Creates a lite pull consumer (not started). Errors as orbit_push_consumer_create. */
int orbit_lite_pull_consumer_create(const orbit_lite_pull_consumer_config_t* config,
                                    orbit_lite_pull_consumer_t** consumer);
/* Subscribes to `topic` ("*" or NULL: every message): the group's consumers share its queues.
 * Subscribe and assign exclude each other (ORBIT_ERR_INVALID_ARGUMENT). */
int orbit_lite_pull_consumer_subscribe(orbit_lite_pull_consumer_t* consumer, const char* topic,
                                       const char* expression);
/* Consumes exactly these `count` (>= 1) queues, copied (no rebalance); replaces an earlier
 * assignment. */
int orbit_lite_pull_consumer_assign(orbit_lite_pull_consumer_t* consumer,
                                    const orbit_message_queue_t* queues, size_t count);
/* Errors: a bad group name or setting, a group already started in this process, a second
 * start. */
int orbit_lite_pull_consumer_start(orbit_lite_pull_consumer_t* consumer);
/* Commits (with auto_commit), stores the offsets, unregisters. Idempotent. */
void orbit_lite_pull_consumer_shutdown(orbit_lite_pull_consumer_t* consumer);
/* Shuts down if running and frees the handle. NULL is ignored. */
void orbit_lite_pull_consumer_destroy(orbit_lite_pull_consumer_t* consumer);

/* A list of polled messages, owned by the caller: free it with orbit_message_list_destroy. */
typedef struct orbit_message_list_s orbit_message_list_t;

/* The next pulled messages (of one queue, in queue order), waiting up to `timeout_ms` (< 0: the
 * config's poll_timeout_ms). On success *messages is a new list, empty when nothing came in
 * time; the messages count as consumed (see auto_commit). ORBIT_ERR_NOT_RUNNING when not
 * running. Blocks the calling thread. */
int orbit_lite_pull_consumer_poll(orbit_lite_pull_consumer_t* consumer, int64_t timeout_ms,
                                  orbit_message_list_t** messages);
size_t orbit_message_list_count(const orbit_message_list_t* messages);
/* Message `index` (< count; else NULL), valid until the list is destroyed. */
const orbit_message_ext_t* orbit_message_list_get(const orbit_message_list_t* messages,
                                                  size_t index);
void orbit_message_list_destroy(orbit_message_list_t* messages);

/* Commits the offsets of everything polled so far and stores them now. */
int orbit_lite_pull_consumer_commit_sync(orbit_lite_pull_consumer_t* consumer);
/* The group's committed offset of `queue` as stored (on the broker, or the local file) in
 * *offset; -1 when there is none. */
int orbit_lite_pull_consumer_committed(orbit_lite_pull_consumer_t* consumer,
                                       const orbit_message_queue_t* queue, int64_t* offset);
/* The queue continues from `offset` (between its first and end offsets); messages pulled from it
 * and not yet polled are dropped. ORBIT_ERR_INVALID_ARGUMENT for a queue not assigned to this
 * consumer or an offset outside the queue. */
int orbit_lite_pull_consumer_seek(orbit_lite_pull_consumer_t* consumer,
                                  const orbit_message_queue_t* queue, int64_t offset);

#ifdef __cplusplus
} /* extern "C" */
#endif
