#pragma once

// JSON files kept on disk by the broker, the name server and the Java client (json-bodies.md §7),
// written pretty (TAB-indented, EncodePretty()) and read back with Decode(). The files are
// replaced via <name>.tmp and keep a <name>.bak copy; that file handling belongs to the store.
//
// ~/store/config/consumerOffset.json (also the GET_ALL_CONSUMER_OFFSET 43 body):
//   {"offsetTable":{"TopicTest@CG":{0:12,1:7}}}       topic@group -> queueId -> offset
// ~/store/config/delayOffset.json:
//   {"offsetTable":{1:5,3:0}}                          delay level -> offset
// ~/namesrv/kvConfig.json:
//   {"configTable":{"ORDER_TOPIC_CONFIG":{"TopicTest":"broker-a:4"}}}
// ~/.rocketmq_offsets/<clientId>/<group>/offsets.json (client, broadcasting):
//   {"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:42}}
// topics.json and subscriptionGroup.json are TopicConfigSerializeWrapper
// (bodies_register.h) and SubscriptionGroupWrapper (bodies_admin.h).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "protocol/bodies_common.h"

namespace orbit::protocol {

struct ConsumerOffsetSerializeWrapper {
  std::map<std::string, std::map<int32_t, int64_t>> offset_table;

  bool operator==(const ConsumerOffsetSerializeWrapper&) const = default;

  // ConsumerOffsetManager's table: new ConcurrentHashMap<>(512), 1024 buckets.
  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("offsetTable", s.offset_table, MapOrder{MapOrder::Kind::kJavaHash, 1024});
  }

  static Result<ConsumerOffsetSerializeWrapper> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
  std::string EncodePretty() const;
};

struct DelayOffsetSerializeWrapper {
  std::map<int32_t, int64_t> offset_table;

  bool operator==(const DelayOffsetSerializeWrapper&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("offsetTable", s.offset_table);
  }

  static Result<DelayOffsetSerializeWrapper> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
  std::string EncodePretty() const;
};

struct KVConfigSerializeWrapper {
  std::map<std::string, std::map<std::string, std::string>> config_table;

  bool operator==(const KVConfigSerializeWrapper&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("configTable", s.config_table, kHashMapOrder);
  }

  static Result<KVConfigSerializeWrapper> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
  std::string EncodePretty() const;
};

struct OffsetSerializeWrapper {
  std::map<MessageQueue, int64_t> offset_table;

  bool operator==(const OffsetSerializeWrapper&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("offsetTable", s.offset_table, kHashMapOrder);
  }

  static Result<OffsetSerializeWrapper> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
  std::string EncodePretty() const;
};

}  // namespace orbit::protocol
