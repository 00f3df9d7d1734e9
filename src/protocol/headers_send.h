#pragma once

// Typed custom headers of the send path (shared/protocol/headers.md §1, §8): SEND_MESSAGE (10),
// SEND_REPLY_MESSAGE (324), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320),
// SEND_REPLY_MESSAGE_V2 (325), their response header, and PUSH_REPLY_MESSAGE_TO_CLIENT (326).
// Decode/Encode contract: see protocol/headers.h.

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {

// SendMessageRequestHeader (codes 10, 324; also the meaning of a V2 header). Extends
// RpcRequestHeader: 4.9.5+ clients add bname.
struct SendMessageRequestHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;  // template for auto-creation, normally "TBW102"
  int32_t default_topic_queue_nums = 4;
  int32_t queue_id = 0;                   // negative: broker picks a writable queue
  int32_t sys_flag = 0;                   // message-format.md §4
  int64_t born_timestamp = 0;             // ms since epoch
  int32_t flag = 0;                       // Message.flag
  std::optional<std::string> properties;  // name\x01value\x02...
  std::optional<int32_t> reconsume_times;
  std::optional<bool> unit_mode = false;  // Java: boolean, default false
  std::optional<bool> batch = false;      // Java: boolean, default false
  std::optional<int32_t> max_reconsume_times;
  std::optional<std::string> bname;

  static Result<SendMessageRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const SendMessageRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("producerGroup", h.producer_group);
    v("topic", h.topic);
    v("defaultTopic", h.default_topic);
    v("defaultTopicQueueNums", h.default_topic_queue_nums);
    v("queueId", h.queue_id);
    v("sysFlag", h.sys_flag);
    v("bornTimestamp", h.born_timestamp);
    v("flag", h.flag);
    v("properties", h.properties);
    v("reconsumeTimes", h.reconsume_times);
    v("unitMode", h.unit_mode);
    v("batch", h.batch);
    v("maxReconsumeTimes", h.max_reconsume_times);
    v("bname", h.bname);
  }
};

// SendMessageRequestHeaderV2 (codes 310, 320, 325): the same fields under one-letter keys, named
// here as on the wire. Decode is a single pass over extFields (the hot path, like Java's
// FastCodesHeader); the other direction goes through VisitFields.
struct SendMessageRequestHeaderV2 {
  std::string a;                  // producerGroup
  std::string b;                  // topic
  std::string c;                  // defaultTopic
  int32_t d = 4;                  // defaultTopicQueueNums
  int32_t e = 0;                  // queueId
  int32_t f = 0;                  // sysFlag
  int64_t g = 0;                  // bornTimestamp
  int32_t h = 0;                  // flag
  std::optional<std::string> i;   // properties
  std::optional<int32_t> j;       // reconsumeTimes
  std::optional<bool> k = false;  // unitMode
  std::optional<int32_t> l;       // maxReconsumeTimes
  std::optional<bool> m = false;  // batch
  std::optional<std::string> n;   // bname (4.9.5+)

  static Result<SendMessageRequestHeaderV2> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const SendMessageRequestHeaderV2&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& s, V& v) {
    v("a", s.a);
    v("b", s.b);
    v("c", s.c);
    v("d", s.d);
    v("e", s.e);
    v("f", s.f);
    v("g", s.g);
    v("h", s.h);
    v("i", s.i);
    v("j", s.j);
    v("k", s.k);
    v("l", s.l);
    v("m", s.m);
    v("n", s.n);
  }
};

// Field-by-field conversions (the broker's V2 -> V1, the client's V1 -> V2). Lossless both ways;
// an absent optional stays absent.
SendMessageRequestHeader ToV1(const SendMessageRequestHeaderV2& v2);
SendMessageRequestHeader ToV1(SendMessageRequestHeaderV2&& v2);
SendMessageRequestHeaderV2 ToV2(const SendMessageRequestHeader& v1);
SendMessageRequestHeaderV2 ToV2(SendMessageRequestHeader&& v1);

// The send header of a request whatever its code: 10 and 324 carry the long names, 310, 320 and
// 325 the short ones (converted to V1). Any other code -> kInvalidArgument.
Result<SendMessageRequestHeader> DecodeSendMessageRequestHeader(const RemotingCommand& request);

// SendMessageResponseHeader. The broker adds MSG_REGION and TRACE_ON beside these keys; they are
// not fields of the header.
struct SendMessageResponseHeader {
  std::string msg_id;  // offset msgId; for a batch the ids joined with ','
  int32_t queue_id = 0;
  int64_t queue_offset = 0;  // consume-queue offset (first message of a batch)
  std::optional<std::string> transaction_id;

  static Result<SendMessageResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const SendMessageResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("msgId", h.msg_id);
    v("queueId", h.queue_id);
    v("queueOffset", h.queue_offset);
    v("transactionId", h.transaction_id);
  }
};

// ReplyMessageRequestHeader (PUSH_REPLY_MESSAGE_TO_CLIENT 326, broker -> requesting client). The
// body is the reply message body, compressed when sys_flag bit 0 is set.
struct ReplyMessageRequestHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;
  int32_t default_topic_queue_nums = 0;
  int32_t queue_id = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  int32_t flag = 0;
  std::optional<std::string> properties;
  std::optional<int32_t> reconsume_times;
  std::optional<bool> unit_mode = false;
  std::string born_host;   // ip:port of the replier
  std::string store_host;  // ip:port of the broker
  int64_t store_timestamp = 0;

  static Result<ReplyMessageRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const ReplyMessageRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("producerGroup", h.producer_group);
    v("topic", h.topic);
    v("defaultTopic", h.default_topic);
    v("defaultTopicQueueNums", h.default_topic_queue_nums);
    v("queueId", h.queue_id);
    v("sysFlag", h.sys_flag);
    v("bornTimestamp", h.born_timestamp);
    v("flag", h.flag);
    v("properties", h.properties);
    v("reconsumeTimes", h.reconsume_times);
    v("unitMode", h.unit_mode);
    v("bornHost", h.born_host);
    v("storeHost", h.store_host);
    v("storeTimestamp", h.store_timestamp);
  }
};

}  // namespace orbit::protocol
