// Typed JSON bodies: every byte-exact example of json-bodies.md, fastjson quirks, errors, the
// compressed REGISTER_BROKER body and the pretty file format.

#include "protocol/bodies.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace orbit::protocol {
namespace {

// Encode reproduces `json` byte for byte and Decode gives `value` back.
template <typename T>
void ExpectExample(const T& value, std::string_view json) {
  EXPECT_EQ(value.Encode(), json);
  auto decoded = T::Decode(json);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, value);
}

template <typename T>
T DecodeOk(std::string_view json) {
  auto r = T::Decode(json);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << " for " << json;
  return r.ok() ? std::move(r).value() : T{};
}

template <typename T>
std::string DecodeError(std::string_view json) {
  auto r = T::Decode(json);
  EXPECT_FALSE(r.ok()) << "accepted " << json;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kMalformed);
  return r.status().message();
}

MessageQueue Mq(std::string topic, std::string broker, int32_t queue) {
  return MessageQueue{
      .topic = std::move(topic), .broker_name = std::move(broker), .queue_id = queue};
}

SubscriptionData TagSubscription() {
  return SubscriptionData{.topic = "TopicTest",
                          .sub_string = "TagA || TagB",
                          .tags_set = {"TagA", "TagB"},
                          .code_set = {2598919, 2598920},
                          .sub_version = 1700000000123};
}

TopicConfig TopicTestConfig() {
  return TopicConfig{.topic_name = "TopicTest", .read_queue_nums = 4, .write_queue_nums = 4};
}

TopicConfigSerializeWrapper TopicTestWrapper() {
  TopicConfigSerializeWrapper w;
  w.data_version = DataVersion{.timestamp = 1700000000000, .counter = 3};
  w.topic_config_table["TopicTest"] = TopicTestConfig();
  return w;
}

TopicRouteData ExampleRoute() {
  TopicRouteData r;
  r.broker_datas.push_back(
      BrokerData{.cluster = "DefaultCluster",
                 .broker_name = "broker-a",
                 .broker_addrs = {{0, "192.168.1.10:10911"}, {1, "192.168.1.11:10911"}}});
  r.queue_datas.push_back(
      QueueData{.broker_name = "broker-a", .read_queue_nums = 4, .write_queue_nums = 4, .perm = 6});
  return r;
}

// ---- json-bodies.md examples, byte for byte ----

TEST(BodiesExampleTest, HeartbeatData) {
  HeartbeatData hb{.client_id = "192.168.1.20@12345"};
  hb.producer_data_set.push_back(ProducerData{.group_name = "PG"});
  hb.consumer_data_set.push_back(
      ConsumerData{.group_name = "CG",
                   .consume_type = ConsumeType::kConsumePassively,
                   .message_model = MessageModel::kClustering,
                   .consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset,
                   .subscription_data_set = {TagSubscription()}});
  ExpectExample(
      hb,
      R"({"clientID":"192.168.1.20@12345","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"CG","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000123,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}],"unitMode":false}],"producerDataSet":[{"groupName":"PG"}]})");
}

constexpr std::string_view kRouteStandard =
    R"({"brokerDatas":[{"brokerAddrs":{"0":"192.168.1.10:10911","1":"192.168.1.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})";
constexpr std::string_view kRouteFastjson =
    R"({"brokerDatas":[{"brokerAddrs":{0:"192.168.1.10:10911",1:"192.168.1.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})";

TEST(BodiesExampleTest, TopicRouteDataBothStyles) {
  TopicRouteData route = ExampleRoute();
  EXPECT_EQ(route.Encode(JsonStyle::kStandard), kRouteStandard);
  EXPECT_EQ(route.Encode(JsonStyle::kFastjson), kRouteFastjson);
  EXPECT_EQ(DecodeOk<TopicRouteData>(kRouteStandard), route);
  EXPECT_EQ(DecodeOk<TopicRouteData>(kRouteFastjson), route);
}

TEST(BodiesExampleTest, RouteStyleFollowsVersionAndFlag) {
  EXPECT_EQ(RouteJsonStyle(409, false), JsonStyle::kStandard);
  EXPECT_EQ(RouteJsonStyle(401, false), JsonStyle::kStandard);
  EXPECT_EQ(RouteJsonStyle(400, false), JsonStyle::kFastjson);
  EXPECT_EQ(RouteJsonStyle(121, true), JsonStyle::kStandard);
}

TEST(BodiesExampleTest, ClusterInfo) {
  ClusterInfo info;
  info.broker_addr_table["broker-a"] = ExampleRoute().broker_datas[0];
  info.cluster_addr_table["DefaultCluster"] = {"broker-a"};
  ExpectExample(
      info,
      R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"192.168.1.10:10911",1:"192.168.1.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}})");
}

TEST(BodiesExampleTest, TopicList) {
  ExpectExample(TopicList{.topic_list = {"TopicTest", "TBW102"}},
                R"({"topicList":["TopicTest","TBW102"]})");
  ExpectExample(TopicList{.topic_list = {"DefaultCluster"}, .broker_addr = "127.0.0.1:10911"},
                R"({"brokerAddr":"127.0.0.1:10911","topicList":["DefaultCluster"]})");
}

