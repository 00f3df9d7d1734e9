#include "client/consumer_broker_api.h"

#include <chrono>
#include <utility>

#include "base/log.h"
#include "client/rebalance.h"
#include "client/validators.h"
#include "protocol/bodies_consumer.h"
#include "protocol/codes.h"
#include "protocol/headers_consumer.h"
#include "protocol/headers_pull.h"
#include "protocol/properties.h"

namespace orbit::client {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

constexpr int64_t kLockRequestTimeoutMs = 1000;
constexpr int64_t kSendBackTimeoutMs = 5000;
constexpr std::string_view kDefaultConsumerGroup = "DEFAULT_CONSUMER";
constexpr std::string_view kInnerProducerGroup = "CLIENT_INNER_PRODUCER";
constexpr std::string_view kPropertyTransactionPrepared = "TRAN_MSG";

protocol::MessageQueue ToProtocol(const MessageQueue& mq) {
  return protocol::MessageQueue{mq.topic, mq.broker_name, mq.queue_id};
}

Status RemoteError(const RemotingCommand& response) {
  return Status::Remote(response.code, response.remark.value_or(""));
}

}  // namespace

std::string RetryTopic(const std::string& group) { return "%RETRY%" + group; }
std::string DlqTopic(const std::string& group) { return "%DLQ%" + group; }

ConsumerBrokerApi::ConsumerBrokerApi(std::shared_ptr<ClientInstance> instance, ClientConfig config,
                                     std::string group, std::string client_id)
    : instance_(std::move(instance)),
      config_(std::move(config)),
      group_(std::move(group)),
      client_id_(std::move(client_id)) {}

ConsumerBrokerApi::~ConsumerBrokerApi() { StopProducer(); }

void ConsumerBrokerApi::StopProducer() {
  std::shared_ptr<Producer> producer;
  {
    MutexLock lock(mu_);
    producer = std::move(producer_);
  }
  if (producer) producer->Shutdown();
}

std::string ConsumerBrokerApi::FindAddress(const std::string& broker_name,
                                           const std::string* topic) {
  std::string addr = instance_->FindBrokerAddressInPublish(broker_name);
  if (addr.empty()) addr = instance_->FindBrokerAddressInSubscribe(broker_name);
  if (addr.empty() && topic != nullptr && !instance_->scheduler().InSchedulerThread()) {
    // Java: the topic's route once more from the name server, then look again.
    (void)instance_->UpdateTopicRoute(*topic);
    addr = instance_->FindBrokerAddressInPublish(broker_name);
    if (addr.empty()) addr = instance_->FindBrokerAddressInSubscribe(broker_name);
  }
  return addr;
}

Result<RemotingCommand> ConsumerBrokerApi::Invoke(const std::string& broker_name,
                                                  RemotingCommand request, int64_t timeout_ms,
                                                  bool oneway) {
  std::string addr = FindAddress(broker_name, request.ext_fields.Find("topic"));
  if (addr.empty()) {
    return Status(ErrorCode::kNoRoute, "The broker[" + broker_name + "] not exist");
  }
  if (oneway) {
    ORBIT_RETURN_IF_ERROR(instance_->InvokeOneway(addr, std::move(request)));
    return RemotingCommand{};
  }
  return instance_->InvokeSync(addr, std::move(request), timeout_ms);
}

OffsetRequestSender ConsumerBrokerApi::OffsetSender() {
  return
      [this](const std::string& broker_name, RemotingCommand request, int64_t timeout_ms,
             bool oneway) { return Invoke(broker_name, std::move(request), timeout_ms, oneway); };
}

