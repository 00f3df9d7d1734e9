// Admin, query and lock requests against a real broker on a loopback ephemeral port, driven by a
// raw remoting client as mqadmin would. Where a golden Apache 4.9.8 capture covers a request, its
// field names (or bytes) are compared.

#include <algorithm>
#include <limits>

#include "broker/runtime_stats.h"
#include "broker/tests/admin_test_support.h"
#include "protocol/message.h"
#include "protocol/message_id.h"

namespace orbit::broker::admin_test {
namespace {

// ---- QUERY_MESSAGE / VIEW_MESSAGE_BY_ID -------------------------------------------------------

RemotingCommand QueryRequest(const std::string& topic, const std::string& key, bool unique) {
  protocol::QueryMessageRequestHeader h;
  h.topic = topic;
  h.key = key;
  h.max_num = 32;
  h.begin_timestamp = 0;
  h.end_timestamp = std::numeric_limits<int64_t>::max();
  RemotingCommand req = Request(RequestCode::kQueryMessage, h);
  if (unique) req.ext_fields.Set("_UNIQUE_KEY_QUERY", "true");
  return req;
}

TEST_F(AdminTest, QueryByKeyReturnsOnlyTheRecordsThatCarryTheKey) {
  // "Aa" and "BB" have the same Java hash, so "TopicQ#Aa" and "TopicQ#BB" share index entries.
  Send("TopicQ", "first", "Aa K2");
  Send("TopicQ", "second", "BB");
  Send("TopicQ", "third", "K3", "UNIQ-3");
  ASSERT_EQ(broker_->store().QueryMessage("TopicQ", "Aa", 32, 0, INT64_MAX).messages.size(), 2u)
      << "the test needs a hash collision in the index";

  RemotingCommand r = Call(QueryRequest("TopicQ", "Aa", false));
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  std::vector<protocol::MessageRecord> recs;
  ASSERT_TRUE(protocol::DecodeRecords(r.body, &recs).ok());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].body, "first");
  auto h = protocol::QueryMessageResponseHeader::Decode(r.ext_fields);
  ASSERT_TRUE(h.ok());
  EXPECT_GT(h->index_last_update_timestamp, 0);
  EXPECT_GT(h->index_last_update_phyoffset, 0);

  // The second key of a space-separated KEYS, and a UNIQ_KEY query.
  r = Call(QueryRequest("TopicQ", "K2", false));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  recs.clear();
  ASSERT_TRUE(protocol::DecodeRecords(r.body, &recs).ok());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].body, "first");
  r = Call(QueryRequest("TopicQ", "UNIQ-3", true));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  recs.clear();
  ASSERT_TRUE(protocol::DecodeRecords(r.body, &recs).ok());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].body, "third");
}

TEST_F(AdminTest, QueryWithoutAMatchIsQueryNotFound) {
  Send("TopicQ", "x", "Aa");
  // "BB" only collides with "Aa": not found, with the index position in the header all the same.
  for (const auto& [topic, key] :
       {std::pair{"TopicQ", "BB"}, std::pair{"TopicQ", "nope"}, std::pair{"OtherTopic", "Aa"}}) {
    RemotingCommand r = Call(QueryRequest(topic, key, false));
    EXPECT_EQ(r.code, ResponseCode::kQueryNotFound) << topic << " " << key;
    EXPECT_EQ(r.remark.value_or(""), "can not find message, maybe time range not correct");
    EXPECT_TRUE(r.body.empty());
    EXPECT_TRUE(protocol::QueryMessageResponseHeader::Decode(r.ext_fields).ok());
  }
  // Outside the time range.
  RemotingCommand req = QueryRequest("TopicQ", "Aa", false);
  auto h = *protocol::QueryMessageRequestHeader::Decode(req.ext_fields);
  h.end_timestamp = 1000;
  req.ext_fields.clear();
  h.Encode(&req.ext_fields);
  EXPECT_EQ(Call(std::move(req)).code, ResponseCode::kQueryNotFound);
}

TEST_F(AdminTest, ViewMessageByIdReturnsTheRecordAtTheOffset) {
  Send("TopicV", "one", "K1");
  auto sent = Send("TopicV", "two", "K2");
  auto id = protocol::DecodeOffsetMessageId(sent.msg_id);
  ASSERT_TRUE(id.ok());
  protocol::ViewMessageRequestHeader h;
  h.offset = id->commit_log_offset;
  RemotingCommand r = Call(Request(RequestCode::kViewMessageById, h));
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  auto rec = protocol::DecodeRecord(r.body);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->body, "two");
  EXPECT_EQ(rec->topic, "TopicV");
  EXPECT_EQ(rec->OffsetMsgId(), sent.msg_id);

  h.offset = id->commit_log_offset + 3;  // not where a record starts
  r = Call(Request(RequestCode::kViewMessageById, h));
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""),
            "can not find message by the offset, " + std::to_string(h.offset));
}

