// The producer's C API, part 2 (include/orbit/c/producer.h): sync, ordered, batch, async and
// oneway sends, and SendResult copied into the caller's orbit_send_result_t.

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/internal/c_api.h"
#include "orbit/c/producer.h"
#include "orbit/message.h"
#include "orbit/producer.h"
#include "orbit/status.h"

namespace orbit::client::capi {
namespace {

template <size_t N>
void CopyTo(char (&dst)[N], std::string_view src) {
  const size_t n = std::min(src.size(), N - 1);
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

void Fill(const SendResult& r, std::string_view msg_id, std::string_view offset_msg_id,
          int64_t queue_offset, orbit_send_result_t* out) {
  out->status = static_cast<int32_t>(r.status);
  CopyTo(out->msg_id, msg_id);
  CopyTo(out->offset_msg_id, offset_msg_id);
  CopyTo(out->topic, r.queue.topic);
  CopyTo(out->broker_name, r.queue.broker_name);
  out->queue_id = r.queue.queue_id;
  out->queue_offset = queue_offset;
}

// Piece `index` of a ','-joined list ("" when there are fewer pieces).
std::string_view Piece(std::string_view joined, size_t index) {
  for (size_t i = 0; i < index; ++i) {
    const size_t comma = joined.find(',');
    if (comma == std::string_view::npos) return {};
    joined.remove_prefix(comma + 1);
  }
  return joined.substr(0, joined.find(','));
}

int ReportSent(const Result<SendResult>& sent, orbit_send_result_t* out) {
  if (!sent.ok()) return Report(sent.status());
  if (out != nullptr) Fill(*sent, sent->msg_id, sent->offset_msg_id, sent->queue_offset, out);
  return Ok();
}

// The queue `queue_id` of `broker_name`, or (broker_name NULL) of the first broker that has it.
Result<MessageQueue> FindQueue(Producer& producer, const std::string& topic,
                               const char* broker_name, int32_t queue_id) {
  if (broker_name != nullptr) return MessageQueue{topic, broker_name, queue_id};
  ORBIT_ASSIGN_OR_RETURN(auto queues, producer.FetchPublishQueues(topic));
  for (auto& q : queues) {
    if (q.queue_id == queue_id) return std::move(q);
  }
  return NotFound("topic " + topic + " has no writable queue " + std::to_string(queue_id));
}

}  // namespace
}  // namespace orbit::client::capi

using orbit::client::capi::Guard;
using orbit::client::capi::Invalid;
using orbit::client::capi::Ok;
using orbit::client::capi::Report;
using orbit::client::capi::ReportSent;

extern "C" {

int orbit_producer_send(orbit_producer_t* producer, const orbit_message_t* message,
                        orbit_send_result_t* result) {
  return Guard([&] {
    if (producer == nullptr || message == nullptr) return Invalid("producer or message is NULL");
    return ReportSent(producer->producer.Send(message->message), result);
  });
}

int orbit_producer_send_to_queue(orbit_producer_t* producer, const orbit_message_t* message,
                                 const char* broker_name, int32_t queue_id,
                                 orbit_send_result_t* result) {
  return Guard([&] {
    if (producer == nullptr || message == nullptr) return Invalid("producer or message is NULL");
    auto queue = orbit::client::capi::FindQueue(producer->producer, message->message.topic(),
                                                broker_name, queue_id);
    if (!queue.ok()) return Report(queue.status());
    return ReportSent(producer->producer.Send(message->message, *queue), result);
  });
}

int orbit_producer_send_orderly(orbit_producer_t* producer, const orbit_message_t* message,
                                const char* sharding_key, orbit_send_result_t* result) {
  return Guard([&] {
    if (producer == nullptr || message == nullptr || sharding_key == nullptr) {
      return Invalid("producer, message or sharding_key is NULL");
    }
    return ReportSent(
        producer->producer.Send(message->message, orbit::SelectQueueByHash(sharding_key)), result);
  });
}

int orbit_producer_send_batch(orbit_producer_t* producer, const orbit_message_t* const* messages,
                              size_t count, orbit_send_result_t* results) {
  return Guard([&] {
    if (producer == nullptr || messages == nullptr) return Invalid("producer or messages is NULL");
    std::vector<orbit::Message> batch;
    batch.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (messages[i] == nullptr) return Invalid("a message of the batch is NULL");
      batch.push_back(messages[i]->message);
    }
    auto sent = producer->producer.Send(batch);
    if (!sent.ok()) return Report(sent.status());
    // One answer for the batch: ids joined by ',', the first message's queue offset.
    for (size_t i = 0; results != nullptr && i < count; ++i) {
      orbit::client::capi::Fill(*sent, orbit::client::capi::Piece(sent->msg_id, i),
                                orbit::client::capi::Piece(sent->offset_msg_id, i),
                                sent->queue_offset + static_cast<int64_t>(i), &results[i]);
    }
    return Ok();
  });
}

int orbit_producer_send_async(orbit_producer_t* producer, const orbit_message_t* message,
                              orbit_send_callback_t callback, void* user_data) {
  return Guard([&] {
    if (producer == nullptr || message == nullptr || callback == nullptr) {
      return Invalid("producer, message or callback is NULL");
    }
    // Runs on the producer's callback thread; a C callback cannot throw.
    auto done = [callback, user_data](orbit::Result<orbit::SendResult> sent) {
      if (sent.ok()) {
        orbit_send_result_t out;
        orbit::client::capi::Fill(*sent, sent->msg_id, sent->offset_msg_id, sent->queue_offset,
                                  &out);
        callback(ORBIT_OK, nullptr, &out, user_data);
      } else {
        const std::string text = sent.status().ToString();
        callback(orbit::client::capi::CodeOf(sent.status()), text.c_str(), nullptr, user_data);
      }
    };
    return Report(producer->producer.SendAsync(message->message, std::move(done)));
  });
}

int orbit_producer_send_oneway(orbit_producer_t* producer, const orbit_message_t* message) {
  return Guard([&] {
    if (producer == nullptr || message == nullptr) return Invalid("producer or message is NULL");
    return Report(producer->producer.SendOneway(message->message));
  });
}

}  // extern "C"
