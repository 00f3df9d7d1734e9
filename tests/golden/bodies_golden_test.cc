// Every JSON body captured from Apache RocketMQ 4.9.8 (and ali-ons) decodes into its typed body.
// Where Java's output is deterministic for Orbit too (sorted route data, one-broker cluster info,
// lists kept in order, the topic table in ConcurrentHashMap order) the re-encoded body equals the
// captured bytes; elsewhere (HashMap order with colliding keys) the decoded structures survive a
// round trip.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "golden/golden.h"
#include "protocol/bodies.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {
namespace {

using orbit::testing::GoldenFrame;

constexpr int32_t kHeartBeat = 34;
constexpr int32_t kGetConsumerListByGroup = 38;
constexpr int32_t kLockBatchMq = 41;
constexpr int32_t kUnlockBatchMq = 42;
constexpr int32_t kGetBrokerRuntimeInfo = 28;
constexpr int32_t kRegisterBroker = 103;
constexpr int32_t kGetRouteInfoByTopic = 105;
constexpr int32_t kGetBrokerClusterInfo = 106;
constexpr int32_t kGetAllTopicListFromNameserver = 206;
constexpr int32_t kGetConsumeStats = 208;

struct CapturedBody {
  GoldenFrame frame;
  RemotingCommand cmd;
};

// The command code a frame is about: its own for requests, the request's for responses.
int32_t TopicCode(const GoldenFrame& g) { return g.is_response ? g.request_code : g.code; }

// Frames with a body for (code, is_response); error responses are left out.
std::vector<CapturedBody> Bodies(int32_t code, bool is_response) {
  std::vector<CapturedBody> out;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    if (TopicCode(g) != code || g.is_response != is_response) continue;
    auto cmd = DecodeFramePayload(std::string_view(g.bytes).substr(4));
    EXPECT_TRUE(cmd.ok()) << g.Name();
    if (!cmd.ok() || cmd->body.empty() || (is_response && cmd->code != 0)) continue;
    out.push_back(CapturedBody{g, std::move(cmd).value()});
  }
  return out;
}

// The request a response answers: the closest earlier request of the same capture, code and
// opaque.
std::optional<RemotingCommand> RequestOf(const GoldenFrame& response) {
  std::optional<RemotingCommand> found;
  for (const GoldenFrame& g : orbit::testing::LoadGoldenFile(response.file)) {
    if (g.index >= response.index) break;
    if (g.is_response || g.code != response.request_code || g.opaque != response.opaque) continue;
    auto cmd = DecodeFramePayload(std::string_view(g.bytes).substr(4));
    if (cmd.ok()) found = std::move(cmd).value();
  }
  return found;
}

template <typename T>
T MustDecode(const CapturedBody& b) {
  auto r = T::Decode(b.cmd.body);
  EXPECT_TRUE(r.ok()) << b.frame.Name() << ": " << r.status().ToString();
  return r.ok() ? std::move(r).value() : T{};
}

// Decode, then Encode gives the captured bytes back.
template <typename T>
int ExpectByteExact(const std::vector<CapturedBody>& bodies) {
  int checked = 0;
  for (const CapturedBody& b : bodies) {
    SCOPED_TRACE(b.frame.Name());
    T value = MustDecode<T>(b);
    EXPECT_EQ(value.Encode(), b.cmd.body);
    ++checked;
  }
  return checked;
}

TEST(BodiesGoldenTest, HeartbeatsFromJavaReencodeExactly) {
  int java = 0;
  int ali_ons = 0;
  int subscriptions = 0;
  for (const CapturedBody& b : Bodies(kHeartBeat, false)) {
    SCOPED_TRACE(b.frame.Name());
    HeartbeatData hb = MustDecode<HeartbeatData>(b);
    EXPECT_NE(hb.client_id, "");
    EXPECT_FALSE(hb.producer_data_set.empty());
    for (const ConsumerData& cd : hb.consumer_data_set) {
      EXPECT_TRUE(cd.consume_type.has_value());
      EXPECT_EQ(cd.message_model, MessageModel::kClustering);
      for (const SubscriptionData& sd : cd.subscription_data_set) {
        ASSERT_EQ(sd.tags_set.size(), sd.code_set.size());
        for (size_t i = 0; i < sd.tags_set.size(); ++i) {
          EXPECT_EQ(JavaStringHash(sd.tags_set[i]), sd.code_set[i]);
        }
        EXPECT_EQ(sd.expression_type, "TAG");
        ++subscriptions;
      }
    }
    if (b.frame.version == 409) {
      EXPECT_EQ(hb.Encode(), b.cmd.body);  // Java: sorted members, sets in the sent order
      ++java;
    } else {
      EXPECT_EQ(HeartbeatData::Decode(hb.Encode()).value(), hb);  // ali-ons: own member order
      ++ali_ons;
    }
  }
  EXPECT_GE(java, 17);
  EXPECT_GE(ali_ons, 2);
  EXPECT_GE(subscriptions, 15);
}