TEST(BodiesExampleTest, RegisterBrokerBodyAndTopicConfig) {
  ExpectExample(
      RegisterBrokerBody{.topic_config_serialize_wrapper = TopicTestWrapper()},
      R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}}})");
  ExpectExample(
      TopicTestWrapper(),
      R"({"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}})");
  ExpectExample(
      TopicTestConfig(),
      R"({"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4})");
}

TEST(BodiesExampleTest, DataVersion) {
  DataVersion v{.timestamp = 1700000000000, .counter = 3};
  ExpectExample(v, R"({"counter":3,"timestamp":1700000000000})");
  DataVersion next = v;
  next.Next(1700000000500);
  EXPECT_EQ(next.counter, 4);
  EXPECT_EQ(next.timestamp, 1700000000500);
  EXPECT_NE(next, v);
  EXPECT_EQ((DataVersion{.timestamp = 1, .counter = 2}),
            (DataVersion{.timestamp = 1, .counter = 2}));
}

TEST(BodiesExampleTest, KVTableInJavaHashMapOrder) {
  KVTable kv;
  kv.table = {{"msgPutTotalTodayNow", "10"}, {"brokerVersion", "409"}};
  ExpectExample(kv, R"({"table":{"msgPutTotalTodayNow":"10","brokerVersion":"409"}})");
}

TEST(BodiesExampleTest, MessageQueueAndLockBodies) {
  ExpectExample(Mq("TopicTest", "broker-a", 0),
                R"({"brokerName":"broker-a","queueId":0,"topic":"TopicTest"})");
  ExpectExample(
      LockBatchRequestBody{.consumer_group = "CG",
                           .client_id = "192.168.1.20@12345",
                           .mq_set = {Mq("TopicTest", "broker-a", 0)}},
      R"({"clientId":"192.168.1.20@12345","consumerGroup":"CG","mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}]})");
  ExpectExample(LockBatchResponseBody{.lock_ok_mq_set = {Mq("TopicTest", "broker-a", 0)}},
                R"({"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}]})");
  UnlockBatchRequestBody unlock{.consumer_group = "CG", .client_id = "c"};
  EXPECT_EQ(unlock.Encode(), R"({"clientId":"c","consumerGroup":"CG","mqSet":[]})");
}

TEST(BodiesExampleTest, ConsumerListAndCheckClient) {
  ExpectExample(GetConsumerListByGroupResponseBody{.consumer_id_list = {"192.168.1.20@12345",
                                                                        "192.168.1.21@777"}},
                R"({"consumerIdList":["192.168.1.20@12345","192.168.1.21@777"]})");
  ExpectExample(
      CheckClientRequestBody{
          .client_id = "c1", .group = "CG", .subscription_data = TagSubscription()},
      R"({"clientId":"c1","group":"CG","subscriptionData":{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000123,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}})");
  ExpectExample(CheckClientRequestBody{.client_id = "c1", .group = "CG"},
                R"({"clientId":"c1","group":"CG"})");
}

TEST(BodiesExampleTest, ResetOffsetBothForms) {
  ExpectExample(ResetOffsetBody{.offset_table = {{Mq("T", "b", 0), 123}}},
                R"({"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:123}})");
  ExpectExample(
      ResetOffsetBodyForC{.offset_table = {MessageQueueForC{
                              .topic = "T", .broker_name = "b", .queue_id = 0, .offset = 123}}},
      R"({"offsetTable":[{"brokerName":"b","offset":123,"queueId":0,"topic":"T"}]})");
}

TEST(BodiesExampleTest, ConsumeStats) {
  ConsumeStats stats{.consume_tps = 1.5};
  stats.offset_table[Mq("TopicTest", "broker-a", 0)] =
      OffsetWrapper{.broker_offset = 100, .consumer_offset = 90, .last_timestamp = 1700000000000};
  ExpectExample(
      stats,
      R"({"consumeTps":1.5,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:{"brokerOffset":100,"consumerOffset":90,"lastTimestamp":1700000000000}}})");
  ExpectExample(ConsumeStats{}, R"({"consumeTps":0.0,"offsetTable":{}})");
}

TEST(BodiesExampleTest, TopicStatsTable) {
  TopicStatsTable table;
  table.offset_table[Mq("TopicTest", "broker-a", 0)] =
      TopicOffset{.min_offset = 0, .max_offset = 100, .last_update_timestamp = 1700000000000};
  ExpectExample(
      table,
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:{"lastUpdateTimestamp":1700000000000,"maxOffset":100,"minOffset":0}}})");
}