RemotingCommand BuildQueueOffsetRequest(int32_t code, const MessageQueue& mq,
                                        int64_t timestamp_ms) {
  RemotingCommand request = RemotingCommand::Request(code);
  auto fill = [&](auto h) {
    h.topic = mq.topic;
    h.queue_id = mq.queue_id;
    h.bname = mq.broker_name;
    return h;
  };
  switch (code) {
    case RequestCode::kGetMaxOffset:
      fill(protocol::GetMaxOffsetRequestHeader{}).Encode(&request.ext_fields);
      break;
    case RequestCode::kGetMinOffset:
      fill(protocol::GetMinOffsetRequestHeader{}).Encode(&request.ext_fields);
      break;
    case RequestCode::kGetEarliestMsgStoretime:
      fill(protocol::GetEarliestMsgStoretimeRequestHeader{}).Encode(&request.ext_fields);
      break;
    default: {
      protocol::SearchOffsetRequestHeader h = fill(protocol::SearchOffsetRequestHeader{});
      h.timestamp = timestamp_ms;
      h.Encode(&request.ext_fields);
      break;
    }
  }
  return request;
}

namespace {

// The number in the answer's header (offset, or timestamp for GET_EARLIEST_MSG_STORETIME).
template <typename ResponseHeader, typename Field>
Result<int64_t> QueueNumber(ConsumerBrokerApi& api, RemotingCommand request, const MessageQueue& mq,
                            int64_t timeout_ms, Field field) {
  ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                         api.Invoke(mq.broker_name, std::move(request), timeout_ms, false));
  if (response.code != ResponseCode::kSuccess) return RemoteError(response);
  ORBIT_ASSIGN_OR_RETURN(ResponseHeader header, ResponseHeader::Decode(response.ext_fields));
  return header.*field;
}

}  // namespace

Result<int64_t> ConsumerBrokerApi::MaxOffset(const MessageQueue& mq) {
  return QueueNumber<protocol::GetMaxOffsetResponseHeader>(
      *this, BuildQueueOffsetRequest(RequestCode::kGetMaxOffset, mq), mq,
      config_.mq_client_api_timeout_ms, &protocol::GetMaxOffsetResponseHeader::offset);
}

Result<int64_t> ConsumerBrokerApi::MinOffset(const MessageQueue& mq) {
  return QueueNumber<protocol::GetMinOffsetResponseHeader>(
      *this, BuildQueueOffsetRequest(RequestCode::kGetMinOffset, mq), mq,
      config_.mq_client_api_timeout_ms, &protocol::GetMinOffsetResponseHeader::offset);
}

Result<int64_t> ConsumerBrokerApi::SearchOffset(const MessageQueue& mq, int64_t timestamp_ms) {
  return QueueNumber<protocol::SearchOffsetResponseHeader>(
      *this, BuildQueueOffsetRequest(RequestCode::kSearchOffsetByTimestamp, mq, timestamp_ms), mq,
      config_.mq_client_api_timeout_ms, &protocol::SearchOffsetResponseHeader::offset);
}

Result<int64_t> ConsumerBrokerApi::EarliestMsgStoreTime(const MessageQueue& mq) {
  return QueueNumber<protocol::GetEarliestMsgStoretimeResponseHeader>(
      *this, BuildQueueOffsetRequest(RequestCode::kGetEarliestMsgStoretime, mq), mq,
      config_.mq_client_api_timeout_ms,
      &protocol::GetEarliestMsgStoretimeResponseHeader::timestamp);
}

void ConsumerBrokerApi::PullAsync(const PullRequestSpec& spec,
                                  const protocol::SubscriptionData& subscription,
                                  int64_t timeout_ms,
                                  std::function<void(Result<PullResult>)> callback) {
  const std::string addr = instance_->FindBrokerAddressInSubscribe(spec.queue.broker_name);
  if (addr.empty()) {
    callback(Status(ErrorCode::kNoRoute, "The broker[" + spec.queue.broker_name + "] not exist"));
    return;
  }
  instance_->InvokeAsync(addr, BuildPullRequest(spec), timeout_ms,
                         [queue = spec.queue, subscription,
                          callback = std::move(callback)](Result<RemotingCommand> answer) {
                           if (!answer.ok()) {
                             callback(answer.status());
                             return;
                           }
                           callback(ProcessPullResponse(*answer, queue, subscription));
                         });
}

