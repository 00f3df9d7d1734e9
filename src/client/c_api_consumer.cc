// The consumers' C API (include/orbit/c/consumer.h): received messages, the push consumer with
// C listeners, and the lite pull consumer with polled message lists.
//
// A received message handle is the address of the orbit::MessageExt itself, cast: the struct
// orbit_message_ext_s is never defined, so a listener's batch and a polled list are handed out
// without a copy.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/internal/c_api.h"
#include "orbit/c/consumer.h"
#include "orbit/client_config.h"
#include "orbit/consumer.h"
#include "orbit/lite_pull_consumer.h"
#include "orbit/message.h"
#include "orbit/status.h"

struct orbit_push_consumer_s {
  explicit orbit_push_consumer_s(orbit::PushConsumerConfig config) : consumer(std::move(config)) {}
  orbit::PushConsumer consumer;
};

struct orbit_lite_pull_consumer_s {
  explicit orbit_lite_pull_consumer_s(orbit::LitePullConsumerConfig config)
      : consumer(std::move(config)) {}
  orbit::LitePullConsumer consumer;
};

struct orbit_message_list_s {
  std::vector<orbit::MessageExt> msgs;
};

namespace orbit::client::capi {
namespace {

static_assert(ORBIT_CLUSTERING == static_cast<int>(MessageModel::kClustering));
static_assert(ORBIT_BROADCASTING == static_cast<int>(MessageModel::kBroadcasting));
static_assert(ORBIT_CONSUME_FROM_LAST_OFFSET == static_cast<int>(ConsumeFromWhere::kLastOffset));
static_assert(ORBIT_CONSUME_FROM_FIRST_OFFSET == static_cast<int>(ConsumeFromWhere::kFirstOffset));
static_assert(ORBIT_CONSUME_FROM_TIMESTAMP == static_cast<int>(ConsumeFromWhere::kTimestamp));

std::string OrEmpty(const char* s) { return s == nullptr ? std::string() : std::string(s); }

const MessageExt* Ext(const orbit_message_ext_t* msg) {
  return reinterpret_cast<const MessageExt*>(msg);
}
const orbit_message_ext_t* Handle(const MessageExt& msg) {
  return reinterpret_cast<const orbit_message_ext_t*>(&msg);
}

// A property's text, owned by the message; `fallback` when it has none.
const char* PropertyOr(const orbit_message_ext_t* msg, std::string_view name,
                       const char* fallback) {
  if (msg == nullptr) return fallback;
  const auto& props = Ext(msg)->properties();
  auto it = props.find(name);
  return it == props.end() ? fallback : it->second.c_str();
}

// The handle array a listener gets for `msgs`.
std::vector<const orbit_message_ext_t*> Handles(const std::vector<MessageExt>& msgs) {
  std::vector<const orbit_message_ext_t*> handles;
  handles.reserve(msgs.size());
  for (const MessageExt& m : msgs) handles.push_back(Handle(m));
  return handles;
}

orbit_message_queue_t View(const MessageQueue& mq) {
  return orbit_message_queue_t{mq.topic.c_str(), mq.broker_name.c_str(), mq.queue_id};
}

// The queue an argument names; InvalidArgument text in `*error` when it is incomplete.
bool ToQueue(const orbit_message_queue_t* in, MessageQueue* out, const char** error) {
  if (in == nullptr || in->topic == nullptr || in->broker_name == nullptr) {
    *error = "queue, its topic or its broker_name is NULL";
    return false;
  }
  *out = MessageQueue{in->topic, in->broker_name, in->queue_id};
  return true;
}

// The settings every consumer config shares, checked and copied into `out`.
template <typename CConfig, typename Config>
int CopyCommon(const CConfig& in, Config* out) {
  if (in.group == nullptr || *in.group == '\0') return Invalid("group is required");
  if (in.message_model != ORBIT_CLUSTERING && in.message_model != ORBIT_BROADCASTING) {
    return Invalid("message_model is neither ORBIT_CLUSTERING nor ORBIT_BROADCASTING");
  }
  if (in.consume_from_where < ORBIT_CONSUME_FROM_LAST_OFFSET ||
      in.consume_from_where > ORBIT_CONSUME_FROM_TIMESTAMP) {
    return Invalid("consume_from_where is not one of ORBIT_CONSUME_FROM_*");
  }
  out->group = in.group;
  out->namesrv_addr = OrEmpty(in.namesrv_addr);
  out->instance_name = OrEmpty(in.instance_name);
  out->message_model = static_cast<MessageModel>(in.message_model);
  out->consume_from_where = static_cast<ConsumeFromWhere>(in.consume_from_where);
  out->consume_timestamp = OrEmpty(in.consume_timestamp);
  out->local_offset_store_dir = OrEmpty(in.local_offset_store_dir);
  const std::string access_key = OrEmpty(in.access_key);
  if (!access_key.empty()) {
    if (in.secret_key == nullptr || *in.secret_key == '\0') {
      return Invalid("access_key is set without secret_key");
    }
    out->rpc_hook = MakeAclRpcHook(access_key, in.secret_key, OrEmpty(in.security_token));
  }
  return Ok();
}

int CheckListener(orbit_push_consumer_t* consumer, bool listener_set) {
  if (consumer == nullptr) return Invalid("consumer is NULL");
  if (!listener_set) return Invalid("listener is NULL");
  if (consumer->consumer.state() != ServiceState::kCreateJust) {
    return Invalid("a listener is registered before start");
  }
  return Ok();
}

}  // namespace
}  // namespace orbit::client::capi

