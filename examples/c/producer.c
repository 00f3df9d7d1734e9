/* The producer's C API (orbit/c/producer.h), compiled as C99: sync, ordered, async (callback)
 * and oneway sends.
 *   c_producer -n 127.0.0.1:9876 -t TopicTest */

#define _POSIX_C_SOURCE 200809L

#include "orbit/c/producer.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define ASYNC_MESSAGES 3

/* Shared with the async callbacks, which run on the producer's callback thread. */
struct async_state {
  pthread_mutex_t mu;
  pthread_cond_t done;
  int answered;
  int failures;
};

static void print_result(const char* what, const orbit_send_result_t* r) {
  printf("%s: status=%s msg_id=%s offset_msg_id=%s queue=%s/%s/%d queue_offset=%lld\n", what,
         r->status == ORBIT_SEND_OK ? "SEND_OK" : "STORED_WITH_WARNING", r->msg_id,
         r->offset_msg_id, r->topic, r->broker_name, (int)r->queue_id, (long long)r->queue_offset);
}

static void on_sent(int code, const char* error, const orbit_send_result_t* result,
                    void* user_data) {
  struct async_state* state = (struct async_state*)user_data;
  pthread_mutex_lock(&state->mu);
  if (code == ORBIT_OK) {
    print_result("callback", result);
  } else {
    fprintf(stderr, "callback failed: %d %s: %s\n", code, orbit_error_name(code), error);
    ++state->failures;
  }
  ++state->answered;
  pthread_cond_signal(&state->done);
  pthread_mutex_unlock(&state->mu);
}

static int fail(const char* what, int code) {
  fprintf(stderr, "%s failed: %d %s: %s\n", what, code, orbit_error_name(code), orbit_last_error());
  return 1;
}

static int send_all(orbit_producer_t* producer, const char* topic) {
  orbit_message_t* msg = NULL;
  orbit_send_result_t result;
  struct async_state state;
  int i;
  int rc;
  const char* body = "Hello from C";

  if ((rc = orbit_message_create(topic, body, strlen(body), &msg)) != 0) {
    return fail("message", rc);
  }
  orbit_message_set_tags(msg, "TagC");
  orbit_message_set_keys(msg, "c-key-1 c-key-2");
  if ((rc = orbit_message_put_property(msg, "origin", "c-example")) != 0) {
    orbit_message_destroy(msg);
    return fail("property", rc);
  }

  printf("send: topic=%s tags=TagC body=\"%s\"\n", topic, body);
  if ((rc = orbit_producer_send(producer, msg, &result)) != 0) {
    orbit_message_destroy(msg);
    return fail("sync send", rc);
  }
  print_result("result", &result);

  printf("send (ordered, key order-1): topic=%s\n", topic);
  if ((rc = orbit_producer_send_orderly(producer, msg, "order-1", &result)) != 0) {
    orbit_message_destroy(msg);
    return fail("ordered send", rc);
  }
  print_result("result", &result);

  pthread_mutex_init(&state.mu, NULL);
  pthread_cond_init(&state.done, NULL);
  state.answered = 0;
  state.failures = 0;
  for (i = 0; i < ASYNC_MESSAGES; ++i) {
    printf("send (async %d): topic=%s\n", i, topic);
    if ((rc = orbit_producer_send_async(producer, msg, on_sent, &state)) != 0) {
      fail("async send", rc); /* the callback will not run for this one */
      pthread_mutex_lock(&state.mu);
      ++state.failures;
      ++state.answered;
      pthread_mutex_unlock(&state.mu);
    }
  }
  /* The message was copied by each send: it may go now, before the answers. */
  pthread_mutex_lock(&state.mu);
  while (state.answered < ASYNC_MESSAGES) pthread_cond_wait(&state.done, &state.mu);
  pthread_mutex_unlock(&state.mu);

  printf("send (oneway): topic=%s\n", topic);
  if ((rc = orbit_producer_send_oneway(producer, msg)) != 0) {
    ++state.failures;
    fail("oneway send", rc);
  } else {
    printf("result: sent oneway (no answer)\n");
  }

  orbit_message_destroy(msg);
  pthread_cond_destroy(&state.done);
  pthread_mutex_destroy(&state.mu);
  return state.failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  const char* namesrv = "127.0.0.1:9876";
  const char* topic = "TopicTest";
  orbit_producer_config_t config;
  orbit_producer_t* producer = NULL;
  int i;
  int rc;

  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      namesrv = argv[++i];
    } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
      topic = argv[++i];
    } else {
      int help = strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0;
      fprintf(help ? stdout : stderr, "usage: %s [-n namesrv_addr] [-t topic]\n", argv[0]);
      return help ? 0 : 2;
    }
  }

  orbit_producer_config_init(&config);
  config.group = "example_c_producer";
  config.namesrv_addr = namesrv;
  if ((rc = orbit_producer_create(&config, &producer)) != 0) return fail("create", rc);
  if ((rc = orbit_producer_start(producer)) != 0) {
    fail("start", rc);
    orbit_producer_destroy(producer);
    return 1;
  }
  rc = send_all(producer, topic);
  orbit_producer_shutdown(producer);
  orbit_producer_destroy(producer);
  return rc;
}
