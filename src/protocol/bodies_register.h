#pragma once

// Broker registration bodies (json-bodies.md §4, nameserver.md §3, §6).
//
// TopicConfig:
//   {"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",
//    "topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}
// TopicConfigSerializeWrapper (GET_ALL_TOPIC_CONFIG body; topics.json on disk, pretty):
//   {"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{..}}}
// RegisterBrokerBody (REGISTER_BROKER, 103), uncompressed:
//   {"filterServerList":[],"topicConfigSerializeWrapper":{...}}
// RegisterBrokerBody, compressed (header compressed=true): one zlib stream (RFC 1950, written at
// level 9 as Java's Deflater(BEST_COMPRESSION)) of
//   int32 BE dataVersionLen | DataVersion JSON
//   int32 BE topicCount     | topicCount x (int32 BE len | "name read write perm filterType")
//   int32 BE filterServerListJsonLen | filter server list JSON (e.g. [])
// The text form drops topicSysFlag and order (read back as 0 / false). Data after the filter
// server list (5.x appends static-topic mappings) is ignored; bytes after the end of the zlib
// stream are rejected.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/bodies_common.h"

namespace orbit::protocol {

// PermName bits.
inline constexpr int32_t kPermPriority = 8;
inline constexpr int32_t kPermRead = 4;
inline constexpr int32_t kPermWrite = 2;
inline constexpr int32_t kPermInherit = 1;
inline bool IsReadable(int32_t perm) { return (perm & kPermRead) != 0; }
inline bool IsWriteable(int32_t perm) { return (perm & kPermWrite) != 0; }
inline bool IsInherited(int32_t perm) { return (perm & kPermInherit) != 0; }
// PermName.perm2String: "RW-", "RWX", "-W-", ...
std::string PermToString(int32_t perm);

// TopicSysFlag bits.
inline constexpr int32_t kTopicSysFlagUnit = 1;
inline constexpr int32_t kTopicSysFlagUnitSub = 2;

enum class TopicFilterType : uint8_t { kSingleTag, kMultiTag };
template <>
struct JavaEnumTraits<TopicFilterType> {
  static constexpr std::string_view kNames[] = {"SINGLE_TAG", "MULTI_TAG"};
};

// Defaults are those of `new TopicConfig()`.
struct TopicConfig {
  std::string topic_name;
  int32_t read_queue_nums = 16;
  int32_t write_queue_nums = 16;
  int32_t perm = kPermRead | kPermWrite;
  TopicFilterType topic_filter_type = TopicFilterType::kSingleTag;
  int32_t topic_sys_flag = 0;
  bool order = false;

  bool operator==(const TopicConfig&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("order", s.order);
    v("perm", s.perm);
    v("readQueueNums", s.read_queue_nums);
    v("topicFilterType", s.topic_filter_type);
    v("topicName", s.topic_name);
    v("topicSysFlag", s.topic_sys_flag);
    v("writeQueueNums", s.write_queue_nums);
  }

  static Result<TopicConfig> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct TopicConfigSerializeWrapper {
  std::map<std::string, TopicConfig> topic_config_table;
  DataVersion data_version;

  bool operator==(const TopicConfigSerializeWrapper&) const = default;

  // TopicConfigManager's table: new ConcurrentHashMap<>(1024), 2048 buckets.
  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("dataVersion", s.data_version);
    v("topicConfigTable", s.topic_config_table, MapOrder{MapOrder::Kind::kJavaHash, 2048});
  }

  static Result<TopicConfigSerializeWrapper> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
  // topics.json as the broker writes it (TAB-indented).
  std::string EncodePretty() const;
};

// Inflated size above which a compressed registration is refused.
inline constexpr size_t kMaxRegisterBodyInflatedSize = size_t{32} << 20;

struct RegisterBrokerBody {
  TopicConfigSerializeWrapper topic_config_serialize_wrapper;
  std::vector<std::string> filter_server_list;

  bool operator==(const RegisterBrokerBody&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("filterServerList", s.filter_server_list);
    v("topicConfigSerializeWrapper", s.topic_config_serialize_wrapper);
  }

  static Result<RegisterBrokerBody> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;

  // The compressed form. Fails (kMalformed) on a corrupt or truncated zlib stream, trailing
  // bytes, inconsistent lengths, a bad topic line, or more than max_inflated bytes of output.
  static Result<RegisterBrokerBody> DecodeCompressed(
      std::string_view data, size_t max_inflated = kMaxRegisterBodyInflatedSize);
  Result<std::string> EncodeCompressed() const;
};

}  // namespace orbit::protocol