TEST(BodiesExampleTest, ConsumerAndProducerConnection) {
  Connection conn{.client_id = "192.168.1.20@12345",
                  .client_addr = "192.168.1.20:54321",
                  .language = LanguageCode::kJava,
                  .version = 409};
  ConsumerConnection cc{.connection_set = {conn},
                        .consume_type = ConsumeType::kConsumePassively,
                        .message_model = MessageModel::kClustering,
                        .consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset};
  cc.subscription_table["TopicTest"] = TagSubscription();
  ExpectExample(
      cc,
      R"({"connectionSet":[{"clientAddr":"192.168.1.20:54321","clientId":"192.168.1.20@12345","language":"JAVA","version":409}],"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","subscriptionTable":{"TopicTest":{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000123,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}}})");
  ExpectExample(
      ProducerConnection{.connection_set = {conn}},
      R"({"connectionSet":[{"clientAddr":"192.168.1.20:54321","clientId":"192.168.1.20@12345","language":"JAVA","version":409}]})");
}

TEST(BodiesExampleTest, SubscriptionGroupsAndGroupList) {
  SubscriptionGroupConfig cg{.group_name = "CG"};
  ExpectExample(
      cg,
      R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,"groupName":"CG","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1})");
  SubscriptionGroupWrapper wrapper{.data_version = {.timestamp = 5, .counter = 1}};
  wrapper.subscription_group_table["CG"] = cg;
  ExpectExample(
      wrapper,
      R"({"dataVersion":{"counter":1,"timestamp":5},"subscriptionGroupTable":{"CG":{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,"groupName":"CG","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}}})");
  ExpectExample(GroupList{.group_list = {"CG1", "CG2"}}, R"({"groupList":["CG1","CG2"]})");
}

TEST(BodiesExampleTest, RunningInfoAndDirectConsume) {
  ConsumerRunningInfo info{.jstack = "main\n\tat X"};
  info.properties[std::string(kPropConsumeType)] = "CONSUME_PASSIVELY";
  info.subscription_set.push_back(TagSubscription());
  info.mq_table[Mq("TopicTest", "broker-a", 1)] =
      ProcessQueueInfo{.commit_offset = 7, .cached_msg_count = 2, .locked = true, .droped = false};
  info.status_table["TopicTest"] = ConsumeStatus{.pull_rt = 1.5, .consume_failed_msgs = 3};
  ExpectExample(
      info,
      R"({"jstack":"main\n\tat X","mqTable":{{"brokerName":"broker-a","queueId":1,"topic":"TopicTest"}:{"cachedMsgCount":2,"cachedMsgMaxOffset":0,"cachedMsgMinOffset":0,"cachedMsgSizeInMiB":0,"commitOffset":7,"droped":false,"lastConsumeTimestamp":0,"lastLockTimestamp":0,"lastPullTimestamp":0,"locked":true,"transactionMsgCount":0,"transactionMsgMaxOffset":0,"transactionMsgMinOffset":0,"tryUnlockTimes":0}},"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY"},"statusTable":{"TopicTest":{"consumeFailedMsgs":3,"consumeFailedTPS":0.0,"consumeOKTPS":0.0,"consumeRT":0.0,"pullRT":1.5,"pullTPS":0.0}},"subscriptionSet":[{"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000123,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}]})");
  ExpectExample(
      ConsumeMessageDirectlyResult{
          .consume_result = CMResult::kCrThrowException, .remark = "boom", .spent_time_mills = 3},
      R"({"autoCommit":true,"consumeResult":"CR_THROW_EXCEPTION","order":false,"remark":"boom","spentTimeMills":3})");
}

TEST(BodiesExampleTest, FilesOnDisk) {
  ConsumerOffsetSerializeWrapper offsets;
  offsets.offset_table["TopicTest@CG"] = {{0, 12}, {1, 7}};
  ExpectExample(offsets, R"({"offsetTable":{"TopicTest@CG":{0:12,1:7}}})");
  ExpectExample(DelayOffsetSerializeWrapper{.offset_table = {{1, 5}, {3, 0}}},
                R"({"offsetTable":{1:5,3:0}})");
  KVConfigSerializeWrapper kv;
  kv.config_table["ORDER_TOPIC_CONFIG"]["TopicTest"] = "broker-a:4";
  ExpectExample(kv, R"({"configTable":{"ORDER_TOPIC_CONFIG":{"TopicTest":"broker-a:4"}}})");
  ExpectExample(
      OffsetSerializeWrapper{.offset_table = {{Mq("TopicTest", "broker-a", 0), 42}}},
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:42}})");
}

// ---- Pretty files (F9) ----

TEST(BodiesPrettyTest, OffsetsJsonMatchesJavaClient) {
  OffsetSerializeWrapper w{.offset_table = {{Mq("TopicTest", "broker-a", 0), 42}}};
  EXPECT_EQ(w.EncodePretty(),
            "{\n\t\"offsetTable\":{{\n\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"queueId\":0,\n"
            "\t\t\t\"topic\":\"TopicTest\"\n\t\t}:42\n\t}\n}");
  EXPECT_EQ(OffsetSerializeWrapper::Decode(w.EncodePretty()).value(), w);
}

