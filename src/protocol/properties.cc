#include "protocol/properties.h"

#include <algorithm>
#include <iterator>

#include "protocol/internal/headers_codec.h"

namespace orbit::protocol {
namespace {

constexpr std::string_view kReservedKeys[] = {
    kPropertyKeys,
    kPropertyTags,
    kPropertyWaitStoreMsgOk,
    kPropertyDelayTimeLevel,
    kPropertyRetryTopic,
    kPropertyRealTopic,
    kPropertyRealQueueId,
    kPropertyTransactionPrepared,
    kPropertyProducerGroup,
    kPropertyMinOffset,
    kPropertyMaxOffset,
    kPropertyBuyerId,
    kPropertyOriginMessageId,
    kPropertyTransferFlag,
    kPropertyCorrectionFlag,
    kPropertyMq2Flag,
    kPropertyReconsumeTime,
    kPropertyMsgRegion,
    kPropertyTraceSwitch,
    kPropertyUniqClientMessageIdKeyidx,
    kPropertyMaxReconsumeTimes,
    kPropertyConsumeStartTimestamp,
    kPropertyInstanceId,
    kPropertyCorrelationId,
    kPropertyMessageReplyToClient,
    kPropertyMessageTtl,
    kPropertyReplyMessageArriveTime,
    kPropertyPushReplyTime,
    kPropertyCluster,
    kPropertyMessageType,
    kPropertyInnerMultiQueueOffset,
};
// Not reserved: TRAN_PREPARED_QUEUE_OFFSET, TRANSACTION_CHECK_TIMES,
// CHECK_IMMUNITY_TIME_IN_SECONDS, INNER_MULTI_DISPATCH and the "__" user properties.

bool HasSeparator(std::string_view s) {
  return s.find(kNameValueSeparator) != std::string_view::npos ||
         s.find(kPropertySeparator) != std::string_view::npos;
}

}  // namespace

bool IsReservedPropertyKey(std::string_view name) {
  return std::find(std::begin(kReservedKeys), std::end(kReservedKeys), name) !=
         std::end(kReservedKeys);
}

MessageProperties::MessageProperties(std::initializer_list<value_type> items) {
  for (const auto& [name, value] : items) Set(name, value);
}

void MessageProperties::Set(std::string_view name, std::string_view value) {
  for (auto& item : items_) {
    if (item.first == name) {
      item.second.assign(value);
      return;
    }
  }
  items_.emplace_back(std::string(name), std::string(value));
}

const std::string* MessageProperties::Find(std::string_view name) const {
  for (const auto& item : items_) {
    if (item.first == name) return &item.second;
  }
  return nullptr;
}

std::string_view MessageProperties::Get(std::string_view name) const {
  const std::string* v = Find(name);
  return v ? std::string_view(*v) : std::string_view();
}

bool MessageProperties::Erase(std::string_view name) {
  auto it = std::find_if(items_.begin(), items_.end(),
                         [&](const value_type& item) { return item.first == name; });
  if (it == items_.end()) return false;
  items_.erase(it);
  return true;
}

size_t EncodedPropertiesSize(const MessageProperties& props) {
  size_t n = 0;
  for (const auto& [name, value] : props) n += name.size() + value.size() + 2;
  return n == 0 ? 0 : n - 1;  // no trailing separator
}

void AppendProperties(const MessageProperties& props, std::string* out) {
  bool first = true;
  for (const auto& [name, value] : props) {
    if (!first) out->push_back(kPropertySeparator);
    first = false;
    out->append(name);
    out->push_back(kNameValueSeparator);
    out->append(value);
  }
}

std::string EncodeProperties(const MessageProperties& props) {
  std::string out;
  out.reserve(EncodedPropertiesSize(props));
  AppendProperties(props, &out);
  return out;
}

MessageProperties DecodeProperties(std::string_view encoded) {
  MessageProperties props;
  ForEachProperty(
      encoded, [&props](std::string_view name, std::string_view value) { props.Set(name, value); });
  return props;
}

Status CheckProperties(const MessageProperties& props) {
  for (const auto& [name, value] : props) {
    if (name.empty() || value.empty()) {
      return InvalidArgument("property '" + name + "' has an empty name or value");
    }
    if (HasSeparator(name) || HasSeparator(value)) {
      return InvalidArgument("property '" + name + "' contains a 0x01/0x02 separator");
    }
  }
  return Status::Ok();
}

std::vector<std::string_view> SplitKeys(std::string_view keys) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= keys.size()) {
    size_t end = keys.find(kKeySeparator, pos);
    if (end == std::string_view::npos) end = keys.size();
    if (end > pos) out.push_back(keys.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool IsJavaTrue(std::string_view value) { return headers_internal::ParseJavaBoolean(value); }

}  // namespace orbit::protocol
