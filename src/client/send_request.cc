#include "client/send_request.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <charconv>
#include <ctime>
#include <random>
#include <utility>

#include "client/validators.h"
#include "protocol/codes.h"
#include "protocol/headers_send.h"
#include "protocol/message_batch.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"

namespace orbit::client {
namespace {

using protocol::MessageProperties;
using protocol::RemotingCommand;

constexpr std::string_view kReplyMessageType = "reply";
constexpr std::string_view kDefaultRegion = "DefaultRegion";

bool IsPrivateIpv4(uint32_t ip) {
  return (ip >> 24) == 10 || (ip >> 20) == ((172u << 4) | 1u) || (ip >> 16) == ((192u << 8) | 168u);
}

// This host's IPv4 address as Java's UtilAll.getIP picks it: the first usable public address,
// else the first private one. Loopback, 0.0.0.0/8 and class D/E addresses are not usable.
// Empty when there is none.
std::string LocalIpv4Bytes() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  uint32_t found = 0;
  uint32_t private_found = 0;
  for (ifaddrs* a = list; a != nullptr && found == 0; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    uint32_t ip = ntohl(reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
    const uint32_t first = ip >> 24;
    if (first == 0 || first == 127 || first >= 224) continue;
    if (!IsPrivateIpv4(ip)) {
      found = ip;
    } else if (private_found == 0) {
      private_found = ip;
    }
  }
  freeifaddrs(list);
  const uint32_t ip = found != 0 ? found : private_found;
  if (ip == 0) return {};
  return {static_cast<char>(ip >> 24), static_cast<char>(ip >> 16), static_cast<char>(ip >> 8),
          static_cast<char>(ip)};
}

// Java's fallback when the host has no address: the low four bytes of the current time.
std::string FakeIpv4Bytes(int64_t now_ms) {
  const auto t = static_cast<uint64_t>(now_ms);
  return {static_cast<char>(t >> 24), static_cast<char>(t >> 16), static_cast<char>(t >> 8),
          static_cast<char>(t)};
}

// Integer.valueOf: optional sign, decimal digits, int32 range.
Result<int32_t> ParseJavaInt(std::string_view name, std::string_view text) {
  std::string_view digits = text;
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
  int32_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return InvalidArgument("property " + std::string(name) + " is not an int: '" +
                           std::string(text) + "'");
  }
  return value;
}

MessageProperties ToWireProperties(const Message& message) {
  MessageProperties out;
  for (const auto& [name, value] : message.properties()) out.Set(name, value);
  return out;
}

// The header fields every send shares (DefaultMQProducerImpl.sendKernelImpl).
protocol::SendMessageRequestHeader BaseHeader(const std::string& topic, const MessageQueue& queue,
                                              const SendRequestOptions& options, int64_t born_ms) {
  protocol::SendMessageRequestHeader h;
  h.producer_group = options.producer_group;
  h.topic = topic;
  h.default_topic = options.default_topic;
  h.default_topic_queue_nums = options.default_topic_queue_nums;
  h.queue_id = queue.queue_id;
  h.sys_flag = 0;
  h.born_timestamp = born_ms;
  h.flag = 0;
  h.reconsume_times = 0;
  h.unit_mode = options.unit_mode;
  h.batch = false;
  h.bname = queue.broker_name;
  return h;
}

RemotingCommand MakeRequest(int32_t code, protocol::SendMessageRequestHeader&& header,
                            std::string body, const SendRequestOptions& options) {
  RemotingCommand cmd = RemotingCommand::Request(code);
  cmd.serialize_type =
      options.binary_header ? protocol::SerializeType::kRocketmq : protocol::SerializeType::kJson;
  cmd.ext_fields.reserve(16);  // 14 fields at most
  protocol::ToV2(std::move(header)).Encode(&cmd.ext_fields);
  cmd.body = std::move(body);
  return cmd;
}

// For a %RETRY% topic, moves RECONSUME_TIME and MAX_RECONSUME_TIMES from the properties into
// the header (the consumer's send-back path carries them this way).
Status MoveRetryFields(MessageProperties* props, protocol::SendMessageRequestHeader* h) {
  if (h->topic.rfind(kRetryTopicPrefix, 0) != 0) return Status::Ok();
  if (const std::string* v = props->Find(protocol::kPropertyReconsumeTime)) {
    ORBIT_ASSIGN_OR_RETURN(h->reconsume_times, ParseJavaInt(protocol::kPropertyReconsumeTime, *v));
    props->Erase(protocol::kPropertyReconsumeTime);
  }
  if (const std::string* v = props->Find(protocol::kPropertyMaxReconsumeTimes)) {
    ORBIT_ASSIGN_OR_RETURN(h->max_reconsume_times,
                           ParseJavaInt(protocol::kPropertyMaxReconsumeTimes, *v));
    props->Erase(protocol::kPropertyMaxReconsumeTimes);
  }
  return Status::Ok();
}

Status CheckBatch(const std::vector<Message>& batch) {
  if (batch.empty()) return InvalidArgument("a batch needs at least one message");
  const Message& first = batch.front();
  for (size_t i = 0; i < batch.size(); ++i) {
    const Message& m = batch[i];
    const std::string which = "batch message #" + std::to_string(i);
    if (m.delay_time_level() > 0) {
      return InvalidArgument(which + ": delay levels are not supported in a batch");
    }
    if (m.topic().rfind(kRetryTopicPrefix, 0) == 0) {
      return InvalidArgument(which + ": retry topics (" + m.topic() +
                             ") are not supported in a batch");
    }
    if (m.topic() != first.topic()) {
      return InvalidArgument(which + ": all messages of a batch must have one topic ('" +
                             m.topic() + "' vs '" + first.topic() + "')");
    }
    if (m.wait_store_msg_ok() != first.wait_store_msg_ok()) {
      return InvalidArgument(which + ": all messages of a batch must have the same WAIT flag");
    }
  }
  return Status::Ok();
}

}  // namespace