TEST(BodiesPrettyTest, BrokerFiles) {
  ConsumerOffsetSerializeWrapper offsets;
  offsets.offset_table["TopicTest@CG"] = {{0, 12}, {1, 7}};
  EXPECT_EQ(offsets.EncodePretty(),
            "{\n\t\"offsetTable\":{\n\t\t\"TopicTest@CG\":{0:12,1:7\n\t\t}\n\t}\n}");
  EXPECT_EQ(
      TopicTestWrapper().EncodePretty(),
      "{\n\t\"dataVersion\":{\n\t\t\"counter\":3,\n\t\t\"timestamp\":1700000000000\n\t},\n"
      "\t\"topicConfigTable\":{\n\t\t\"TopicTest\":{\n\t\t\t\"order\":false,\n"
      "\t\t\t\"perm\":6,\n\t\t\t\"readQueueNums\":4,\n\t\t\t\"topicFilterType\":\"SINGLE_TAG\",\n"
      "\t\t\t\"topicName\":\"TopicTest\",\n\t\t\t\"topicSysFlag\":0,\n"
      "\t\t\t\"writeQueueNums\":4\n\t\t}\n\t}\n}");
  EXPECT_EQ(DelayOffsetSerializeWrapper{}.EncodePretty(), "{\n\t\"offsetTable\":{}\n}");
  KVConfigSerializeWrapper kv;
  kv.config_table["NS"]["k"] = "v";
  EXPECT_EQ(KVConfigSerializeWrapper::Decode(kv.EncodePretty()).value(), kv);
  SubscriptionGroupWrapper groups;
  groups.subscription_group_table["CG"].group_name = "CG";
  EXPECT_EQ(SubscriptionGroupWrapper::Decode(groups.EncodePretty()).value(), groups);
}

TEST(BodiesPrettyTest, ArraysOneItemPerLine) {
  EXPECT_EQ(PrettyJson("[{},{}]").value(), "[\n\t{},\n\t{}\n]");
  EXPECT_EQ(PrettyJson(R"({"a":[]})").value(), "{\n\t\"a\":[]\n}");
  EXPECT_FALSE(PrettyJson("{").ok());
}

// ---- Map order ----

TEST(BodiesOrderTest, StringMapsFollowJavaHashMap) {
  KVTable kv;
  for (int i = 0; i < 20; ++i) kv.table["k" + std::to_string(i)] = "v";
  // java.util.HashMap grown to 32 buckets; same-bucket keys in std::map order.
  std::vector<std::string> want = {"k0",  "k1",  "k2",  "k3",  "k4",  "k11", "k5",
                                   "k10", "k6",  "k13", "k7",  "k12", "k8",  "k15",
                                   "k9",  "k14", "k17", "k16", "k19", "k18"};
  std::string expected = R"({"table":{)";
  for (size_t i = 0; i < want.size(); ++i) {
    expected += (i > 0 ? ",\"" : "\"") + want[i] + "\":\"v\"";
  }
  EXPECT_EQ(kv.Encode(), expected + "}}");
}

TEST(BodiesOrderTest, ClusterInfoUsesRouteInfoManagerTableSizes) {
  ClusterInfo info;
  for (std::string name : {"broker-a", "broker-b", "broker-c", "broker-d", "east-1", "west-2"}) {
    info.broker_addr_table[name] = BrokerData{.cluster = "C", .broker_name = name};
  }
  info.cluster_addr_table["DefaultCluster"] = {"broker-a"};
  info.cluster_addr_table["ClusterB"] = {};
  info.cluster_addr_table["c3"] = {};
  std::string json = info.Encode();
  std::vector<size_t> positions;
  for (std::string name : {"east-1", "west-2", "broker-d", "broker-b", "broker-c", "broker-a"}) {
    positions.push_back(json.find("\"" + name + "\":{"));
  }
  EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end())) << json;
  EXPECT_NE(
      json.find(R"("clusterAddrTable":{"ClusterB":[],"DefaultCluster":["broker-a"],"c3":[]})"),
      std::string::npos)
      << json;
  EXPECT_EQ(ClusterInfo::Decode(json).value(), info);
}

TEST(BodiesOrderTest, StandardStyleSortsAndEscapes) {
  TopicRouteData route = ExampleRoute();
  route.broker_datas[0].broker_addrs = {{2, "h:2"}, {0, "h/0"}};
  route.filter_server_table["b"] = {"x"};
  route.filter_server_table["a"] = {"\xC3\xA9"};  // é
  route.order_topic_conf = "broker-a:4";
  EXPECT_EQ(
      route.Encode(JsonStyle::kStandard),
      R"({"brokerDatas":[{"brokerAddrs":{"0":"h\/0","2":"h:2"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{"a":["\u00e9"],"b":["x"]},"orderTopicConf":"broker-a:4","queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})");
  EXPECT_EQ(TopicRouteData::Decode(route.Encode(JsonStyle::kStandard)).value(), route);
  EXPECT_EQ(TopicRouteData::Decode(route.Encode(JsonStyle::kFastjson)).value(), route);
}