Result<PullResult> ConsumerBrokerApi::PullSync(const PullRequestSpec& spec,
                                               const protocol::SubscriptionData& subscription,
                                               int64_t timeout_ms) {
  std::string addr = instance_->FindBrokerAddressInSubscribe(spec.queue.broker_name);
  if (addr.empty()) addr = FindAddress(spec.queue.broker_name, &spec.queue.topic);
  if (addr.empty()) {
    return Status(ErrorCode::kNoRoute, "The broker[" + spec.queue.broker_name + "] not exist");
  }
  ORBIT_ASSIGN_OR_RETURN(RemotingCommand answer,
                         instance_->InvokeSync(addr, BuildPullRequest(spec), timeout_ms));
  return ProcessPullResponse(answer, spec.queue, subscription);
}

RemotingCommand BuildLockBatchRequest(int32_t code, const std::string& group,
                                      const std::string& client_id,
                                      const std::set<MessageQueue>& mqs) {
  protocol::LockBatchRequestBody body;
  body.consumer_group = group;
  body.client_id = client_id;
  for (const auto& mq : mqs) body.mq_set.push_back(ToProtocol(mq));
  RemotingCommand request = RemotingCommand::Request(code);
  request.body = body.Encode();
  return request;
}

Result<std::set<MessageQueue>> ConsumerBrokerApi::LockBatch(const std::string& broker_name,
                                                            const std::set<MessageQueue>& mqs) {
  ORBIT_ASSIGN_OR_RETURN(
      RemotingCommand response,
      Invoke(broker_name, BuildLockBatchRequest(RequestCode::kLockBatchMq, group_, client_id_, mqs),
             kLockRequestTimeoutMs, false));
  if (response.code != ResponseCode::kSuccess) return RemoteError(response);
  ORBIT_ASSIGN_OR_RETURN(auto locked, protocol::LockBatchResponseBody::Decode(response.body));
  std::set<MessageQueue> out;
  for (const auto& mq : locked.lock_ok_mq_set) {
    out.insert(MessageQueue{mq.topic, mq.broker_name, mq.queue_id});
  }
  return out;
}

void ConsumerBrokerApi::UnlockBatch(const std::string& broker_name,
                                    const std::set<MessageQueue>& mqs, bool oneway) {
  auto response = Invoke(
      broker_name, BuildLockBatchRequest(RequestCode::kUnlockBatchMq, group_, client_id_, mqs),
      kLockRequestTimeoutMs, oneway);
  if (!response.ok()) {
    ORBIT_LOG_WARN("consumer {}: unlock of {} queues at {} failed: {}", group_, mqs.size(),
                   broker_name, response.status().ToString());
  } else if (!oneway && response->code != ResponseCode::kSuccess) {
    ORBIT_LOG_WARN("consumer {}: unlock at {} refused: {}", group_, broker_name,
                   RemoteError(*response).ToString());
  }
}

Message ConsumerBrokerApi::RetryMessage(const MessageExt& msg, const std::string& origin_topic,
                                        int32_t reconsume_times,
                                        int32_t max_reconsume_times) const {
  Message back(RetryTopic(group_), msg.body());
  for (const auto& [name, value] : msg.properties()) back.PutPropertyUnchecked(name, value);
  auto origin = msg.GetProperty(protocol::kPropertyOriginMessageId);
  back.PutPropertyUnchecked(std::string(protocol::kPropertyOriginMessageId),
                            origin && !origin->empty() ? *origin : msg.msg_id);
  back.set_flag(msg.flag());
  back.PutPropertyUnchecked(std::string(protocol::kPropertyRetryTopic), origin_topic);
  back.PutPropertyUnchecked(std::string(protocol::kPropertyReconsumeTime),
                            std::to_string(reconsume_times));
  back.PutPropertyUnchecked(std::string(protocol::kPropertyMaxReconsumeTimes),
                            std::to_string(max_reconsume_times));
  back.ClearProperty(kPropertyTransactionPrepared);
  back.set_delay_time_level(3 + msg.reconsume_times);
  return back;
}