// ---- LOCK_BATCH_MQ / UNLOCK_BATCH_MQ -----------------------------------------------------------

RemotingCommand LockRequest(int32_t code, const std::string& client_id,
                            std::vector<MessageQueue> mqs) {
  protocol::LockBatchRequestBody body;
  body.consumer_group = "GID_golden_order";
  body.client_id = client_id;
  body.mq_set = std::move(mqs);
  RemotingCommand req = RemotingCommand::Request(code);
  req.body = body.Encode();
  return req;
}

TEST_F(AdminTest, LockAndUnlockAnswerAsTheGoldenCapture) {
  // 18_orderly_consume: the Java consumer's LOCK_BATCH_MQ (frame 28) and the broker's answer
  // (frame 29), then UNLOCK_BATCH_MQ of all its queues at shutdown (63, 64).
  auto golden = orbit::testing::LoadGoldenFile("18_orderly_consume");
  ASSERT_FALSE(golden.empty());
  const auto& lock_req = GoldenFrameAt(golden, 28);
  const auto& lock_resp = GoldenFrameAt(golden, 29);
  ASSERT_EQ(lock_req.code, RequestCode::kLockBatchMq);
  RemotingCommand req = RemotingCommand::Request(RequestCode::kLockBatchMq);
  req.body = lock_req.body();
  RemotingCommand r = Call(std::move(req));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  EXPECT_EQ(r.body, lock_resp.body());
  EXPECT_EQ(r.remark, std::nullopt);

  const MessageQueue q0{"GoldenOrder", "broker-a", 0};
  const int64_t now = broker_->clock().NowMillis();
  EXPECT_EQ(broker_->rebalance_locks().Owner("GID_golden_order", q0, now),
            "127.0.0.1@golden_order");

  // Another client of the group gets nothing while the lock lives, and cannot unlock it.
  r = Call(LockRequest(RequestCode::kLockBatchMq, "10.0.0.9@other", {q0}));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto body = protocol::LockBatchResponseBody::Decode(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(body->lock_ok_mq_set.empty());
  EXPECT_EQ(Call(LockRequest(RequestCode::kUnlockBatchMq, "10.0.0.9@other", {q0})).code,
            ResponseCode::kSuccess);
  EXPECT_EQ(broker_->rebalance_locks().Owner("GID_golden_order", q0, now),
            "127.0.0.1@golden_order");

  // The owner asking again renews it.
  r = Call(LockRequest(RequestCode::kLockBatchMq, "127.0.0.1@golden_order", {q0}));
  body = protocol::LockBatchResponseBody::Decode(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->lock_ok_mq_set, std::vector<MessageQueue>{q0});

  // The golden UNLOCK_BATCH_MQ releases it (code only, no body), and the other client gets it.
  const auto& unlock_req = GoldenFrameAt(golden, 63);
  ASSERT_EQ(unlock_req.code, RequestCode::kUnlockBatchMq);
  req = RemotingCommand::Request(RequestCode::kUnlockBatchMq);
  req.body = unlock_req.body();
  r = Call(std::move(req));
  EXPECT_EQ(r.code, GoldenFrameAt(golden, 64).code);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(broker_->rebalance_locks().Owner("GID_golden_order", q0, now), std::nullopt);
  r = Call(LockRequest(RequestCode::kLockBatchMq, "10.0.0.9@other", {q0}));
  body = protocol::LockBatchResponseBody::Decode(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->lock_ok_mq_set, std::vector<MessageQueue>{q0});
}

TEST_F(AdminTest, ALockBodyThatDoesNotDecodeIsASystemError) {
  RemotingCommand req = RemotingCommand::Request(RequestCode::kLockBatchMq);
  req.body = "{not json";
  EXPECT_EQ(Call(std::move(req)).code, ResponseCode::kSystemError);
}

// ---- GET_BROKER_RUNTIME_INFO ------------------------------------------------------------------

TEST_F(AdminTest, RuntimeInfoUsesApacheKeysAndMeasuresTheStore) {
  Send("TopicR", "abc", "K");
  RemotingCommand r = Call(RemotingCommand::Request(RequestCode::kGetBrokerRuntimeInfo));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto kv = protocol::KVTable::Decode(r.body);
  ASSERT_TRUE(kv.ok());
  const auto& t = kv->table;

  // Every key is one the Apache 4.9.8 broker sends (16_mqadmin_clusterList_consumerProgress).
  auto golden = orbit::testing::LoadGoldenFile("16_mqadmin_clusterList_consumerProgress");
  const auto& golden_resp = GoldenFrameAt(golden, 6);
  ASSERT_EQ(golden_resp.request_code, RequestCode::kGetBrokerRuntimeInfo);
  auto golden_kv = protocol::KVTable::Decode(golden_resp.body());
  ASSERT_TRUE(golden_kv.ok());
  for (const auto& [key, value] : t) {
    if (key.rfind("commitLogDiskRatio_", 0) == 0) continue;  // the path differs
    EXPECT_EQ(golden_kv->table.count(key), 1u) << key << " is not an Apache key";
  }
  // What mqadmin clusterList and brokerStatus read.
  for (const char* key : {"brokerVersionDesc",
                          "putTps",
                          "getTransferedTps",
                          "sendThreadPoolQueueSize",
                          "pullThreadPoolQueueSize",
                          "sendThreadPoolQueueHeadWaitTimeMills",
                          "pullThreadPoolQueueHeadWaitTimeMills",
                          "earliestMessageTimeStamp",
                          "commitLogDiskRatio",
                          "msgPutTotalYesterdayMorning",
                          "msgPutTotalTodayMorning",
                          "msgPutTotalTodayNow",
                          "msgGetTotalYesterdayMorning",
                          "msgGetTotalTodayMorning",
                          "msgGetTotalTodayNow",
                          "bootTimestamp",
                          "runtime",
                          "commitLogMaxOffset",
                          "commitLogMinOffset",
                          "dispatchBehindBytes"}) {
    EXPECT_EQ(t.count(key), 1u) << key;
  }
  EXPECT_EQ(t.at("brokerVersionDesc"), "V4_9_8");
  EXPECT_EQ(t.at("brokerVersion"), "409");
  EXPECT_EQ(t.at("msgPutTotalTodayNow"), "1");
  EXPECT_EQ(t.at("putMessageTimesTotal"), "1");
  EXPECT_EQ(t.at("commitLogMinOffset"), "0");
  EXPECT_EQ(t.at("commitLogMaxOffset"), std::to_string(broker_->store().GetMaxPhyOffset()));
  EXPECT_EQ(t.at("putMessageSizeTotal"), t.at("commitLogMaxOffset"));
  EXPECT_EQ(t.at("dispatchBehindBytes"), "0");
  EXPECT_EQ(t.at("earliestMessageTimeStamp"),
            std::to_string(broker_->store().GetEarliestMessageTime()));
  EXPECT_EQ(t.at("commitLogDiskRatio_" + broker_->store().config().CommitLogDir()),
            t.at("commitLogDiskRatio"));
  double ratio = std::stod(t.at("commitLogDiskRatio"));
  EXPECT_GT(ratio, 0.0);
  EXPECT_LE(ratio, 1.0);
  EXPECT_NE(t.at("runtime").find(" days, "), std::string::npos);
  EXPECT_NE(t.at("commitLogDirCapacity").find("Total : "), std::string::npos);
  // Three windows, separated by spaces, as Apache writes them.
  EXPECT_EQ(std::count(t.at("putTps").begin(), t.at("putTps").end(), ' '), 2);
  EXPECT_EQ(std::count(t.at("getTotalTps").begin(), t.at("getTotalTps").end(), ' '), 2);
}

TEST(RuntimeStatsTest, RatesOverTheSampledWindows) {
  RuntimeStats stats(1'700'000'000'000);
  store::StoreStats s;
  int64_t t = 1'700'000'000'000;
  for (int i = 0; i <= 10; ++i) {
    s.put_messages = 2 * i;
    s.get_found = i;
    s.get_transferred = 3 * i;
    stats.Sample(s, t + 1000 * i);
  }
  // 11 samples: the 10 s window is covered, the 1 min and 10 min ones are not.
  EXPECT_EQ(stats.PutTps(), "2.0  ");
  EXPECT_EQ(stats.GetTransferedTps(), "3.0  ");
  EXPECT_EQ(stats.GetMissTps(), "0.0  ");
  EXPECT_EQ(stats.GetTotalTps(), "1.0 0.0 0.0");
  EXPECT_EQ(stats.daily().put_today_morning, 0);
}

TEST(RuntimeStatsTest, ApacheFormats) {
  EXPECT_EQ(JavaDoubleString(0.0), "0.0");
  EXPECT_EQ(JavaDoubleString(0.22), "0.22");
  EXPECT_EQ(JavaDoubleString(329.4516129032258), "329.4516129032258");
  EXPECT_EQ(JavaDoubleString(1.0), "1.0");
  EXPECT_EQ(JavaDoubleString(1e-4), "1.0E-4");
  EXPECT_EQ(JavaDoubleString(12345678.0), "1.2345678E7");
  EXPECT_EQ(JavaDoubleString(-1.0), "-1.0");
  EXPECT_EQ(HumanReadableByteCount(0), "0 B");
  EXPECT_EQ(HumanReadableByteCount(1023), "1023 B");
  EXPECT_EQ(HumanReadableByteCount(1536), "1.5 KiB");
  EXPECT_EQ(HumanReadableByteCount(int64_t{252} << 30), "252.0 GiB");
  EXPECT_EQ(FormatRuntime(204000), "[ 0 days, 0 hours, 3 minutes, 24 seconds ]");
  EXPECT_EQ(FormatRuntime(90061000), "[ 1 days, 1 hours, 1 minutes, 1 seconds ]");
}

// ---- GET_TOPIC_STATS_INFO / GET_CONSUME_STATS / QUERY_TOPIC_CONSUME_BY_WHO ---------------------

TEST_F(AdminTest, TopicStatsHasOneEntryPerWriteQueue) {
  CreateTopic("TopicS", 3);
  Send("TopicS", "a", "K", "", 1);
  Send("TopicS", "b", "K", "", 1);
  protocol::GetTopicStatsInfoRequestHeader h;
  h.topic = "TopicS";
  RemotingCommand r = Call(Request(RequestCode::kGetTopicStatsInfo, h));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto table = protocol::TopicStatsTable::Decode(r.body);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->offset_table.size(), 3u);
  const auto& q1 = table->offset_table.at(MessageQueue{"TopicS", "broker-a", 1});
  EXPECT_EQ(q1.min_offset, 0);
  EXPECT_EQ(q1.max_offset, 2);
  EXPECT_EQ(q1.last_update_timestamp, broker_->store().GetMessageStoreTimestamp("TopicS", 1, 1));
  const auto& q0 = table->offset_table.at(MessageQueue{"TopicS", "broker-a", 0});
  EXPECT_EQ(q0.max_offset, 0);
  EXPECT_EQ(q0.last_update_timestamp, 0);

  h.topic = "NoSuchTopic";
  r = Call(Request(RequestCode::kGetTopicStatsInfo, h));
  EXPECT_EQ(r.code, ResponseCode::kTopicNotExist);
  EXPECT_EQ(r.remark.value_or(""), "topic[NoSuchTopic] not exist");
}