namespace capi = orbit::client::capi;
using capi::Guard;
using capi::Invalid;
using capi::Ok;
using capi::Report;

extern "C" {

// ---- Received messages: library-owned views, so NULL gives "" or 0 rather than a crash.

const char* orbit_message_ext_topic(const orbit_message_ext_t* msg) {
  return msg == nullptr ? "" : capi::Ext(msg)->topic().c_str();
}
const char* orbit_message_ext_tags(const orbit_message_ext_t* msg) {
  return capi::PropertyOr(msg, "TAGS", "");
}
const char* orbit_message_ext_keys(const orbit_message_ext_t* msg) {
  return capi::PropertyOr(msg, "KEYS", "");
}
const char* orbit_message_ext_msg_id(const orbit_message_ext_t* msg) {
  return msg == nullptr ? "" : capi::Ext(msg)->msg_id.c_str();
}
const char* orbit_message_ext_offset_msg_id(const orbit_message_ext_t* msg) {
  return msg == nullptr ? "" : capi::Ext(msg)->offset_msg_id.c_str();
}
const char* orbit_message_ext_broker_name(const orbit_message_ext_t* msg) {
  return msg == nullptr ? "" : capi::Ext(msg)->broker_name.c_str();
}
const void* orbit_message_ext_body(const orbit_message_ext_t* msg, size_t* length) {
  if (length != nullptr) *length = msg == nullptr ? 0 : capi::Ext(msg)->body().size();
  return msg == nullptr ? nullptr : capi::Ext(msg)->body().data();
}
const char* orbit_message_ext_property(const orbit_message_ext_t* msg, const char* name) {
  return name == nullptr ? nullptr : capi::PropertyOr(msg, name, nullptr);
}
int32_t orbit_message_ext_queue_id(const orbit_message_ext_t* msg) {
  return msg == nullptr ? 0 : capi::Ext(msg)->queue_id;
}
int64_t orbit_message_ext_queue_offset(const orbit_message_ext_t* msg) {
  return msg == nullptr ? 0 : capi::Ext(msg)->queue_offset;
}
int32_t orbit_message_ext_reconsume_times(const orbit_message_ext_t* msg) {
  return msg == nullptr ? 0 : capi::Ext(msg)->reconsume_times;
}
int64_t orbit_message_ext_born_timestamp(const orbit_message_ext_t* msg) {
  return msg == nullptr ? 0 : capi::Ext(msg)->born_timestamp;
}
int64_t orbit_message_ext_store_timestamp(const orbit_message_ext_t* msg) {
  return msg == nullptr ? 0 : capi::Ext(msg)->store_timestamp;
}

// ---- Push consumer

void orbit_push_consumer_config_init(orbit_push_consumer_config_t* config) {
  if (config == nullptr) return;
  const orbit::PushConsumerConfig defaults;
  *config = orbit_push_consumer_config_t{};
  config->message_model = static_cast<int32_t>(defaults.message_model);
  config->consume_from_where = static_cast<int32_t>(defaults.consume_from_where);
  config->consume_thread_count = defaults.consume_thread_min;
  config->consume_message_batch_max_size = defaults.consume_message_batch_max_size;
  config->pull_batch_size = defaults.pull_batch_size;
  config->max_reconsume_times = defaults.max_reconsume_times;
  config->suspend_current_queue_time_ms = defaults.suspend_current_queue_time_ms;
}

int orbit_push_consumer_create(const orbit_push_consumer_config_t* config,
                               orbit_push_consumer_t** consumer) {
  return Guard([&] {
    if (consumer == nullptr) return Invalid("consumer out-parameter is NULL");
    *consumer = nullptr;
    if (config == nullptr) return Invalid("config is NULL");
    orbit::PushConsumerConfig c;
    if (int rc = capi::CopyCommon(*config, &c); rc != ORBIT_OK) return rc;
    c.consume_thread_min = config->consume_thread_count;
    c.consume_thread_max = config->consume_thread_count;
    c.consume_message_batch_max_size = config->consume_message_batch_max_size;
    c.pull_batch_size = config->pull_batch_size;
    c.max_reconsume_times = config->max_reconsume_times;
    c.suspend_current_queue_time_ms = config->suspend_current_queue_time_ms;
    *consumer = new orbit_push_consumer_s(std::move(c));
    return Ok();
  });
}

int orbit_push_consumer_subscribe(orbit_push_consumer_t* consumer, const char* topic,
                                  const char* expression) {
  return Guard([&] {
    if (consumer == nullptr || topic == nullptr) return Invalid("consumer or topic is NULL");
    return Report(consumer->consumer.Subscribe(topic, expression == nullptr ? "*" : expression));
  });
}

int orbit_push_consumer_unsubscribe(orbit_push_consumer_t* consumer, const char* topic) {
  return Guard([&] {
    if (consumer == nullptr || topic == nullptr) return Invalid("consumer or topic is NULL");
    consumer->consumer.Unsubscribe(topic);
    return Ok();
  });
}

int orbit_push_consumer_register_concurrent_listener(orbit_push_consumer_t* consumer,
                                                     orbit_concurrent_listener_t listener,
                                                     void* user_data) {
  return Guard([&] {
    if (int rc = capi::CheckListener(consumer, listener != nullptr); rc != ORBIT_OK) return rc;
    // Runs on a consume thread; the C listener cannot throw (a failed allocation here counts as
    // a failed batch, as an exception from any listener does).
    consumer->consumer.RegisterListener(orbit::ConcurrentListener(
        [listener, user_data](const std::vector<orbit::MessageExt>& msgs,
                              orbit::ConsumeConcurrentlyContext& context) {
          const auto handles = capi::Handles(msgs);
          orbit_consume_concurrently_context_t c_context{
              capi::View(context.queue), context.delay_level_when_next_consume, context.ack_index};
          const int status = listener(handles.data(), handles.size(), &c_context, user_data);
          context.delay_level_when_next_consume = c_context.delay_level_when_next_consume;
          context.ack_index = c_context.ack_index;
          return status == ORBIT_CONSUME_SUCCESS
                     ? orbit::ConsumeConcurrentlyStatus::kConsumeSuccess
                     : orbit::ConsumeConcurrentlyStatus::kReconsumeLater;
        }));
    return Ok();
  });
}

int orbit_push_consumer_register_orderly_listener(orbit_push_consumer_t* consumer,
                                                  orbit_orderly_listener_t listener,
                                                  void* user_data) {
  return Guard([&] {
    if (int rc = capi::CheckListener(consumer, listener != nullptr); rc != ORBIT_OK) return rc;
    // Runs on a consume thread, one at a time per queue.
    consumer->consumer.RegisterListener(
        orbit::OrderlyListener([listener, user_data](const std::vector<orbit::MessageExt>& msgs,
                                                     orbit::ConsumeOrderlyContext& context) {
          const auto handles = capi::Handles(msgs);
          orbit_consume_orderly_context_t c_context{capi::View(context.queue),
                                                    context.suspend_current_queue_time_ms};
          const int status = listener(handles.data(), handles.size(), &c_context, user_data);
          context.suspend_current_queue_time_ms = c_context.suspend_current_queue_time_ms;
          return status == ORBIT_ORDERLY_SUCCESS
                     ? orbit::ConsumeOrderlyStatus::kSuccess
                     : orbit::ConsumeOrderlyStatus::kSuspendCurrentQueueAMoment;
        }));
    return Ok();
  });
}

int orbit_push_consumer_start(orbit_push_consumer_t* consumer) {
  return Guard([&] {
    if (consumer == nullptr) return Invalid("consumer is NULL");
    return Report(consumer->consumer.Start());
  });
}

void orbit_push_consumer_suspend(orbit_push_consumer_t* consumer) {
  if (consumer == nullptr) return;
  (void)Guard([&] {
    consumer->consumer.Suspend();
    return Ok();
  });
}

void orbit_push_consumer_resume(orbit_push_consumer_t* consumer) {
  if (consumer == nullptr) return;
  (void)Guard([&] {
    consumer->consumer.Resume();
    return Ok();
  });
}

void orbit_push_consumer_shutdown(orbit_push_consumer_t* consumer) {
  if (consumer == nullptr) return;
  (void)Guard([&] {
    consumer->consumer.Shutdown();
    return Ok();
  });
}

void orbit_push_consumer_destroy(orbit_push_consumer_t* consumer) {
  if (consumer == nullptr) return;
  orbit_push_consumer_shutdown(consumer);
  delete consumer;
}

// ---- Lite pull consumer

void orbit_lite_pull_consumer_config_init(orbit_lite_pull_consumer_config_t* config) {
  if (config == nullptr) return;
  const orbit::LitePullConsumerConfig defaults;
  *config = orbit_lite_pull_consumer_config_t{};
  config->message_model = static_cast<int32_t>(defaults.message_model);
  config->consume_from_where = static_cast<int32_t>(defaults.consume_from_where);
  config->auto_commit = defaults.auto_commit ? 1 : 0;
  config->auto_commit_interval_ms = defaults.auto_commit_interval_ms;
  config->pull_batch_size = defaults.pull_batch_size;
  config->poll_timeout_ms = defaults.poll_timeout_ms;
}

int orbit_lite_pull_consumer_create(const orbit_lite_pull_consumer_config_t* config,
                                    orbit_lite_pull_consumer_t** consumer) {
  return Guard([&] {
    if (consumer == nullptr) return Invalid("consumer out-parameter is NULL");
    *consumer = nullptr;
    if (config == nullptr) return Invalid("config is NULL");
    if (config->poll_timeout_ms < 0) return Invalid("poll_timeout_ms must not be negative");
    orbit::LitePullConsumerConfig c;
    if (int rc = capi::CopyCommon(*config, &c); rc != ORBIT_OK) return rc;
    c.auto_commit = config->auto_commit != 0;
    c.auto_commit_interval_ms = config->auto_commit_interval_ms;
    c.pull_batch_size = config->pull_batch_size;
    c.poll_timeout_ms = config->poll_timeout_ms;
    *consumer = new orbit_lite_pull_consumer_s(std::move(c));
    return Ok();
  });
}

int orbit_lite_pull_consumer_subscribe(orbit_lite_pull_consumer_t* consumer, const char* topic,
                                       const char* expression) {
  return Guard([&] {
    if (consumer == nullptr || topic == nullptr) return Invalid("consumer or topic is NULL");
    return Report(consumer->consumer.Subscribe(topic, expression == nullptr ? "*" : expression));
  });
}

int orbit_lite_pull_consumer_assign(orbit_lite_pull_consumer_t* consumer,
                                    const orbit_message_queue_t* queues, size_t count) {
  return Guard([&] {
    if (consumer == nullptr || queues == nullptr) return Invalid("consumer or queues is NULL");
    std::vector<orbit::MessageQueue> assigned(count);
    const char* error = nullptr;
    for (size_t i = 0; i < count; ++i) {
      if (!capi::ToQueue(&queues[i], &assigned[i], &error)) return Invalid(error);
    }
    return Report(consumer->consumer.Assign(assigned));
  });
}

int orbit_lite_pull_consumer_start(orbit_lite_pull_consumer_t* consumer) {
  return Guard([&] {
    if (consumer == nullptr) return Invalid("consumer is NULL");
    return Report(consumer->consumer.Start());
  });
}

void orbit_lite_pull_consumer_shutdown(orbit_lite_pull_consumer_t* consumer) {
  if (consumer == nullptr) return;
  (void)Guard([&] {
    consumer->consumer.Shutdown();
    return Ok();
  });
}

void orbit_lite_pull_consumer_destroy(orbit_lite_pull_consumer_t* consumer) {
  if (consumer == nullptr) return;
  orbit_lite_pull_consumer_shutdown(consumer);
  delete consumer;
}

int orbit_lite_pull_consumer_poll(orbit_lite_pull_consumer_t* consumer, int64_t timeout_ms,
                                  orbit_message_list_t** messages) {
  return Guard([&] {
    if (messages == nullptr) return Invalid("messages out-parameter is NULL");
    *messages = nullptr;
    if (consumer == nullptr) return Invalid("consumer is NULL");
    auto list = std::make_unique<orbit_message_list_s>();
    auto polled = timeout_ms < 0 ? consumer->consumer.Poll() : consumer->consumer.Poll(timeout_ms);
    if (!polled.ok()) return Report(polled.status());
    list->msgs = std::move(*polled);
    *messages = list.release();
    return Ok();
  });
}

size_t orbit_message_list_count(const orbit_message_list_t* messages) {
  return messages == nullptr ? 0 : messages->msgs.size();
}

const orbit_message_ext_t* orbit_message_list_get(const orbit_message_list_t* messages,
                                                  size_t index) {
  if (messages == nullptr || index >= messages->msgs.size()) return nullptr;
  return capi::Handle(messages->msgs[index]);
}

void orbit_message_list_destroy(orbit_message_list_t* messages) { delete messages; }

int orbit_lite_pull_consumer_commit_sync(orbit_lite_pull_consumer_t* consumer) {
  return Guard([&] {
    if (consumer == nullptr) return Invalid("consumer is NULL");
    return Report(consumer->consumer.CommitSync());
  });
}

int orbit_lite_pull_consumer_committed(orbit_lite_pull_consumer_t* consumer,
                                       const orbit_message_queue_t* queue, int64_t* offset) {
  return Guard([&] {
    if (consumer == nullptr || offset == nullptr) return Invalid("consumer or offset is NULL");
    orbit::MessageQueue mq;
    const char* error = nullptr;
    if (!capi::ToQueue(queue, &mq, &error)) return Invalid(error);
    auto committed = consumer->consumer.Committed(mq);
    if (!committed.ok()) return Report(committed.status());
    *offset = *committed;
    return Ok();
  });
}

int orbit_lite_pull_consumer_seek(orbit_lite_pull_consumer_t* consumer,
                                  const orbit_message_queue_t* queue, int64_t offset) {
  return Guard([&] {
    if (consumer == nullptr) return Invalid("consumer is NULL");
    orbit::MessageQueue mq;
    const char* error = nullptr;
    if (!capi::ToQueue(queue, &mq, &error)) return Invalid(error);
    return Report(consumer->consumer.Seek(mq, offset));
  });
}

}  // extern "C"