Result<SendResult> ConsumerBrokerApi::SendThroughProducer(const Message& msg) {
  std::shared_ptr<Producer> producer;
  {
    MutexLock lock(mu_);
    if (!producer_) {
      ProducerConfig pc;
      static_cast<ClientConfig&>(pc) = config_;
      pc.group = std::string(kInnerProducerGroup);
      // Its own client instance: the group may be in use by another consumer of this one.
      pc.instance_name.clear();
      auto created = std::make_shared<Producer>(pc);
      ORBIT_RETURN_IF_ERROR(created->Start());
      producer_ = std::move(created);
    }
    producer = producer_;
  }
  return producer->Send(msg);
}

RemotingCommand BuildSendBackRequest(const MessageExt& msg, const std::string& group,
                                     const std::string& origin_topic, int32_t delay_level,
                                     int32_t max_reconsume_times, const std::string& broker_name) {
  RemotingCommand request = RemotingCommand::Request(RequestCode::kConsumerSendMsgBack);
  protocol::ConsumerSendMsgBackRequestHeader h;
  h.offset = msg.commit_log_offset;
  h.group = group;
  h.delay_level = delay_level;
  h.origin_msg_id = msg.msg_id;
  h.origin_topic = origin_topic;
  h.unit_mode = false;
  h.max_reconsume_times = max_reconsume_times;
  if (!broker_name.empty()) h.bname = broker_name;
  h.Encode(&request.ext_fields);
  return request;
}

Status ConsumerBrokerApi::SendMessageBack(const MessageExt& msg, const std::string& origin_topic,
                                          int32_t delay_level, const std::string& broker_name,
                                          int32_t max_reconsume_times, bool resend) {
  std::string addr =
      broker_name.empty() ? msg.store_host : instance_->FindBrokerAddressInPublish(broker_name);
  if (addr.empty()) addr = msg.store_host;
  RemotingCommand request =
      BuildSendBackRequest(msg, group_, origin_topic, delay_level, max_reconsume_times,
                           broker_name.empty() ? msg.broker_name : broker_name);
  auto response = instance_->InvokeSync(addr, std::move(request), kSendBackTimeoutMs);
  Status first;
  if (!response.ok()) {
    first = response.status();
  } else if (response->code != ResponseCode::kSuccess) {
    first = RemoteError(*response);
  } else {
    return Status::Ok();
  }
  if (!resend) return first;
  ORBIT_LOG_WARN("consumer {}: send back of {} to {} failed ({}); resent to the retry topic",
                 group_, msg.msg_id, addr, first.ToString());
  auto sent = SendThroughProducer(
      RetryMessage(msg, origin_topic, msg.reconsume_times + 1, max_reconsume_times));
  return sent.ok() ? Status::Ok() : sent.status();
}

Result<ConsumerParts> MakeConsumerParts(const ClientConfig& config, const std::string& group,
                                        bool clustering,
                                        const std::string& local_offset_store_dir) {
  ORBIT_RETURN_IF_ERROR(ValidateGroup(group));
  if (group == kDefaultConsumerGroup) {
    return InvalidArgument("consumerGroup can not equal " + std::string(kDefaultConsumerGroup) +
                           ", please specify another one");
  }
  ConsumerParts parts;
  parts.group = WrapNamespace(config.name_space, group);
  ClientConfig instance_config = config;
  if (!clustering && instance_config.instance_name.empty()) {
    // Java keeps "DEFAULT" for broadcasting consumers: the local offset file's path stays the
    // same from one run to the next.
    instance_config.instance_name = "DEFAULT";
  }
  parts.client_id = ClientInstance::BuildClientId(instance_config);
  parts.instance = ClientInstance::GetOrCreate(instance_config, parts.client_id);
  parts.api =
      std::make_unique<ConsumerBrokerApi>(parts.instance, config, parts.group, parts.client_id);
  if (clustering) {
    parts.offset_api = std::make_unique<RemotingOffsetBrokerApi>(parts.api->OffsetSender());
    parts.offset_store =
        std::make_unique<RemoteBrokerOffsetStore>(parts.offset_api.get(), parts.group);
  } else {
    parts.offset_store = std::make_unique<LocalFileOffsetStore>(parts.client_id, parts.group,
                                                                local_offset_store_dir);
  }
  ORBIT_RETURN_IF_ERROR(parts.offset_store->Load());
  return parts;
}

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