// ---- UniqueIdSource ----

MonthBounds LocalMonthBounds(int64_t now_ms) {
  time_t secs = static_cast<time_t>(now_ms / 1000 - (now_ms % 1000 < 0 ? 1 : 0));
  tm local{};
  localtime_r(&secs, &local);
  tm start{};
  start.tm_year = local.tm_year;
  start.tm_mon = local.tm_mon;
  start.tm_mday = 1;
  start.tm_isdst = -1;  // whatever applies at that time
  tm next = start;
  next.tm_mon += 1;  // mktime carries December into January
  return {static_cast<int64_t>(mktime(&start)) * 1000, static_cast<int64_t>(mktime(&next)) * 1000};
}

UniqueIdSource::UniqueIdSource(std::string_view ip, int32_t pid, int32_t random, const Clock& clock)
    : generator_(ip, pid, random), clock_(clock) {}

UniqueIdSource& UniqueIdSource::Process() {
  static UniqueIdSource* source = [] {
    const Clock& clock = Clock::System();
    std::string ip = LocalIpv4Bytes();
    if (ip.empty()) ip = FakeIpv4Bytes(clock.NowMillis());
    std::random_device rd;
    const auto random = static_cast<int32_t>(rd());
    return new UniqueIdSource(ip, static_cast<int32_t>(getpid()), random, clock);
  }();
  return *source;
}

std::string UniqueIdSource::Next() {
  const int64_t now = clock_.NowMillis();
  int64_t month_start = 0;
  {
    MutexLock lock(mu_);
    if (now < month_start_ms_ || now >= next_month_start_ms_) {
      const MonthBounds bounds = LocalMonthBounds(now);
      month_start_ms_ = bounds.start_ms;
      next_month_start_ms_ = bounds.next_start_ms;
    }
    month_start = month_start_ms_;
  }
  return generator_.Next(now, month_start);
}

// ---- requests ----

void EnsureUniqueId(Message* message) {
  if (!message->GetProperty(protocol::kPropertyUniqKey)) {
    message->PutPropertyUnchecked(std::string(protocol::kPropertyUniqKey),
                                  UniqueIdSource::Process().Next());
  }
}

Result<RemotingCommand> BuildSendRequest(Message* message, const MessageQueue& queue,
                                         const SendRequestOptions& options, int64_t born_ms) {
  EnsureUniqueId(message);
  protocol::SendMessageRequestHeader h = BaseHeader(message->topic(), queue, options, born_ms);
  h.flag = message->flag();

  MessageProperties props = ToWireProperties(*message);
  if (!options.name_space.empty()) props.Set(protocol::kPropertyInstanceId, options.name_space);
  ORBIT_RETURN_IF_ERROR(MoveRetryFields(&props, &h));

  std::string body;
  const std::string& original = message->body();
  if (static_cast<int64_t>(original.size()) >= int64_t{options.compress_over}) {
    ORBIT_ASSIGN_OR_RETURN(
        body, protocol::Compress(options.compress_type, original, options.compress_level));
    h.sys_flag |= protocol::CompressedSysFlagBits(options.compress_type);
  } else {
    body = original;
  }
  if (protocol::IsJavaTrue(props.Get(protocol::kPropertyTransactionPrepared))) {
    h.sys_flag |= protocol::kSysFlagTransactionPrepared;
  }
  h.properties = protocol::EncodeProperties(props);

  const bool reply = props.Get(protocol::kPropertyMessageType) == kReplyMessageType;
  return MakeRequest(
      reply ? protocol::RequestCode::kSendReplyMessageV2 : protocol::RequestCode::kSendMessageV2,
      std::move(h), std::move(body), options);
}

