#pragma once

// Message properties and their string form (`MessageDecoder.messageProperties2String` /
// `string2messageProperties`), used in the stored record, in batch bodies and in the send
// header (`properties` / V2 `i`).
//
//   name 0x01 value 0x02 name 0x01 value 0x02 ... name 0x01 value      (no trailing 0x02)
//
// An empty map is the empty string. Decoding splits on 0x02; a piece is kept only when it has
// at least 3 bytes and its first 0x01 is neither its first nor its last byte, so pieces with
// an empty name or value, or without 0x01, are silently dropped. A repeated name keeps the
// last value (Java puts into a HashMap). UTF-8 throughout; the separators are ASCII so byte
// and UTF-16 positions agree for these rules.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace orbit::protocol {

inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';
// KEYS holds several keys joined by this.
inline constexpr char kKeySeparator = ' ';

// Property names (MessageConst, 4.9.8). "Reserved" ones are refused as user properties.
inline constexpr std::string_view kPropertyKeys = "KEYS";
inline constexpr std::string_view kPropertyTags = "TAGS";
inline constexpr std::string_view kPropertyWaitStoreMsgOk = "WAIT";
inline constexpr std::string_view kPropertyDelayTimeLevel = "DELAY";
inline constexpr std::string_view kPropertyRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kPropertyRealTopic = "REAL_TOPIC";
inline constexpr std::string_view kPropertyRealQueueId = "REAL_QID";
inline constexpr std::string_view kPropertyTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kPropertyProducerGroup = "PGROUP";
inline constexpr std::string_view kPropertyMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kPropertyMaxOffset = "MAX_OFFSET";
inline constexpr std::string_view kPropertyBuyerId = "BUYER_ID";
inline constexpr std::string_view kPropertyOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kPropertyTransferFlag = "TRANSFER_FLAG";
inline constexpr std::string_view kPropertyCorrectionFlag = "CORRECTION_FLAG";
inline constexpr std::string_view kPropertyMq2Flag = "MQ2_FLAG";
inline constexpr std::string_view kPropertyReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kPropertyMsgRegion = "MSG_REGION";
inline constexpr std::string_view kPropertyTraceSwitch = "TRACE_ON";
inline constexpr std::string_view kPropertyUniqClientMessageIdKeyidx = "UNIQ_KEY";
inline constexpr std::string_view kPropertyUniqKey = kPropertyUniqClientMessageIdKeyidx;
inline constexpr std::string_view kPropertyMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kPropertyConsumeStartTimestamp = "CONSUME_START_TIME";
inline constexpr std::string_view kPropertyTransactionPreparedQueueOffset =
    "TRAN_PREPARED_QUEUE_OFFSET";
inline constexpr std::string_view kPropertyTransactionCheckTimes = "TRANSACTION_CHECK_TIMES";
inline constexpr std::string_view kPropertyCheckImmunityTimeInSeconds =
    "CHECK_IMMUNITY_TIME_IN_SECONDS";
inline constexpr std::string_view kPropertyInstanceId = "INSTANCE_ID";
inline constexpr std::string_view kPropertyCorrelationId = "CORRELATION_ID";
inline constexpr std::string_view kPropertyMessageReplyToClient = "REPLY_TO_CLIENT";
inline constexpr std::string_view kPropertyMessageTtl = "TTL";
inline constexpr std::string_view kPropertyReplyMessageArriveTime = "ARRIVE_TIME";
inline constexpr std::string_view kPropertyPushReplyTime = "PUSH_REPLY_TIME";
inline constexpr std::string_view kPropertyCluster = "CLUSTER";
inline constexpr std::string_view kPropertyMessageType = "MSG_TYPE";
inline constexpr std::string_view kPropertyInnerMultiDispatch = "INNER_MULTI_DISPATCH";
inline constexpr std::string_view kPropertyInnerMultiQueueOffset = "INNER_MULTI_QUEUE_OFFSET";
// User property the 4.9 producer adds when the broker returned a transactionId.
inline constexpr std::string_view kPropertyTransactionId = "__transactionId__";
inline constexpr std::string_view kPropertyStartDeliverTime = "__STARTDELIVERTIME";

// Whether `name` is in MessageConst.STRING_HASH_SET (not allowed as a user property).
bool IsReservedPropertyKey(std::string_view name);

// An ordered list of (name, value). Insertion order is kept so that a decoded string
// re-encodes byte for byte; names are unique when built through Set or DecodeProperties.
class MessageProperties {
 public:
  using value_type = std::pair<std::string, std::string>;

  MessageProperties() = default;
  MessageProperties(std::initializer_list<value_type> items);

  // Replaces the value of an existing name in place, else appends.
  void Set(std::string_view name, std::string_view value);
  const std::string* Find(std::string_view name) const;
  // The value, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Contains(std::string_view name) const { return Find(name) != nullptr; }
  bool Erase(std::string_view name);

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  void clear() { items_.clear(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  bool operator==(const MessageProperties& o) const { return items_ == o.items_; }

 private:
  std::vector<value_type> items_;
};

// The string form, in container order. Names and values are written verbatim: a name or value
// holding 0x01/0x02, or an empty one, does not survive decoding (see CheckProperties).
std::string EncodeProperties(const MessageProperties& props);

// A property's value read as Java's Boolean.parseBoolean does (TRAN_MSG, WAIT, ...): true only
// for "true" in any case.
bool IsJavaTrue(std::string_view value);
void AppendProperties(const MessageProperties& props, std::string* out);
// Byte size of EncodeProperties(props) without building it.
size_t EncodedPropertiesSize(const MessageProperties& props);

// Parses the string form with the Java rules above. Never fails.
MessageProperties DecodeProperties(std::string_view encoded);

// Calls fn(name, value) for each pair of an encoded property string that DecodeProperties
// keeps, in order (a later pair with the same name replaces an earlier one there).
template <typename F>
void ForEachProperty(std::string_view encoded, F&& fn) {
  size_t index = 0;
  while (index < encoded.size()) {
    size_t end = encoded.find(kPropertySeparator, index);
    if (end == std::string_view::npos) end = encoded.size();
    std::string_view piece = encoded.substr(index, end - index);
    size_t sep = piece.find(kNameValueSeparator);
    if (piece.size() >= 3 && sep != std::string_view::npos && sep > 0 && sep < piece.size() - 1) {
      fn(piece.substr(0, sep), piece.substr(sep + 1));
    }
    index = end + 1;
  }
}

// InvalidArgument when an entry would not survive a round trip: an empty name or value, or a
// separator byte (0x01, 0x02) inside one.
Status CheckProperties(const MessageProperties& props);

// The space-separated tokens of a KEYS value (empty tokens skipped).
std::vector<std::string_view> SplitKeys(std::string_view keys);

}  // namespace orbit::protocol
