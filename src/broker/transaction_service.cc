#include "broker/transaction_service.h"

#include <pthread.h>
#include <strings.h>

#include <algorithm>
#include <chrono>

#include "base/log.h"
#include "broker/broker.h"
#include "protocol/bodies.h"
#include "protocol/message_flags.h"

namespace orbit::broker {

bool IsTransactionPrepared(const protocol::MessageProperties& props) {
  const std::string* v = props.Find(protocol::kPropertyTransactionPrepared);
  return v != nullptr && ::strcasecmp(v->c_str(), "true") == 0;
}

protocol::MessageProperties JavaHashMapOrder(const protocol::MessageProperties& props) {
  uint32_t buckets = 16;
  while (props.size() > buckets / 4 * 3) buckets *= 2;
  std::vector<std::pair<uint32_t, const protocol::MessageProperties::value_type*>> order;
  order.reserve(props.size());
  for (const auto& item : props) {
    auto h = static_cast<uint32_t>(protocol::JavaStringHash(item.first));
    order.emplace_back((h ^ (h >> 16)) & (buckets - 1), &item);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  protocol::MessageProperties out;
  for (const auto& [bucket, item] : order) out.Set(item->first, item->second);
  return out;
}

std::string EncodePropertiesJavaOrder(const protocol::MessageProperties& props) {
  return protocol::EncodeProperties(JavaHashMapOrder(props));
}

void ToHalfMessage(const protocol::MessageProperties& props, std::string_view sent_properties,
                   store::MessageInput* in, std::string* properties) {
  // SendMessageProcessor removes WAIT from the map for the stored string and puts it back (at
  // the end of its bucket); parseHalfMessageInner then adds REAL_TOPIC and REAL_QID and builds
  // the string anew.
  protocol::MessageProperties half = props;
  const protocol::MessageProperties sent = protocol::DecodeProperties(sent_properties);
  if (const std::string* wait = sent.Find(protocol::kPropertyWaitStoreMsgOk)) {
    half.Erase(protocol::kPropertyWaitStoreMsgOk);
    half.Set(protocol::kPropertyWaitStoreMsgOk, *wait);
  }
  half.Set(protocol::kPropertyRealTopic, in->topic);
  half.Set(protocol::kPropertyRealQueueId, std::to_string(in->queue_id));
  *properties = EncodePropertiesJavaOrder(half);
  in->properties = *properties;
  in->sys_flag = protocol::SetTransactionType(in->sys_flag, protocol::TransactionType::kNotType);
  in->topic = kTransHalfTopic;
  in->queue_id = 0;
}

store::MessageInput InputFromRecord(const protocol::MessageRecord& rec, std::string_view topic,
                                    int32_t queue_id, std::string_view properties) {
  store::MessageInput in;
  in.topic = topic;
  in.queue_id = queue_id;
  in.flag = rec.flag;
  in.sys_flag = rec.sys_flag;
  in.born_timestamp = rec.born_timestamp;
  in.born_host = rec.born_host;
  in.reconsume_times = rec.reconsume_times;
  in.body = rec.body;
  in.properties = properties;
  in.wait_store_msg_ok = false;
  return in;
}

TransactionService::TransactionService(Broker& broker) : broker_(broker) {}

TransactionService::~TransactionService() { Stop(); }

void TransactionService::Start() {
  if (broker_.config().IsSlave() || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void TransactionService::Stop() {
  stopping_.store(true);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TransactionService::OnIntervalChanged() {
  {
    std::lock_guard lock(mu_);
    interval_changed_ = true;
  }
  cv_.notify_all();
}

void TransactionService::Loop() {
  pthread_setname_np(pthread_self(), "broker-txcheck");
  std::unique_lock lock(mu_);
  while (!stop_) {
    const auto interval = std::chrono::milliseconds(broker_.config().transaction_check_interval);
    if (cv_.wait_for(lock, interval, [this] { return stop_ || interval_changed_; })) {
      interval_changed_ = false;
      continue;
    }
    lock.unlock();
    int64_t begin = broker_.clock().NowMillis();
    Check();
    ORBIT_LOG_DEBUG("transaction check pass took {} ms", broker_.clock().NowMillis() - begin);
    lock.lock();
  }
}

Result<protocol::MessageRecord> TransactionService::LookHalfMessage(
    int64_t commit_log_offset) const {
  auto range = broker_.store().LookMessageByOffset(commit_log_offset);
  if (!range.ok()) return range.status();
  ORBIT_ASSIGN_OR_RETURN(protocol::MessageRecord rec, protocol::DecodeRecord(range->view()));
  if (rec.topic != kTransHalfTopic) {
    return NotFound("the record at " + std::to_string(commit_log_offset) + " is in topic " +
                    rec.topic + ", not a half message");
  }
  return rec;
}

void TransactionService::PutOpMessage(int32_t half_queue_id, int64_t half_queue_offset,
                                      store::PutCallback done) {
  // new Message(opTopic, "d", body): TAGS and WAIT=true, in HashMap order (WAIT, TAGS).
  protocol::MessageProperties props;
  props.Set(protocol::kPropertyTags, kTransactionRemoveTag);
  props.Set(protocol::kPropertyWaitStoreMsgOk, "true");
  const std::string properties = EncodePropertiesJavaOrder(props);
  const std::string body = std::to_string(half_queue_offset);
  store::MessageInput in;
  in.topic = kTransOpHalfTopic;
  in.queue_id = half_queue_id;
  in.born_timestamp = broker_.clock().NowMillis();
  in.born_host = broker_.store_host();
  in.body = body;
  in.properties = properties;
  in.wait_store_msg_ok = false;
  broker_.store().PutMessageAsync(in, std::move(done));
}

TransactionService::Stats TransactionService::stats() const {
  Stats s;
  s.passes = passes_.load();
  s.checks_sent = checks_sent_.load();
  s.checks_without_producer = checks_without_producer_.load();
  s.discarded = discarded_.load();
  return s;
}

}  // namespace orbit::broker