TEST(BodiesOrderTest, JavaStringHashAndCompare) {
  EXPECT_EQ(JavaStringHash("TagA"), 2598919);
  EXPECT_EQ(JavaStringHash("TagB"), 2598920);
  EXPECT_EQ(JavaStringHash(""), 0);
  EXPECT_EQ(JavaStringHash("a\xC3\xA9"), 3240);
  EXPECT_EQ(JavaStringHash("\xF0\x9F\x98\x80"), 1772899);  // U+1F600, a surrogate pair
  EXPECT_LT(JavaStringCompare("a", "b"), 0);
  EXPECT_GT(JavaStringCompare("ab", "a"), 0);
  EXPECT_EQ(JavaStringCompare("same", "same"), 0);
  // U+1F600 (surrogates D83D DE00) sorts before U+FFFD in UTF-16, after it in UTF-8.
  EXPECT_LT(JavaStringCompare("\xF0\x9F\x98\x80", "\xEF\xBF\xBD"), 0);
  EXPECT_LT(JavaStringCompare("\xED\x9F\xBF", "\xF0\x9F\x98\x80"), 0);  // U+D7FF
}

TEST(BodiesOrderTest, MessageQueueOrderingAndHash) {
  std::vector<MessageQueue> mqs = {Mq("T", "b", 1), Mq("S", "z", 9), Mq("T", "a", 5),
                                   Mq("T", "b", 0)};
  std::sort(mqs.begin(), mqs.end());
  EXPECT_EQ(mqs, (std::vector<MessageQueue>{Mq("S", "z", 9), Mq("T", "a", 5), Mq("T", "b", 0),
                                            Mq("T", "b", 1)}));
  EXPECT_EQ(Mq("TopicTest", "broker-a", 0).JavaHashCode(), -222122291);
  EXPECT_TRUE(Mq("T", "b", 0) == Mq("T", "b", 0));
}

// ---- fastjson quirks when reading ----

TEST(BodiesQuirksTest, BareQuotedAndObjectKeys) {
  auto stats = DecodeOk<ConsumeStats>(
      R"({"consumeTps":2,"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:{"brokerOffset":5},)"
      R"("{\"brokerName\":\"b\",\"queueId\":2,\"topic\":\"T\"}":{"consumerOffset":4}}})");
  ASSERT_EQ(stats.offset_table.size(), 2u);
  EXPECT_EQ(stats.offset_table[Mq("T", "b", 1)].broker_offset, 5);
  EXPECT_EQ(stats.offset_table[Mq("T", "b", 2)].consumer_offset, 4);
  EXPECT_EQ(stats.consume_tps, 2.0);
  auto delay = DecodeOk<DelayOffsetSerializeWrapper>(R"({"offsetTable":{1:5,"3":0,'4':'9'}})");
  EXPECT_EQ(delay.offset_table, (std::map<int32_t, int64_t>{{1, 5}, {3, 0}, {4, 9}}));
}

TEST(BodiesQuirksTest, TolerantSyntaxUnknownMembersAndNulls) {
  auto tc = DecodeOk<TopicConfig>(
      R"({'topicName':'T',perm:"7",readQueueNums:2,"attributes":{"+message.type":"NORMAL"},)"
      R"("writeQueueNums":null,"order":true,"future":[1,{}],})");
  EXPECT_EQ(tc.topic_name, "T");
  EXPECT_EQ(tc.perm, 7);
  EXPECT_EQ(tc.read_queue_nums, 2);
  EXPECT_EQ(tc.write_queue_nums, 16);  // null: Java default
  EXPECT_TRUE(tc.order);
  EXPECT_EQ(tc.topic_filter_type, TopicFilterType::kSingleTag);
  EXPECT_EQ(DecodeOk<HeartbeatData>("{}"), HeartbeatData{});
  // An empty string is Java null on the wire: the default stays.
  auto sub = DecodeOk<CheckClientRequestBody>(R"({"subscriptionData":{"expressionType":""}})");
  EXPECT_EQ(sub.subscription_data.value().expression_type, "TAG");
  EXPECT_EQ(DecodeOk<DataVersion>(R"({"counter":1,"counter":2})").counter, 2);  // last wins
}

TEST(BodiesQuirksTest, RefObjectsAreSkipped) {
  auto body = DecodeOk<LockBatchRequestBody>(
      R"({"clientId":"c","consumerGroup":{"$ref":"$.x"},"mqSet":[{"brokerName":"b","queueId":1,"topic":"T"},{"$ref":"$.mqSet[0]"}]})");
  EXPECT_EQ(body.consumer_group, "");
  EXPECT_EQ(body.mq_set, (std::vector<MessageQueue>{Mq("T", "b", 1)}));
  auto cc = DecodeOk<ConsumerConnection>(R"({"subscriptionTable":{"T":{"$ref":".."}}})");
  EXPECT_TRUE(cc.subscription_table.empty());
}