TEST(BodiesGoldenTest, RegisterBrokerBodiesReencodeExactly) {
  auto bodies = Bodies(kRegisterBroker, false);
  ASSERT_GE(bodies.size(), 3u);
  for (const CapturedBody& b : bodies) {
    SCOPED_TRACE(b.frame.Name());
    const std::string* compressed = b.cmd.ext_fields.Find("compressed");
    ASSERT_TRUE(compressed == nullptr || *compressed == "false");
    RegisterBrokerBody body = MustDecode<RegisterBrokerBody>(b);
    const auto& table = body.topic_config_serialize_wrapper.topic_config_table;
    EXPECT_GE(table.size(), 20u);
    EXPECT_GT(body.topic_config_serialize_wrapper.data_version.counter, 0);
    EXPECT_GT(body.topic_config_serialize_wrapper.data_version.timestamp, 1700000000000);
    // Each TopicConfig and the DataVersion alone also encode as Java wrote them.
    for (const auto& [name, config] : table) {
      EXPECT_EQ(name, config.topic_name);
      EXPECT_NE(b.cmd.body.find("\"" + name + "\":" + config.Encode()), std::string::npos) << name;
    }
    EXPECT_NE(b.cmd.body.find("{\"dataVersion\":" +
                              body.topic_config_serialize_wrapper.data_version.Encode() + ","),
              std::string::npos);
    EXPECT_EQ(table.at("TBW102").perm, 7);
    EXPECT_EQ(table.at("SCHEDULE_TOPIC_XXXX").read_queue_nums, 18);
    // ConcurrentHashMap(1024) order, reproduced.
    EXPECT_EQ(body.Encode(), b.cmd.body);
    // The compressed form carries the same content (no topic here has a sysFlag or order).
    auto packed = body.EncodeCompressed();
    ASSERT_TRUE(packed.ok());
    EXPECT_LT(packed->size(), b.cmd.body.size() / 4);
    EXPECT_EQ(RegisterBrokerBody::DecodeCompressed(*packed).value(), body);
  }
}

TEST(BodiesGoldenTest, RouteDataInBothStylesReencodesExactly) {
  int standard = 0;
  int fastjson = 0;
  for (const CapturedBody& b : Bodies(kGetRouteInfoByTopic, true)) {
    SCOPED_TRACE(b.frame.Name());
    TopicRouteData route = MustDecode<TopicRouteData>(b);
    ASSERT_EQ(route.broker_datas.size(), 1u);
    EXPECT_EQ(route.broker_datas[0].broker_addrs.at(kMasterBrokerId), "127.0.0.1:10911");
    ASSERT_EQ(route.queue_datas.size(), 1u);
    EXPECT_EQ(route.queue_datas[0].broker_name, "broker-a");
    EXPECT_TRUE(route.order_topic_conf.empty());
    // The name server chose the style from the request; Orbit's choice agrees.
    auto request = RequestOf(b.frame);
    ASSERT_TRUE(request.has_value());
    const std::string* flag = request->ext_fields.Find("acceptStandardJsonOnly");
    JsonStyle style = RouteJsonStyle(request->version, flag != nullptr && *flag == "true");
    EXPECT_EQ(route.Encode(style), b.cmd.body);
    (style == JsonStyle::kStandard ? standard : fastjson)++;
  }
  EXPECT_GE(standard, 55);
  EXPECT_GE(fastjson, 5);  // ali-ons (version 121)
}

TEST(BodiesGoldenTest, ClusterInfoReencodesExactly) {
  auto bodies = Bodies(kGetBrokerClusterInfo, true);
  EXPECT_EQ(ExpectByteExact<ClusterInfo>(bodies), 3);
  for (const CapturedBody& b : bodies) {
    ClusterInfo info = MustDecode<ClusterInfo>(b);
    EXPECT_EQ(info.cluster_addr_table.at("DefaultCluster"), std::vector<std::string>{"broker-a"});
    EXPECT_EQ(info.broker_addr_table.at("broker-a").broker_addrs.at(0), "127.0.0.1:10911");
  }
}

TEST(BodiesGoldenTest, ListsReencodeExactly) {
  auto topics = Bodies(kGetAllTopicListFromNameserver, true);
  EXPECT_EQ(ExpectByteExact<TopicList>(topics), 1);
  EXPECT_EQ(MustDecode<TopicList>(topics.at(0)).topic_list.size(), 31u);
  EXPECT_GE(
      ExpectByteExact<GetConsumerListByGroupResponseBody>(Bodies(kGetConsumerListByGroup, true)),
      17);
  EXPECT_EQ(ExpectByteExact<LockBatchRequestBody>(Bodies(kLockBatchMq, false)), 3);
  EXPECT_EQ(ExpectByteExact<LockBatchResponseBody>(Bodies(kLockBatchMq, true)), 3);
  auto unlock = Bodies(kUnlockBatchMq, false);
  EXPECT_EQ(ExpectByteExact<UnlockBatchRequestBody>(unlock), 1);
  EXPECT_EQ(MustDecode<UnlockBatchRequestBody>(unlock.at(0)).mq_set.size(), 3u);
}

