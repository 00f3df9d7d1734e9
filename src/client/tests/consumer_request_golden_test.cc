// The consumers' requests against the frames Apache RocketMQ 4.9.8's Java consumers sent
// (tests/data/golden): queue offset lookups, consumer offsets, pulls as the push and the pull
// consumer send them, send-back and the orderly queue locks, header field for field. The
// capture's ReqT field is the capture tool's own RPC hook and is left out.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "client/consumer_broker_api.h"
#include "client/offset_store.h"
#include "client/pull_api.h"
#include "golden/golden.h"
#include "protocol/bodies_consumer.h"
#include "protocol/codes.h"
#include "protocol/remoting_command.h"

namespace orbit::client {
namespace {

using orbit::testing::GoldenFrame;
using protocol::RemotingCommand;
using protocol::RequestCode;
using KeyValues = std::map<std::string, std::string>;

// The first request with `code` in a capture.
GoldenFrame FirstRequest(const std::string& file, int32_t code) {
  for (const GoldenFrame& f : orbit::testing::LoadGoldenFile(file)) {
    if (!f.is_response && f.code == code && f.direction == "C->B") return f;
  }
  ADD_FAILURE() << file << ": no request " << code;
  return GoldenFrame{};
}

KeyValues Fields(const GoldenFrame& g) {
  KeyValues out(g.ext.begin(), g.ext.end());
  out.erase("ReqT");
  return out;
}

KeyValues Fields(const RemotingCommand& mine) {
  return KeyValues(mine.ext_fields.begin(), mine.ext_fields.end());
}

MessageQueue QueueOf(const GoldenFrame& g) {
  return MessageQueue{g.ext.at("topic"), g.ext.at("bname"), std::stoi(g.ext.at("queueId"))};
}

TEST(ConsumerRequestGoldenTest, QueueOffsetLookups) {
  for (int32_t code : {RequestCode::kGetMaxOffset, RequestCode::kGetMinOffset,
                       RequestCode::kSearchOffsetByTimestamp}) {
    GoldenFrame g = FirstRequest("12_consumer_offset", code);
    int64_t timestamp = g.ext.contains("timestamp") ? std::stoll(g.ext.at("timestamp")) : 0;
    RemotingCommand mine = BuildQueueOffsetRequest(code, QueueOf(g), timestamp);
    EXPECT_EQ(mine.code, code);
    EXPECT_EQ(Fields(mine), Fields(g)) << g.Name();
  }
}

TEST(ConsumerRequestGoldenTest, ConsumerOffsets) {
  GoldenFrame query = FirstRequest("12_consumer_offset", RequestCode::kQueryConsumerOffset);
  EXPECT_EQ(Fields(RemotingOffsetBrokerApi::BuildQueryRequest(QueueOf(query),
                                                              query.ext.at("consumerGroup"))),
            Fields(query));
  GoldenFrame update = FirstRequest("12_consumer_offset", RequestCode::kUpdateConsumerOffset);
  EXPECT_EQ(Fields(RemotingOffsetBrokerApi::BuildUpdateRequest(
                QueueOf(update), update.ext.at("consumerGroup"),
                std::stoll(update.ext.at("commitOffset")))),
            Fields(update));
}

TEST(ConsumerRequestGoldenTest, PushConsumerPull) {
  // A push consumer's first pull: suspend only (no offset to commit yet, subscription from the
  // heartbeat), 15 s suspend, the subscription's version.
  GoldenFrame g = FirstRequest("13_consumer_send_back", RequestCode::kPullMessage);
  PullRequestSpec spec;
  spec.consumer_group = g.ext.at("consumerGroup");
  spec.queue = QueueOf(g);
  spec.offset = 0;
  spec.max_nums = 32;
  spec.sys_flag = BuildPullSysFlag(false, true, false, false);
  spec.commit_offset = 0;
  spec.suspend_timeout_ms = 15000;
  spec.sub_version = std::stoll(g.ext.at("subVersion"));
  EXPECT_EQ(Fields(BuildPullRequest(spec)), Fields(g));
}

TEST(ConsumerRequestGoldenTest, PullConsumerBlockingPull) {
  // DefaultMQPullConsumer.pullBlockIfNotFound: suspend + subscription, subVersion 0.
  GoldenFrame g = FirstRequest("11_pull_long_polling", RequestCode::kPullMessage);
  PullRequestSpec spec;
  spec.consumer_group = g.ext.at("consumerGroup");
  spec.queue = QueueOf(g);
  spec.offset = 0;
  spec.max_nums = 32;
  spec.sys_flag = BuildPullSysFlag(false, true, true, false);
  spec.subscription = "*";
  spec.sub_version = 0;
  spec.suspend_timeout_ms = std::stoll(g.ext.at("suspendTimeoutMillis"));
  EXPECT_EQ(Fields(BuildPullRequest(spec)), Fields(g));
}

TEST(ConsumerRequestGoldenTest, SendBack) {
  GoldenFrame g = FirstRequest("13_consumer_send_back", RequestCode::kConsumerSendMsgBack);
  MessageExt msg;
  msg.set_topic(g.ext.at("originTopic"));
  msg.msg_id = g.ext.at("originMsgId");
  msg.commit_log_offset = std::stoll(g.ext.at("offset"));
  msg.broker_name = g.ext.at("bname");
  RemotingCommand mine =
      BuildSendBackRequest(msg, g.ext.at("group"), msg.topic(), 0, 16, msg.broker_name);
  EXPECT_EQ(mine.code, RequestCode::kConsumerSendMsgBack);
  EXPECT_EQ(Fields(mine), Fields(g));
}

TEST(ConsumerRequestGoldenTest, OrderlyLocks) {
  for (int32_t code : {RequestCode::kLockBatchMq, RequestCode::kUnlockBatchMq}) {
    GoldenFrame g = FirstRequest("18_orderly_consume", code);
    const std::string body = g.bytes.substr(g.bytes.size() - static_cast<size_t>(g.body_len));
    auto java = protocol::LockBatchRequestBody::Decode(body);
    ASSERT_TRUE(java.ok()) << java.status().ToString();
    std::set<MessageQueue> mqs;
    for (const auto& mq : java->mq_set)
      mqs.insert(MessageQueue{mq.topic, mq.broker_name, mq.queue_id});
    RemotingCommand mine = BuildLockBatchRequest(code, java->consumer_group, java->client_id, mqs);
    EXPECT_EQ(Fields(mine), Fields(g));
    auto ours = protocol::LockBatchRequestBody::Decode(mine.body);
    ASSERT_TRUE(ours.ok()) << ours.status().ToString();
    EXPECT_EQ(ours->consumer_group, java->consumer_group);
    EXPECT_EQ(ours->client_id, java->client_id);
    std::set<MessageQueue> back;
    for (const auto& mq : ours->mq_set)
      back.insert(MessageQueue{mq.topic, mq.broker_name, mq.queue_id});
    EXPECT_EQ(back, mqs);
    // Same members in the same order as fastjson writes them.
    EXPECT_EQ(mine.body.substr(0, 12), body.substr(0, 12));
  }
}

}  // namespace
}  // namespace orbit::client