TEST(BodiesQuirksTest, EnumsByNameOrdinalOrUnknown) {
  auto cd = DecodeOk<HeartbeatData>(
      R"({"consumerDataSet":[{"consumeType":0,"messageModel":"GALAXY","consumeFromWhere":"CONSUME_FROM_TIMESTAMP"}]})");
  ASSERT_EQ(cd.consumer_data_set.size(), 1u);
  EXPECT_EQ(cd.consumer_data_set[0].consume_type, ConsumeType::kConsumeActively);
  EXPECT_EQ(cd.consumer_data_set[0].message_model, std::nullopt);
  EXPECT_EQ(cd.consumer_data_set[0].consume_from_where, ConsumeFromWhere::kConsumeFromTimestamp);
  EXPECT_EQ(
      cd.Encode(),
      R"({"consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_TIMESTAMP","consumeType":"CONSUME_ACTIVELY","subscriptionDataSet":[],"unitMode":false}],"producerDataSet":[]})");
  auto conn = DecodeOk<ProducerConnection>(
      R"({"connectionSet":[{"language":"GO"},{"language":"KLINGON"},{"language":1}]})");
  ASSERT_EQ(conn.connection_set.size(), 3u);
  EXPECT_EQ(conn.connection_set[0].language, LanguageCode::kGo);
  EXPECT_EQ(conn.connection_set[1].language, std::nullopt);
  EXPECT_EQ(conn.connection_set[2].language, LanguageCode::kCpp);
  EXPECT_EQ(JavaEnumName(ConsumeFromWhere::kConsumeFromLastOffsetAndFromMinWhenBootFirst),
            "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST");
  EXPECT_EQ(JavaEnumFromName<CMResult>("CR_LATER"), CMResult::kCrLater);
  EXPECT_EQ(JavaEnumFromName<CMResult>("nope"), std::nullopt);
}

TEST(BodiesQuirksTest, AliOnsHeartbeatWithoutExpressionType) {
  auto hb = DecodeOk<HeartbeatData>(
      R"({"clientID":"127.0.0.1@node-c","consumerDataSet":[{"groupName":"G","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","subscriptionDataSet":[{"topic":"NodeTopic","subString":"*","classFilterMode":false,"tagsSet":[],"codeSet":[],"subVersion":1795268485773}],"unitMode":false}],"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]})");
  ASSERT_EQ(hb.consumer_data_set.size(), 1u);
  ASSERT_EQ(hb.consumer_data_set[0].subscription_data_set.size(), 1u);
  EXPECT_EQ(hb.consumer_data_set[0].subscription_data_set[0].expression_type, "TAG");
  EXPECT_EQ(hb.consumer_data_set[0].subscription_data_set[0].sub_version, 1795268485773);
}

TEST(BodiesQuirksTest, LongsBeyondJavaScriptPrecisionQuotedInStandardStyle) {
  TopicRouteData route;
  route.broker_datas.push_back(BrokerData{.broker_name = "b", .broker_addrs = {{1LL << 60, "x"}}});
  EXPECT_NE(route.Encode(JsonStyle::kStandard).find(R"({"1152921504606846976":"x"})"),
            std::string::npos);
  EXPECT_EQ(TopicRouteData::Decode(route.Encode(JsonStyle::kFastjson)).value(), route);
}

TEST(BodiesQuirksTest, InvalidUtf8ReadsAsReplacementCharacter) {
  // As Java decodes the bytes; every string then writes back unchanged in both styles.
  auto route = DecodeOk<TopicRouteData>(
      "{\"brokerDatas\":[{\"brokerName\":\"b\xff\xC3\xA9\",\"brokerAddrs\":{0:\"a\xC3\"}}],"
      "\"filterServerTable\":{\"k\xed\xa0\x80\":[]}}");
  ASSERT_EQ(route.broker_datas.size(), 1u);
  EXPECT_EQ(route.broker_datas[0].broker_name, "b\xEF\xBF\xBD\xC3\xA9");
  EXPECT_EQ(route.broker_datas[0].broker_addrs.at(0), "a\xEF\xBF\xBD");
  EXPECT_EQ(route.filter_server_table.count("k\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"), 1u);
  for (JsonStyle style : {JsonStyle::kFastjson, JsonStyle::kStandard}) {
    EXPECT_EQ(TopicRouteData::Decode(route.Encode(style)).value(), route);
  }
}

// ---- Malformed input ----

TEST(BodiesErrorTest, WrongTypesNameTheMember) {
  EXPECT_EQ(DecodeError<HeartbeatData>(R"({"consumerDataSet":[{"unitMode":"maybe"}]})"),
            "HeartbeatData.consumerDataSet[0].unitMode: not a boolean");
  EXPECT_NE(DecodeError<TopicConfig>(R"({"perm":4294967296})").find("TopicConfig.perm: "),
            std::string::npos);
  EXPECT_NE(DecodeError<HeartbeatData>(R"({"clientID":{}})").find("clientID"), std::string::npos);
  EXPECT_NE(
      DecodeError<HeartbeatData>(R"({"producerDataSet":{}})").find("producerDataSet: not an array"),
      std::string::npos);
  EXPECT_NE(DecodeError<HeartbeatData>(R"({"consumerDataSet":[{"consumeType":[]}]})")
                .find("consumerDataSet[0].consumeType: not an enum name"),
            std::string::npos);
  EXPECT_NE(
      DecodeError<HeartbeatData>(R"({"consumerDataSet":[{"consumeType":7}]})").find("out of range"),
      std::string::npos);
  EXPECT_NE(DecodeError<TopicRouteData>(R"({"brokerDatas":[{"brokerAddrs":{"x":"a"}}]})")
                .find("brokerDatas[0].brokerAddrs[x]: "),
            std::string::npos);
  EXPECT_NE(DecodeError<ConsumeStats>(R"({"offsetTable":{"notjson":{}}})").find("offsetTable"),
            std::string::npos);
  EXPECT_NE(DecodeError<ConsumeStats>(R"({"offsetTable":{{"queueId":"x"}:{}}})").find("queueId"),
            std::string::npos);
  EXPECT_NE(DecodeError<ConsumerOffsetSerializeWrapper>(R"({"offsetTable":{"t@g":{0:"x"}}})")
                .find("offsetTable[t@g][0]: "),
            std::string::npos);
  EXPECT_NE(DecodeError<ConsumeStats>(R"({"consumeTps":"fast"})").find("consumeTps"),
            std::string::npos);
}