TEST_F(AdminTest, ConsumeStatsAnswerAsTheGoldenCapture) {
  CreateTopic("GoldenRetry", 1);
  Send("GoldenRetry", "a", "K");
  Send("GoldenRetry", "b", "K");
  Commit("GID_golden_retry", "GoldenRetry", 0, 1);
  Commit("GID_golden_retry", "%RETRY%GID_golden_retry", 0, 0);

  // 16_mqadmin_clusterList_consumerProgress frames 13/14: mqadmin consumerProgress.
  auto golden = orbit::testing::LoadGoldenFile("16_mqadmin_clusterList_consumerProgress");
  const auto& golden_req = GoldenFrameAt(golden, 13);
  const auto& golden_resp = GoldenFrameAt(golden, 14);
  ASSERT_EQ(golden_req.code, RequestCode::kGetConsumeStats);
  RemotingCommand req = RemotingCommand::Request(RequestCode::kGetConsumeStats);
  for (const auto& [k, v] : golden_req.ext) req.ext_fields.Set(k, v);  // AccessKey is ignored
  RemotingCommand r = Call(std::move(req));
  ASSERT_EQ(r.code, golden_resp.code);
  EXPECT_EQ(JsonNames(r.body), JsonNames(golden_resp.body()));
  auto stats = protocol::ConsumeStats::Decode(r.body);
  ASSERT_TRUE(stats.ok());
  // The retry topic (created by the group's heartbeats in Apache) does not exist here: skipped.
  ASSERT_EQ(stats->offset_table.size(), 1u);
  const auto& w = stats->offset_table.at(MessageQueue{"GoldenRetry", "broker-a", 0});
  EXPECT_EQ(w.broker_offset, 2);
  EXPECT_EQ(w.consumer_offset, 1);
  EXPECT_EQ(w.last_timestamp, broker_->store().GetMessageStoreTimestamp("GoldenRetry", 0, 0));
  EXPECT_EQ(stats->consume_tps, 0.0);

  // One topic only; an online group not subscribed to it is not reported on it.
  protocol::GetConsumeStatsRequestHeader h;
  h.consumer_group = "GID_golden_retry";
  h.topic = "GoldenRetry";
  stats = protocol::ConsumeStats::Decode(Call(Request(RequestCode::kGetConsumeStats, h)).body);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->offset_table.size(), 1u);
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "GID_golden_retry", "SomethingElse");
  stats = protocol::ConsumeStats::Decode(Call(Request(RequestCode::kGetConsumeStats, h)).body);
  ASSERT_TRUE(stats.ok());
  EXPECT_TRUE(stats->offset_table.empty());
}