protocol::MessageModel ToProtocol(MessageModel model) {
  return model == MessageModel::kBroadcasting ? protocol::MessageModel::kBroadcasting
                                              : protocol::MessageModel::kClustering;
}

protocol::ConsumeFromWhere ToProtocol(ConsumeFromWhere where) {
  switch (where) {
    case ConsumeFromWhere::kFirstOffset:
      return protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
    case ConsumeFromWhere::kTimestamp:
      return protocol::ConsumeFromWhere::kConsumeFromTimestamp;
    case ConsumeFromWhere::kLastOffset:
      break;
  }
  return protocol::ConsumeFromWhere::kConsumeFromLastOffset;
}

protocol::ConsumerData MakeConsumerData(
    const std::string& group, protocol::ConsumeType type, MessageModel model,
    ConsumeFromWhere where, bool unit_mode,
    const std::map<std::string, protocol::SubscriptionData>& subs) {
  protocol::ConsumerData data;
  data.group_name = group;
  data.consume_type = type;
  data.message_model = ToProtocol(model);
  data.consume_from_where = ToProtocol(where);
  data.unit_mode = unit_mode;
  for (const auto& [topic, sub] : subs) data.subscription_data_set.push_back(sub);
  return data;
}

Result<int64_t> ConsumeTimestampMillis(ConsumeFromWhere where, const std::string& timestamp) {
  if (where == ConsumeFromWhere::kTimestamp && !timestamp.empty()) {
    return ParseConsumeTimestamp(timestamp);
  }
  return WallMillis() - 30 * 60 * 1000;
}

std::vector<std::string> TopicsOf(const std::map<std::string, protocol::SubscriptionData>& subs) {
  std::vector<std::string> topics;
  for (const auto& [topic, sub] : subs) topics.push_back(topic);
  return topics;
}

Result<std::vector<MessageQueue>> FetchTopicQueues(ClientInstance& instance, std::string_view ns,
                                                   const std::string& topic) {
  const std::string wrapped = WrapNamespace(ns, topic);
  auto changed = instance.UpdateTopicRoute(wrapped);
  auto queues = instance.SubscribeQueues(wrapped);
  if (!queues || queues->empty()) {
    if (!changed.ok()) return changed.status();
    return Status(ErrorCode::kNoRoute, "Can not find Message Queue for this topic, " + topic);
  }
  for (auto& mq : *queues) mq.topic = topic;
  return std::move(*queues);
}

void RefreshAfterSubscribe(const std::shared_ptr<ClientInstance>& instance,
                           std::weak_ptr<ConsumerListener> consumer, const std::string& topic) {
  instance->scheduler().Post([weak_instance = std::weak_ptr<ClientInstance>(instance),
                              consumer = std::move(consumer), topic] {
    auto self = consumer.lock();
    auto inst = weak_instance.lock();
    if (!self || !inst) return;
    (void)inst->UpdateTopicRoute(topic);
    if (auto queues = inst->SubscribeQueues(topic)) self->OnSubscribeInfo(topic, *queues);
    inst->SendHeartbeatToAllBrokers();
    self->DoRebalance();
  });
}

}  // namespace orbit::client
