/* The push consumer's C API (orbit/c/consumer.h), compiled as C99: a clustering consumer with a
 * concurrent listener that prints what it receives, until `count` messages came.
 *   c_consumer -n 127.0.0.1:9876 -t TopicTest -c 3 -w 30 */

#define _POSIX_C_SOURCE 200809L

#include "orbit/c/consumer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Shared with the listener, which runs on the consumer's threads, several at once. */
struct consume_state {
  pthread_mutex_t mu;
  pthread_cond_t done;
  int received;
};

static int on_messages(const orbit_message_ext_t* const* msgs, size_t count,
                       orbit_consume_concurrently_context_t* context, void* user_data) {
  struct consume_state* state = (struct consume_state*)user_data;
  size_t i;
  pthread_mutex_lock(&state->mu);
  for (i = 0; i < count; ++i) {
    size_t len = 0;
    const char* body = (const char*)orbit_message_ext_body(msgs[i], &len);
    /* The messages, their strings and the context are the library's, valid during this call. */
    printf(
        "received: topic=%s queue=%s/%d offset=%lld msg_id=%s tags=%s reconsume_times=%d "
        "body=\"%.*s\"\n",
        orbit_message_ext_topic(msgs[i]), context->queue.broker_name,
        (int)orbit_message_ext_queue_id(msgs[i]),
        (long long)orbit_message_ext_queue_offset(msgs[i]), orbit_message_ext_msg_id(msgs[i]),
        orbit_message_ext_tags(msgs[i]), (int)orbit_message_ext_reconsume_times(msgs[i]), (int)len,
        body);
  }
  state->received += (int)count;
  pthread_cond_signal(&state->done);
  pthread_mutex_unlock(&state->mu);
  return ORBIT_CONSUME_SUCCESS; /* ORBIT_RECONSUME_LATER: delivered again later */
}

static int fail(const char* what, int code) {
  fprintf(stderr, "%s failed: %d %s: %s\n", what, code, orbit_error_name(code), orbit_last_error());
  return 1;
}

static int positive(const char* text, int* out) {
  char* end = NULL;
  long value = strtol(text, &end, 10);
  if (end == text || *end != '\0' || value <= 0 || value > 1000000) return 0;
  *out = (int)value;
  return 1;
}

/* Waits until `want` messages came or `seconds` passed; the number that came. */
static int wait_for(struct consume_state* state, int want, int seconds) {
  struct timespec deadline;
  int received;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += seconds;
  pthread_mutex_lock(&state->mu);
  while (state->received < want) {
    if (pthread_cond_timedwait(&state->done, &state->mu, &deadline) != 0) break;
  }
  received = state->received;
  pthread_mutex_unlock(&state->mu);
  return received;
}

int main(int argc, char** argv) {
  const char* namesrv = "127.0.0.1:9876";
  const char* topic = "TopicTest";
  int count = 3;
  int seconds = 30;
  orbit_push_consumer_config_t config;
  orbit_push_consumer_t* consumer = NULL;
  struct consume_state state;
  int received;
  int i;
  int rc;

  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      namesrv = argv[++i];
    } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
      topic = argv[++i];
    } else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && positive(argv[i + 1], &count)) {
      ++i;
    } else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc && positive(argv[i + 1], &seconds)) {
      ++i;
    } else {
      int help = strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0;
      fprintf(help ? stdout : stderr,
              "usage: %s [-n namesrv_addr] [-t topic] [-c count] [-w seconds]\n", argv[0]);
      return help ? 0 : 2;
    }
  }

  pthread_mutex_init(&state.mu, NULL);
  pthread_cond_init(&state.done, NULL);
  state.received = 0;

  orbit_push_consumer_config_init(&config);
  config.group = "example_c_consumer";
  config.namesrv_addr = namesrv;
  config.consume_from_where = ORBIT_CONSUME_FROM_FIRST_OFFSET;
  if ((rc = orbit_push_consumer_create(&config, &consumer)) != 0) return fail("create", rc);
  if ((rc = orbit_push_consumer_subscribe(consumer, topic, "*")) != 0 ||
      (rc = orbit_push_consumer_register_concurrent_listener(consumer, on_messages, &state)) != 0 ||
      (rc = orbit_push_consumer_start(consumer)) != 0) {
    fail("start", rc);
    orbit_push_consumer_destroy(consumer);
    return 1;
  }
  printf("consuming %s as group %s: waiting for %d messages, at most %d s\n", topic, config.group,
         count, seconds);
  fflush(stdout);

  received = wait_for(&state, count, seconds);
  /* Waits for running listeners and stores the offsets; then the state may go. */
  orbit_push_consumer_destroy(consumer);
  pthread_cond_destroy(&state.done);
  pthread_mutex_destroy(&state.mu);
  if (received < count) {
    fprintf(stderr, "timed out after %d s: %d of %d messages\n", seconds, received, count);
    return 1;
  }
  printf("consumed %d messages\n", received);
  return 0;
}