TEST_F(AdminTest, TopicConsumedByOnlineGroupsAndGroupsWithOffsets) {
  CreateTopic("TopicW", 1);
  Commit("GroupWithOffset", "TopicW", 0, 0);
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "OnlineGroup", "TopicW");
  protocol::QueryTopicConsumeByWhoRequestHeader h;
  h.topic = "TopicW";
  RemotingCommand r = Call(Request(RequestCode::kQueryTopicConsumeByWho, h));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto list = protocol::GroupList::Decode(r.body);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->group_list, (std::vector<std::string>{"GroupWithOffset", "OnlineGroup"}));
}

TEST_F(AdminTest, AllSubscriptionGroupsConsumerOffsetsAndDelayOffsets) {
  ASSERT_TRUE(broker_->groups().FindOrCreate("CG1").has_value());
  Commit("CG1", "TopicO", 0, 5);
  RemotingCommand r = Call(RemotingCommand::Request(RequestCode::kGetAllSubscriptiongroupConfig));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto groups = protocol::SubscriptionGroupWrapper::Decode(r.body);
  ASSERT_TRUE(groups.ok());
  EXPECT_EQ(groups->subscription_group_table.count("CG1"), 1u);
  EXPECT_EQ(groups->data_version, broker_->groups().Snapshot().data_version);

  r = Call(RemotingCommand::Request(RequestCode::kGetAllConsumerOffset));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto offsets = protocol::ConsumerOffsetSerializeWrapper::Decode(r.body);
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->offset_table.at("TopicO@CG1").at(0), 5);

  r = Call(RemotingCommand::Request(RequestCode::kGetAllDelayOffset));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  EXPECT_TRUE(protocol::DelayOffsetSerializeWrapper::Decode(r.body).ok()) << r.body;
}

