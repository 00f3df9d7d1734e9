// The admin client's requests against the frames Apache RocketMQ 4.9.8's mqadmin sent
// (tests/data/golden 14-16: updateTopic, topicList, clusterList + consumerProgress), header field
// for field, signed as mqadmin signs them with the stock conf/tools.yml keys; and the name
// server's and broker's answers of those captures through the admin client's decoders.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "client/admin_request.h"
#include "golden/golden.h"
#include "orbit/client_config.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/remoting_command.h"

namespace orbit::client {
namespace {

using orbit::testing::GoldenFrame;
using protocol::RemotingCommand;
using protocol::RequestCode;
using KeyValues = std::map<std::string, std::string>;

// The first request with `code` in a capture (whose ext field `topic`, when given, matches).
GoldenFrame FirstRequest(const std::string& file, int32_t code, const std::string& topic = "") {
  for (const GoldenFrame& f : orbit::testing::LoadGoldenFile(file)) {
    if (f.is_response || f.code != code) continue;
    if (!topic.empty() && (!f.ext.contains("topic") || f.ext.at("topic") != topic)) continue;
    return f;
  }
  ADD_FAILURE() << file << ": no request " << code;
  return GoldenFrame{};
}

GoldenFrame ResponseTo(const std::string& file, int32_t request_code) {
  for (const GoldenFrame& f : orbit::testing::LoadGoldenFile(file)) {
    if (f.is_response && f.request_code == request_code) return f;
  }
  ADD_FAILURE() << file << ": no response to " << request_code;
  return GoldenFrame{};
}

// The captured request as decoded from its bytes (the FRAME line spells some values its own
// way).
RemotingCommand Decoded(const GoldenFrame& g) {
  auto cmd = protocol::DecodeFramePayload(std::string_view(g.bytes).substr(4));
  EXPECT_TRUE(cmd.ok()) << g.Name();
  return cmd.ok() ? *cmd : RemotingCommand{};
}

KeyValues Fields(const RemotingCommand& cmd) {
  return KeyValues(cmd.ext_fields.begin(), cmd.ext_fields.end());
}

// The capture's fields without mqadmin's ACL fields.
KeyValues UnsignedFields(const GoldenFrame& g) {
  KeyValues out = Fields(Decoded(g));
  out.erase("AccessKey");
  out.erase("Signature");
  return out;
}

// Our request as mqadmin's tools.yml (accessKey rocketmq2, secretKey 12345678) signs it.
std::string SignatureOf(const RemotingCommand& mine) {
  KeyValues fields = Fields(mine);
  RpcView view{mine.code, fields, mine.body};
  MakeAclRpcHook("rocketmq2", "12345678")->BeforeRequest("127.0.0.1:9876", view);
  return fields["Signature"];
}

// Code, what we announce, every field, and the signature mqadmin put on the same request.
void ExpectSameRequest(const RemotingCommand& mine, const GoldenFrame& g) {
  SCOPED_TRACE(g.Name());
  EXPECT_EQ(mine.code, g.code);
  EXPECT_EQ(mine.version, g.version);  // 409 = V4_9_8 like mqadmin; language stays CPP
  EXPECT_EQ(mine.language, protocol::LanguageCode::kCpp);
  EXPECT_FALSE(mine.is_response());
  EXPECT_EQ(Fields(mine), UnsignedFields(g));
  EXPECT_EQ(mine.body, g.body());
  EXPECT_EQ(SignatureOf(mine), Fields(Decoded(g)).at("Signature"));
}

TEST(AdminRequestGoldenTest, ClusterInfo) {
  for (const char* file : {"14_mqadmin_updateTopic", "16_mqadmin_clusterList_consumerProgress"}) {
    ExpectSameRequest(BuildClusterInfoRequest(),
                      FirstRequest(file, RequestCode::kGetBrokerClusterInfo));
  }
}

TEST(AdminRequestGoldenTest, UpdateTopic) {
  GoldenFrame g = FirstRequest("14_mqadmin_updateTopic", RequestCode::kUpdateAndCreateTopic);
  // mqadmin updateTopic -t GoldenAdminTopic -r 2 -w 2; everything else its defaults.
  TopicSettings settings;
  settings.topic = "GoldenAdminTopic";
  settings.read_queue_nums = 2;
  settings.write_queue_nums = 2;
  ExpectSameRequest(BuildCreateTopicRequest(settings), g);
}

TEST(AdminRequestGoldenTest, TopicList) {
  ExpectSameRequest(
      BuildTopicListRequest(),
      FirstRequest("15_mqadmin_topicList", RequestCode::kGetAllTopicListFromNameserver));
}

TEST(AdminRequestGoldenTest, Routes) {
  ExpectSameRequest(BuildRouteRequest("TBW102"),
                    FirstRequest("14_mqadmin_updateTopic", RequestCode::kGetRouteinfoByTopic));
  const std::string retry = "%RETRY%GID_golden_retry";
  ExpectSameRequest(BuildRouteRequest(retry),
                    FirstRequest("16_mqadmin_clusterList_consumerProgress",
                                 RequestCode::kGetRouteinfoByTopic, retry));
}

TEST(AdminRequestGoldenTest, BrokerRuntimeInfo) {
  ExpectSameRequest(
      BuildRuntimeInfoRequest(),
      FirstRequest("16_mqadmin_clusterList_consumerProgress", RequestCode::kGetBrokerRuntimeInfo));
}

TEST(AdminRequestGoldenTest, ConsumeStats) {
  ExpectSameRequest(
      BuildConsumeStatsRequest("GID_golden_retry"),
      FirstRequest("16_mqadmin_clusterList_consumerProgress", RequestCode::kGetConsumeStats));
  // With a topic the header carries it too (not in the captures).
  RemotingCommand with_topic = BuildConsumeStatsRequest("G", "T");
  EXPECT_EQ(Fields(with_topic), (KeyValues{{"consumerGroup", "G"}, {"topic", "T"}}));
}

TEST(AdminRequestGoldenTest, DecodesClusterInfo) {
  GoldenFrame g = ResponseTo("14_mqadmin_updateTopic", RequestCode::kGetBrokerClusterInfo);
  auto info = DecodeClusterInfo(g.body());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_TRUE(info->brokers.contains("broker-a"));
  const BrokerAddrs& broker = info->brokers.at("broker-a");
  EXPECT_EQ(broker.cluster, "DefaultCluster");
  EXPECT_EQ(broker.broker_name, "broker-a");
  EXPECT_EQ(broker.SelectAddr(), "127.0.0.1:10911");
  EXPECT_EQ(info->clusters.at("DefaultCluster"), std::set<std::string>{"broker-a"});
}

TEST(AdminRequestGoldenTest, DecodesRoute) {
  GoldenFrame g = ResponseTo("14_mqadmin_updateTopic", RequestCode::kGetRouteinfoByTopic);
  auto route = DecodeTopicRoute(g.body());
  ASSERT_TRUE(route.ok()) << route.status().ToString();
  ASSERT_EQ(route->queues.size(), 1u);
  EXPECT_EQ(route->queues[0].broker_name, "broker-a");
  EXPECT_EQ(route->queues[0].read_queue_nums, 8);
  EXPECT_EQ(route->queues[0].write_queue_nums, 8);
  EXPECT_EQ(PermToString(route->queues[0].perm), "RWX");
  ASSERT_EQ(route->brokers.size(), 1u);
  EXPECT_EQ(route->brokers[0].SelectAddr(), "127.0.0.1:10911");
}

TEST(AdminRequestGoldenTest, DecodesTopicList) {
  GoldenFrame g = ResponseTo("15_mqadmin_topicList", RequestCode::kGetAllTopicListFromNameserver);
  auto topics = DecodeTopicList(g.body());
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_NE(std::find(topics->begin(), topics->end(), "GoldenAdminTopic"), topics->end());
  EXPECT_NE(std::find(topics->begin(), topics->end(), "RMQ_SYS_TRANS_HALF_TOPIC"), topics->end());
}

TEST(AdminRequestGoldenTest, DecodesRuntimeInfo) {
  GoldenFrame g =
      ResponseTo("16_mqadmin_clusterList_consumerProgress", RequestCode::kGetBrokerRuntimeInfo);
  auto table = DecodeKVTable(g.body());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->at("msgPutTotalTodayNow"), "31");
  EXPECT_EQ(table->at("scheduleMessageOffset_2"), "1,1");
  EXPECT_GT(table->size(), 20u);
}

TEST(AdminRequestGoldenTest, DecodesConsumeStats) {
  GoldenFrame g =
      ResponseTo("16_mqadmin_clusterList_consumerProgress", RequestCode::kGetConsumeStats);
  auto stats = DecodeConsumeStats(g.body());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_FALSE(stats->queues.empty());
  EXPECT_GT(stats->consume_tps, 0.05);
  EXPECT_TRUE(std::is_sorted(
      stats->queues.begin(), stats->queues.end(),
      [](const QueueProgress& a, const QueueProgress& b) { return a.queue < b.queue; }));
  int64_t diff = 0;
  for (const auto& q : stats->queues) {
    EXPECT_EQ(q.queue.broker_name, "broker-a");
    EXPECT_GE(q.broker_offset, q.consumer_offset);
    diff += q.broker_offset - q.consumer_offset;
  }
  EXPECT_EQ(stats->Diff(), diff);
}

// No capture has it; the fields are those of ResetOffsetRequestHeader, and the language must
// make a broker pass the map form on to Java consumers.
TEST(AdminRequestGoldenTest, ResetOffsetAsksForTheMapFormEveryConsumerReads) {
  RemotingCommand request = BuildResetOffsetRequest("TopicA", "GroupA", 1700000000000, true);
  EXPECT_EQ(request.code, RequestCode::kInvokeBrokerToResetOffset);
  EXPECT_EQ(request.language, protocol::LanguageCode::kJava);
  EXPECT_EQ(*request.ext_fields.Find("topic"), "TopicA");
  EXPECT_EQ(*request.ext_fields.Find("group"), "GroupA");
  EXPECT_EQ(*request.ext_fields.Find("timestamp"), "1700000000000");
  EXPECT_EQ(*request.ext_fields.Find("isForce"), "true");
}

// No capture has them either: the fields of Java's MQClientAPIImpl getConsumerRunningInfo and
// consumeMessageDirectly (the broker adds brokerName), and their bodies as a client writes them.
TEST(AdminRequestGoldenTest, ConsumerRunningInfoAndConsumeDirectly) {
  RemotingCommand info = BuildConsumerRunningInfoRequest("GroupA", "10.0.0.1@42", false);
  EXPECT_EQ(info.code, RequestCode::kGetConsumerRunningInfo);
  EXPECT_EQ(Fields(info), (KeyValues{{"consumerGroup", "GroupA"},
                                     {"clientId", "10.0.0.1@42"},
                                     {"jstackEnable", "false"}}));
  RemotingCommand direct = BuildConsumeMessageDirectlyRequest("GroupA", "10.0.0.1@42", "0A0B");
  EXPECT_EQ(direct.code, RequestCode::kConsumeMessageDirectly);
  EXPECT_EQ(
      Fields(direct),
      (KeyValues{{"consumerGroup", "GroupA"}, {"clientId", "10.0.0.1@42"}, {"msgId", "0A0B"}}));
  EXPECT_TRUE(direct.body.empty());

  protocol::ConsumerRunningInfo body;
  body.properties["PROP_CONSUME_TYPE"] = "CONSUME_PASSIVELY";
  protocol::SubscriptionData sub;
  sub.topic = "TopicA";
  sub.sub_string = "TagA || TagB";
  body.subscription_set.push_back(sub);
  protocol::ProcessQueueInfo pq;
  pq.commit_offset = 7;
  pq.cached_msg_count = 3;
  pq.droped = true;
  body.mq_table[protocol::MessageQueue{"TopicA", "broker-a", 1}] = pq;
  body.status_table["TopicA"].consume_ok_tps = 2.5;
  auto decoded = DecodeConsumerRunningInfo(body.Encode());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->IsPushType());
  EXPECT_EQ(decoded->subscriptions, (KeyValues{{"TopicA", "TagA || TagB"}}));
  ASSERT_EQ(decoded->queues.size(), 1u);
  const auto& [queue, state] = *decoded->queues.begin();
  EXPECT_EQ(queue, (MessageQueue{"TopicA", "broker-a", 1}));
  EXPECT_EQ(state.commit_offset, 7);
  EXPECT_EQ(state.cached_msg_count, 3);
  EXPECT_TRUE(state.dropped);
  EXPECT_DOUBLE_EQ(decoded->statuses.at("TopicA").consume_ok_tps, 2.5);

  protocol::ConsumeMessageDirectlyResult result;
  result.consume_result = protocol::CMResult::kCrLater;
  result.remark = "busy";
  result.spent_time_mills = 12;
  auto r = DecodeConsumeDirectlyResult(result.Encode());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->result, "CR_LATER");
  EXPECT_EQ(r->remark, "busy");
  EXPECT_EQ(r->spent_time_ms, 12);
  EXPECT_TRUE(r->auto_commit);
  EXPECT_FALSE(r->order);
}

}  // namespace
}  // namespace orbit::client