TEST(BodiesGoldenTest, BrokerRuntimeInfoTable) {
  auto bodies = Bodies(kGetBrokerRuntimeInfo, true);
  ASSERT_EQ(bodies.size(), 1u);
  KVTable kv = MustDecode<KVTable>(bodies[0]);
  EXPECT_GE(kv.table.size(), 45u);
  EXPECT_EQ(kv.table.at("brokerVersion"), "409");
  EXPECT_EQ(kv.table.at("brokerVersionDesc"), "V4_9_8");
  EXPECT_EQ(kv.table.at("commitLogDirCapacity"), "Total : 252.0 GiB, Free : 75.1 GiB.");
  for (std::string key : {"putTps", "getTransferedTps", "sendThreadPoolQueueSize",
                          "pullThreadPoolQueueSize", "earliestMessageTimeStamp",
                          "commitLogDiskRatio", "msgPutTotalTodayNow", "msgGetTotalTodayNow"}) {
    EXPECT_EQ(kv.table.count(key), 1u) << key;
  }
  std::string again = kv.Encode();
  EXPECT_EQ(again.size(), bodies[0].cmd.body.size());  // same entries, HashMap order aside
  EXPECT_EQ(KVTable::Decode(again).value(), kv);
}

TEST(BodiesGoldenTest, ConsumeStatsWithBeanKeys) {
  auto bodies = Bodies(kGetConsumeStats, true);
  ASSERT_EQ(bodies.size(), 1u);
  ConsumeStats stats = MustDecode<ConsumeStats>(bodies[0]);
  ASSERT_EQ(stats.offset_table.size(), 2u);
  const OffsetWrapper& retry =
      stats.offset_table.at(MessageQueue{"%RETRY%GID_golden_retry", "broker-a", 0});
  EXPECT_EQ(retry.broker_offset, 1);
  EXPECT_EQ(retry.consumer_offset, 1);
  EXPECT_EQ(retry.last_timestamp, 1795268435796);
  EXPECT_EQ(stats.offset_table.at(MessageQueue{"GoldenRetry", "broker-a", 0}).last_timestamp,
            1795268425397);
  EXPECT_DOUBLE_EQ(stats.consume_tps, 0.05333444448148272);
  std::string again = stats.Encode();
  EXPECT_NE(again.find(R"("consumeTps":0.05333444448148272,)"), std::string::npos) << again;
  EXPECT_EQ(again.size(), bodies[0].cmd.body.size());
  EXPECT_EQ(ConsumeStats::Decode(again).value(), stats);
}

// Every JSON body in the captures has a typed decoder and decodes.
TEST(BodiesGoldenTest, EveryJsonBodyDecodes) {
  using Decoder = std::function<Status(const std::string&)>;
  auto with = [](auto decode) -> Decoder {
    return [decode](const std::string& body) { return decode(body).status(); };
  };
  const std::map<std::pair<int32_t, bool>, Decoder> decoders = {
      {{kHeartBeat, false}, with(HeartbeatData::Decode)},
      {{kGetConsumerListByGroup, true}, with(GetConsumerListByGroupResponseBody::Decode)},
      {{kLockBatchMq, false}, with(LockBatchRequestBody::Decode)},
      {{kLockBatchMq, true}, with(LockBatchResponseBody::Decode)},
      {{kUnlockBatchMq, false}, with(UnlockBatchRequestBody::Decode)},
      {{kGetBrokerRuntimeInfo, true}, with(KVTable::Decode)},
      {{kRegisterBroker, false}, with(RegisterBrokerBody::Decode)},
      {{kGetRouteInfoByTopic, true}, with(TopicRouteData::Decode)},
      {{kGetBrokerClusterInfo, true}, with(ClusterInfo::Decode)},
      {{kGetAllTopicListFromNameserver, true}, with(TopicList::Decode)},
      {{kGetConsumeStats, true}, with(ConsumeStats::Decode)},
  };
  int decoded = 0;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    auto cmd = DecodeFramePayload(std::string_view(g.bytes).substr(4));
    ASSERT_TRUE(cmd.ok());
    if (cmd->body.empty() || cmd->body[0] != '{') continue;
    SCOPED_TRACE(g.Name());
    auto it = decoders.find({TopicCode(g), g.is_response});
    ASSERT_NE(it, decoders.end()) << "no typed body for code " << TopicCode(g);
    Status s = it->second(cmd->body);
    EXPECT_TRUE(s.ok()) << s.ToString();
    ++decoded;
  }
  EXPECT_GE(decoded, 115);
}

}  // namespace
}  // namespace orbit::protocol