Result<RemotingCommand> BuildBatchRequest(std::vector<Message>* batch, const MessageQueue& queue,
                                          const SendRequestOptions& options, int64_t born_ms) {
  ORBIT_RETURN_IF_ERROR(CheckBatch(*batch));

  // Ids are given to the messages only once the body is known to encode.
  std::vector<std::string> new_ids(batch->size());
  std::vector<protocol::BatchEntry> entries;
  entries.reserve(batch->size());
  for (size_t i = 0; i < batch->size(); ++i) {
    const Message& m = (*batch)[i];
    protocol::BatchEntry& e = entries.emplace_back();
    e.flag = m.flag();
    e.body = m.body();
    e.properties = ToWireProperties(m);
    if (!e.properties.Contains(protocol::kPropertyUniqKey)) {
      new_ids[i] = UniqueIdSource::Process().Next();
      e.properties.Set(protocol::kPropertyUniqKey, new_ids[i]);
    }
  }
  std::string body;
  ORBIT_RETURN_IF_ERROR(protocol::EncodeBatch(entries, &body));
  for (size_t i = 0; i < batch->size(); ++i) {
    if (!new_ids[i].empty()) {
      (*batch)[i].PutPropertyUnchecked(std::string(protocol::kPropertyUniqKey),
                                       std::move(new_ids[i]));
    }
  }

  // The batch as one message: only the WAIT flag of its messages, and the namespace.
  const Message& first = batch->front();
  MessageProperties wrapper;
  wrapper.Set(protocol::kPropertyWaitStoreMsgOk, first.wait_store_msg_ok() ? "true" : "false");
  if (!options.name_space.empty()) wrapper.Set(protocol::kPropertyInstanceId, options.name_space);

  protocol::SendMessageRequestHeader h = BaseHeader(first.topic(), queue, options, born_ms);
  h.properties = protocol::EncodeProperties(wrapper);
  h.batch = true;
  return MakeRequest(protocol::RequestCode::kSendBatchMessage, std::move(h), std::move(body),
                     options);
}

std::string BatchMessageId(const std::vector<Message>& batch) {
  std::string out;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (i > 0) out += ',';
    out += batch[i].unique_id();
  }
  return out;
}

// ---- response ----

Result<SendResult> ParseSendResponse(const RemotingCommand& response, const MessageQueue& queue,
                                     std::string msg_id) {
  SendResult result;
  switch (response.code) {
    case protocol::ResponseCode::kSuccess:
      result.status = SendStatus::kSendOk;
      break;
    case protocol::ResponseCode::kFlushDiskTimeout:
      result.status = SendStatus::kFlushDiskTimeout;
      break;
    case protocol::ResponseCode::kFlushSlaveTimeout:
      result.status = SendStatus::kFlushSlaveTimeout;
      break;
    case protocol::ResponseCode::kSlaveNotAvailable:
      result.status = SendStatus::kSlaveNotAvailable;
      break;
    default:
      return Status::Remote(response.code, response.remark.value_or(std::string()));
  }
  ORBIT_ASSIGN_OR_RETURN(protocol::SendMessageResponseHeader header,
                         protocol::SendMessageResponseHeader::Decode(response.ext_fields));
  result.msg_id = std::move(msg_id);
  result.offset_msg_id = std::move(header.msg_id);
  result.queue = MessageQueue{queue.topic, queue.broker_name, header.queue_id};
  result.queue_offset = header.queue_offset;
  result.transaction_id = header.transaction_id.value_or(std::string());
  const std::string* region = response.ext_fields.Find(protocol::kPropertyMsgRegion);
  result.region_id = region != nullptr && !region->empty() ? *region : std::string(kDefaultRegion);
  const std::string* trace = response.ext_fields.Find(protocol::kPropertyTraceSwitch);
  result.trace_on = trace == nullptr || *trace != "false";
  return result;
}

Result<protocol::EndTransactionRequestHeader> EndTransactionAfterSend(const std::string& group,
                                                                      const SendResult& half,
                                                                      int32_t commit_or_rollback) {
  ORBIT_ASSIGN_OR_RETURN(protocol::OffsetMessageId id,
                         protocol::DecodeOffsetMessageId(half.offset_msg_id));
  protocol::EndTransactionRequestHeader h;
  h.producer_group = group;
  h.tran_state_table_offset = half.queue_offset;
  h.commit_log_offset = id.commit_log_offset;
  h.commit_or_rollback = commit_or_rollback;
  h.from_transaction_check = false;
  h.msg_id = half.msg_id;
  if (!half.transaction_id.empty()) h.transaction_id = half.transaction_id;
  h.bname = half.queue.broker_name;
  return h;
}

protocol::EndTransactionRequestHeader EndTransactionAfterCheck(
    const std::string& group, const protocol::CheckTransactionStateRequestHeader& check,
    const std::string& uniq_key, int32_t commit_or_rollback) {
  protocol::EndTransactionRequestHeader h;
  h.producer_group = group;
  h.tran_state_table_offset = check.tran_state_table_offset;
  h.commit_log_offset = check.commit_log_offset;
  h.commit_or_rollback = commit_or_rollback;
  h.from_transaction_check = true;
  h.msg_id = uniq_key.empty() ? check.msg_id.value_or("") : uniq_key;
  h.transaction_id = check.transaction_id;
  return h;
}

}  // namespace orbit::client