TEST(BodiesErrorTest, NotJsonOrNotAnObject) {
  EXPECT_EQ(DecodeError<GroupList>("[]"), "GroupList: not an object");
  EXPECT_NE(DecodeError<GroupList>("").find("GroupList: json: "), std::string::npos);
  DecodeError<GroupList>(R"({"groupList":["a")");
  DecodeError<GroupList>("\xff\xfe");
  DecodeError<KVTable>(R"({"table":{"a":"b"}} trailing)");
  DecodeError<KVTable>(R"({"table":{"a":{"nested":1}}})");
}

// ---- Compressed REGISTER_BROKER body ----

RegisterBrokerBody RegisterExample() {
  RegisterBrokerBody body{.topic_config_serialize_wrapper = TopicTestWrapper()};
  auto& table = body.topic_config_serialize_wrapper.topic_config_table;
  table["TBW102"] =
      TopicConfig{.topic_name = "TBW102", .read_queue_nums = 8, .write_queue_nums = 8, .perm = 7};
  table["%RETRY%G"] = TopicConfig{.topic_name = "%RETRY%G",
                                  .read_queue_nums = 1,
                                  .write_queue_nums = 1,
                                  .topic_filter_type = TopicFilterType::kMultiTag};
  body.filter_server_list = {"10.0.0.1:7000"};
  return body;
}

std::string Zlib(std::string_view raw) {
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  std::string out(len, '\0');
  EXPECT_EQ(
      compress2(reinterpret_cast<Bytef*>(out.data()), &len,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()), 9),
      Z_OK);
  out.resize(len);
  return out;
}

std::string Block(std::string_view s) {
  std::string out;
  PutI32(&out, static_cast<int32_t>(s.size()));
  out.append(s);
  return out;
}

TEST(BodiesCompressedTest, RoundTripLosesOnlySysFlagAndOrder) {
  RegisterBrokerBody body = RegisterExample();
  auto packed = body.EncodeCompressed();
  ASSERT_TRUE(packed.ok()) << packed.status().ToString();
  ASSERT_GE(packed->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*packed)[0]), 0x78);
  EXPECT_EQ(static_cast<unsigned char>((*packed)[1]), 0xDA);  // level 9
  auto back = RegisterBrokerBody::DecodeCompressed(*packed);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, body);

  body.topic_config_serialize_wrapper.topic_config_table["TopicTest"].order = true;
  body.topic_config_serialize_wrapper.topic_config_table["TopicTest"].topic_sys_flag = 1;
  back = RegisterBrokerBody::DecodeCompressed(body.EncodeCompressed().value());
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->topic_config_serialize_wrapper.topic_config_table["TopicTest"].order);
  EXPECT_EQ(back->topic_config_serialize_wrapper.topic_config_table["TopicTest"].topic_sys_flag, 0);
}

TEST(BodiesCompressedTest, HandBuiltStreamAndFiveXTrailer) {
  std::string raw = Block(R"({"counter":3,"timestamp":1700000000000})");
  PutI32(&raw, 2);
  raw += Block("TopicTest 4 4 6 SINGLE_TAG");
  raw += Block(R"(T2 1 2 +6 MULTI_TAG {"+message.type":"NORMAL"})");
  raw += Block("[]");
  PutI32(&raw, 0);  // 5.x: topic queue mapping count
  auto body = RegisterBrokerBody::DecodeCompressed(Zlib(raw));
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  const auto& w = body->topic_config_serialize_wrapper;
  EXPECT_EQ(w.data_version, (DataVersion{.timestamp = 1700000000000, .counter = 3}));
  ASSERT_EQ(w.topic_config_table.size(), 2u);
  EXPECT_EQ(w.topic_config_table.at("TopicTest"), TopicTestConfig());
  EXPECT_EQ(w.topic_config_table.at("T2").write_queue_nums, 2);
  EXPECT_EQ(w.topic_config_table.at("T2").topic_filter_type, TopicFilterType::kMultiTag);
  EXPECT_TRUE(body->filter_server_list.empty());
}