// ---- CLEAN_UNUSED_TOPIC (broker config requests: broker_config_update_test.cc)
// -----------------------------

TEST_F(AdminTest, CleanUnusedTopicDropsQueuesOfTopicsWithoutConfig) {
  CreateTopic("TopicKeep", 1);
  CreateTopic("TopicGone", 1);
  Send("TopicKeep", "a", "K");
  Send("TopicGone", "b", "K");
  ASSERT_TRUE(broker_->topics().Delete("TopicGone").ok());  // config gone, queues left behind
  ASSERT_EQ(broker_->store().ConsumeQueueTopics().count("TopicGone"), 1u);
  EXPECT_EQ(Call(RemotingCommand::Request(RequestCode::kCleanUnusedTopic)).code,
            ResponseCode::kSuccess);
  auto topics = broker_->store().ConsumeQueueTopics();
  EXPECT_EQ(topics.count("TopicGone"), 0u);
  EXPECT_EQ(topics.count("TopicKeep"), 1u);
}

TEST_F(AdminTest, CodesLeftToApacheDefaultAreNotSupported) {
  for (int32_t code : {RequestCode::kInvokeBrokerToGetConsumerStatus,
                       RequestCode::kQueryCorrectionOffset, RequestCode::kQueryConsumeQueue,
                       RequestCode::kViewBrokerStatsData, RequestCode::kGetBrokerConsumeStats}) {
    EXPECT_EQ(Call(RemotingCommand::Request(code)).code, ResponseCode::kRequestCodeNotSupported)
        << code;
  }
}

}  // namespace
}  // namespace orbit::broker::admin_test
