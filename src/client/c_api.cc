// The producer's C API, part 1 (include/orbit/c/producer.h): error codes and texts (shared with
// the consumers', orbit/c/common.h), the producer's lifecycle and messages. Sends are in
// c_api_send.cc, the consumers in c_api_consumer.cc.

#include "client/internal/c_api.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "orbit/c/producer.h"
#include "orbit/client_config.h"
#include "orbit/error_codes.h"
#include "orbit/message.h"
#include "orbit/producer.h"
#include "orbit/status.h"
#include "protocol/codes.h"

namespace orbit::client::capi {
namespace {

// The header's codes are the ErrorCode table's values: keep them in step.
#define ORBIT_C_CODE(c_name, name) \
  static_assert(c_name == static_cast<int>(ErrorCode::name), #c_name " != ErrorCode::" #name);
ORBIT_C_CODE(ORBIT_OK, kOk)
ORBIT_C_CODE(ORBIT_ERR_INVALID_ARGUMENT, kInvalidArgument)
ORBIT_C_CODE(ORBIT_ERR_MALFORMED, kMalformed)
ORBIT_C_CODE(ORBIT_ERR_MISSING_FIELD, kMissingField)
ORBIT_C_CODE(ORBIT_ERR_FRAME_TOO_LARGE, kFrameTooLarge)
ORBIT_C_CODE(ORBIT_ERR_UNSUPPORTED, kUnsupported)
ORBIT_C_CODE(ORBIT_ERR_NOT_FOUND, kNotFound)
ORBIT_C_CODE(ORBIT_ERR_TIMEOUT, kTimeout)
ORBIT_C_CODE(ORBIT_ERR_CONNECT_FAILED, kConnectFailed)
ORBIT_C_CODE(ORBIT_ERR_CONNECTION_CLOSED, kConnectionClosed)
ORBIT_C_CODE(ORBIT_ERR_TOO_MANY_REQUESTS, kTooManyRequests)
ORBIT_C_CODE(ORBIT_ERR_SHUTDOWN, kShutdown)
ORBIT_C_CODE(ORBIT_ERR_IO_ERROR, kIoError)
ORBIT_C_CODE(ORBIT_ERR_COMPRESSION, kCompression)
ORBIT_C_CODE(ORBIT_ERR_DISK_FULL, kDiskFull)
ORBIT_C_CODE(ORBIT_ERR_STORE_FENCED, kStoreFenced)
ORBIT_C_CODE(ORBIT_ERR_FLUSH_TIMEOUT, kFlushTimeout)
ORBIT_C_CODE(ORBIT_ERR_MESSAGE_ILLEGAL, kMessageIllegal)
ORBIT_C_CODE(ORBIT_ERR_NO_NAME_SERVER, kNoNameServer)
ORBIT_C_CODE(ORBIT_ERR_NO_ROUTE, kNoRoute)
ORBIT_C_CODE(ORBIT_ERR_BROKER_NOT_FOUND, kBrokerNotFound)
ORBIT_C_CODE(ORBIT_ERR_NOT_RUNNING, kNotRunning)
ORBIT_C_CODE(ORBIT_ERR_INTERNAL, kInternal)
ORBIT_C_CODE(ORBIT_ERR_REMOTE, kRemote)
#undef ORBIT_C_CODE
#define ORBIT_X_COUNT(name, value, retriable, desc) +1
static_assert(0 ORBIT_ERROR_CODES(ORBIT_X_COUNT) == 24,
              "a code was added to orbit/error_codes.h: add it to orbit/c/common.h");
#undef ORBIT_X_COUNT

static_assert(ORBIT_SEND_OK == static_cast<int>(SendStatus::kSendOk));
static_assert(ORBIT_SEND_FLUSH_DISK_TIMEOUT == static_cast<int>(SendStatus::kFlushDiskTimeout));
static_assert(ORBIT_SEND_FLUSH_SLAVE_TIMEOUT == static_cast<int>(SendStatus::kFlushSlaveTimeout));
static_assert(ORBIT_SEND_SLAVE_NOT_AVAILABLE == static_cast<int>(SendStatus::kSlaveNotAvailable));

thread_local std::string last_error;

std::string OrEmpty(const char* s) { return s == nullptr ? std::string() : std::string(s); }

bool IsLocalCode(int code) {
  switch (code) {
#define ORBIT_X_CASE(name, value, retriable, desc) case value:
    ORBIT_ERROR_CODES(ORBIT_X_CASE)
#undef ORBIT_X_CASE
    return true;
  }
  return false;
}

}  // namespace

int CodeOf(const Status& status) {
  if (status.code() == ErrorCode::kRemote && status.remote_code() != 0) {
    return status.remote_code();
  }
  return static_cast<int>(status.code());
}

int Report(const Status& status) {
  if (status.ok()) {
    last_error.clear();
    return ORBIT_OK;
  }
  last_error = status.ToString();
  return CodeOf(status);
}

}  // namespace orbit::client::capi

using orbit::client::capi::Guard;
using orbit::client::capi::Invalid;
using orbit::client::capi::Ok;
using orbit::client::capi::OrEmpty;
using orbit::client::capi::Report;

extern "C" {

const char* orbit_last_error(void) { return orbit::client::capi::last_error.c_str(); }

const char* orbit_error_name(int code) {
  if (orbit::client::capi::IsLocalCode(code)) {
    return orbit::ErrorCodeName(static_cast<orbit::ErrorCode>(code));
  }
  const char* remote = orbit::protocol::ResponseCodeName(code);
  return remote != nullptr ? remote : "UNKNOWN";
}

int orbit_error_is_retriable(int code) {
  if (orbit::client::capi::IsLocalCode(code)) {
    return orbit::IsRetriable(static_cast<orbit::ErrorCode>(code)) ? 1 : 0;
  }
  return orbit::protocol::ProducerRetriesResponse(code) ? 1 : 0;
}

void orbit_producer_config_init(orbit_producer_config_t* config) {
  if (config == nullptr) return;
  const orbit::ProducerConfig defaults;
  *config = orbit_producer_config_t{};
  config->send_timeout_ms = defaults.send_msg_timeout_ms;
  config->retry_times_when_send_failed = defaults.retry_times_when_send_failed;
  config->retry_times_when_send_async_failed = defaults.retry_times_when_send_async_failed;
  config->compress_msg_body_over_howmuch = defaults.compress_msg_body_over_howmuch;
  config->max_message_size = defaults.max_message_size;
}

int orbit_producer_create(const orbit_producer_config_t* config, orbit_producer_t** producer) {
  return Guard([&] {
    if (producer == nullptr) return Invalid("producer out-parameter is NULL");
    *producer = nullptr;
    if (config == nullptr) return Invalid("config is NULL");
    if (config->group == nullptr || *config->group == '\0') return Invalid("group is required");
    if (config->send_timeout_ms <= 0) return Invalid("send_timeout_ms must be positive");
    if (config->retry_times_when_send_failed < 0 ||
        config->retry_times_when_send_async_failed < 0) {
      return Invalid("retry counts must not be negative");
    }
    if (config->compress_msg_body_over_howmuch < 0) {
      return Invalid("compress_msg_body_over_howmuch must not be negative");
    }
    if (config->max_message_size <= 0) return Invalid("max_message_size must be positive");
    orbit::ProducerConfig c;
    c.group = config->group;
    c.namesrv_addr = OrEmpty(config->namesrv_addr);
    c.instance_name = OrEmpty(config->instance_name);
    c.send_msg_timeout_ms = config->send_timeout_ms;
    c.retry_times_when_send_failed = config->retry_times_when_send_failed;
    c.retry_times_when_send_async_failed = config->retry_times_when_send_async_failed;
    c.compress_msg_body_over_howmuch = config->compress_msg_body_over_howmuch;
    c.max_message_size = config->max_message_size;
    const std::string access_key = OrEmpty(config->access_key);
    if (!access_key.empty()) {
      if (config->secret_key == nullptr || *config->secret_key == '\0') {
        return Invalid("access_key is set without secret_key");
      }
      c.rpc_hook =
          orbit::MakeAclRpcHook(access_key, config->secret_key, OrEmpty(config->security_token));
    }
    *producer = new orbit_producer_s(std::move(c));
    return Ok();
  });
}

int orbit_producer_start(orbit_producer_t* producer) {
  return Guard([&] {
    if (producer == nullptr) return Invalid("producer is NULL");
    return Report(producer->producer.Start());
  });
}

void orbit_producer_shutdown(orbit_producer_t* producer) {
  if (producer == nullptr) return;
  (void)Guard([&] {
    producer->producer.Shutdown();
    return Ok();
  });
}

void orbit_producer_destroy(orbit_producer_t* producer) { delete producer; }

int orbit_message_create(const char* topic, const void* body, size_t body_len,
                         orbit_message_t** message) {
  return Guard([&] {
    if (message == nullptr) return Invalid("message out-parameter is NULL");
    *message = nullptr;
    if (topic == nullptr) return Invalid("topic is NULL");
    if (body == nullptr && body_len > 0) return Invalid("body is NULL");
    auto m = std::make_unique<orbit_message_s>();
    m->message.set_topic(topic);
    if (body_len > 0) m->message.set_body(std::string(static_cast<const char*>(body), body_len));
    *message = m.release();
    return Ok();
  });
}

void orbit_message_destroy(orbit_message_t* message) { delete message; }

int orbit_message_set_body(orbit_message_t* message, const void* body, size_t body_len) {
  return Guard([&] {
    if (message == nullptr) return Invalid("message is NULL");
    if (body == nullptr && body_len > 0) return Invalid("body is NULL");
    message->message.set_body(body_len > 0 ? std::string(static_cast<const char*>(body), body_len)
                                           : std::string());
    return Ok();
  });
}

int orbit_message_set_tags(orbit_message_t* message, const char* tags) {
  return Guard([&] {
    if (message == nullptr || tags == nullptr) return Invalid("message or tags is NULL");
    message->message.set_tags(tags);
    return Ok();
  });
}

int orbit_message_set_keys(orbit_message_t* message, const char* keys) {
  return Guard([&] {
    if (message == nullptr || keys == nullptr) return Invalid("message or keys is NULL");
    message->message.set_keys(std::string_view(keys));
    return Ok();
  });
}

int orbit_message_put_property(orbit_message_t* message, const char* name, const char* value) {
  return Guard([&] {
    if (message == nullptr || name == nullptr || value == nullptr) {
      return Invalid("message, name or value is NULL");
    }
    return Report(message->message.PutUserProperty(name, value));
  });
}

int orbit_message_set_delay_level(orbit_message_t* message, int level) {
  return Guard([&] {
    if (message == nullptr) return Invalid("message is NULL");
    if (level < 0) return Invalid("delay level must not be negative");
    message->message.set_delay_time_level(level);
    return Ok();
  });
}

}  // extern "C"