TEST(BodiesCompressedTest, RejectsCorruptStreams) {
  std::string packed = RegisterExample().EncodeCompressed().value();
  EXPECT_FALSE(RegisterBrokerBody::DecodeCompressed("").ok());
  EXPECT_FALSE(RegisterBrokerBody::DecodeCompressed(RegisterExample().Encode()).ok());
  EXPECT_FALSE(RegisterBrokerBody::DecodeCompressed(packed.substr(0, packed.size() - 1)).ok());
  EXPECT_FALSE(RegisterBrokerBody::DecodeCompressed(packed.substr(0, packed.size() / 2)).ok());
  EXPECT_FALSE(RegisterBrokerBody::DecodeCompressed(packed + "x").ok());
  for (size_t i = 2; i < packed.size(); ++i) {
    std::string bad = packed;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    auto r = RegisterBrokerBody::DecodeCompressed(bad);  // must not crash; adler32 catches most
    if (r.ok()) {
      EXPECT_NE(*r, RegisterExample());
    }
  }
}

TEST(BodiesCompressedTest, RejectsInconsistentContent) {
  std::string dv = Block(R"({"counter":1,"timestamp":2})");
  auto decode = [](const std::string& raw) {
    return RegisterBrokerBody::DecodeCompressed(Zlib(raw));
  };
  std::string too_long;
  PutI32(&too_long, 1000);
  EXPECT_FALSE(decode(too_long + "{}").ok());
  std::string negative = dv;
  PutI32(&negative, -1);
  EXPECT_FALSE(decode(negative).ok());
  std::string huge_count = dv;
  PutI32(&huge_count, 1 << 30);
  EXPECT_FALSE(decode(huge_count).ok());
  for (std::string line : {"T 1 1", "T x 1 6 SINGLE_TAG", "T 1 1 6 NO_SUCH_TYPE",
                           " 1 1 6 SINGLE_TAG", "T 1 1 99999999999 SINGLE_TAG"}) {
    std::string raw = dv;
    PutI32(&raw, 1);
    raw += Block(line) + Block("[]");
    EXPECT_FALSE(decode(raw).ok()) << line;
  }
  std::string no_filters = dv;
  PutI32(&no_filters, 0);
  EXPECT_FALSE(decode(no_filters).ok());
  std::string bad_filters = dv;
  PutI32(&bad_filters, 0);
  bad_filters += Block("[1,");
  EXPECT_FALSE(decode(bad_filters).ok());
  EXPECT_FALSE(decode(Block("not json") + std::string(8, '\0')).ok());
}

TEST(BodiesCompressedTest, CapsInflatedSize) {
  std::string zeros = Zlib(std::string(1 << 20, '\0'));
  auto r = RegisterBrokerBody::DecodeCompressed(zeros, 4096);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("limit"), std::string::npos);
  std::string packed = RegisterExample().EncodeCompressed().value();
  EXPECT_FALSE(RegisterBrokerBody::DecodeCompressed(packed, 10).ok());
}

// ---- Robustness: truncated and corrupted inputs never crash ----

TEST(BodiesRobustnessTest, MutatedInputsNeverCrash) {
  std::vector<std::function<bool(std::string_view)>> decoders = {
      [](std::string_view s) { return HeartbeatData::Decode(s).ok(); },
      [](std::string_view s) { return TopicRouteData::Decode(s).ok(); },
      [](std::string_view s) { return ClusterInfo::Decode(s).ok(); },
      [](std::string_view s) { return RegisterBrokerBody::Decode(s).ok(); },
      [](std::string_view s) { return ConsumeStats::Decode(s).ok(); },
      [](std::string_view s) { return ConsumerRunningInfo::Decode(s).ok(); },
      [](std::string_view s) { return ConsumerConnection::Decode(s).ok(); },
      [](std::string_view s) { return ConsumerOffsetSerializeWrapper::Decode(s).ok(); },
      [](std::string_view s) { return ResetOffsetBody::Decode(s).ok(); },
      [](std::string_view s) { return RegisterBrokerBody::DecodeCompressed(s).ok(); },
  };
  ConsumerRunningInfo info;
  info.mq_table[Mq("T", "b", 0)] = ProcessQueueInfo{};
  info.status_table["T"] = ConsumeStatus{};
  ConsumeStats stats;
  stats.offset_table[Mq("T", "b", 0)] = OffsetWrapper{};
  std::vector<std::string> inputs = {std::string(kRouteFastjson), RegisterExample().Encode(),
                                     info.Encode(), stats.Encode(),
                                     RegisterExample().EncodeCompressed().value()};
  size_t runs = 0;
  for (const std::string& input : inputs) {
    for (size_t i = 0; i < input.size(); ++i) {
      std::string flipped = input;
      flipped[i] = "{}[]:,\"0\\"[i % 10];
      for (const auto& decode : decoders) {
        (void)decode(std::string_view(input).substr(0, i));
        (void)decode(flipped);
        runs += 2;
      }
    }
  }
  EXPECT_GT(runs, 10000u);
}

}  // namespace
}  // namespace orbit::protocol
