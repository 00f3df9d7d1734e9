// The broker on a loopback ephemeral port, driven by a raw remoting client: every request is a
// real frame over TCP, answered by the real store in a temporary directory.

#include "broker/broker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "broker/tests/broker_test_support.h"
#include "net/remoting_client.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message.h"
#include "protocol/message_batch.h"
#include "protocol/properties.h"

namespace orbit::broker {
namespace {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;
using test_support::BrokerFixture;
using test_support::PullRequest;
using test_support::Records;
using test_support::Request;
using test_support::SendRequestV2;

class BrokerTest : public BrokerFixture {
 protected:
  BrokerTest() : BrokerFixture("broker-t", "orbit-broker-test-") {}

  void Configure(BrokerConfig& config) override {
    config.auto_create_topic_enable = auto_create_topic_;
  }

  // Stops broker and client and starts both again on the same store.
  void Restart(bool auto_create_topic = true) {
    auto_create_topic_ = auto_create_topic;
    RestartBroker();
  }

  // Properties: `extra`, then TAGS, KEYS and WAIT, as a Java producer sets them.
  static RemotingCommand SendRequest(const std::string& topic, const std::string& body,
                                     const std::string& tags, int32_t queue_id = 0,
                                     protocol::MessageProperties extra = {}) {
    extra.Set(protocol::kPropertyTags, tags);
    extra.Set(protocol::kPropertyKeys, "K-" + body);
    extra.Set(protocol::kPropertyWaitStoreMsgOk, "true");
    return SendRequestV2(topic, body, extra, queue_id);
  }

  // Sends and waits until the message is in its consume queue.
  void SendOk(const std::string& topic, const std::string& body, const std::string& tags) {
    SendAndWait(SendRequest(topic, body, tags));
  }

  bool auto_create_topic_ = true;
};

TEST_F(BrokerTest, SendThenPullReturnsTheStoredMessage) {
  RemotingCommand resp = Call(SendRequest("TopicA", "hello", "TagA"));
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  auto h = protocol::SendMessageResponseHeader::Decode(resp.ext_fields);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->queue_id, 0);
  EXPECT_EQ(h->queue_offset, 0);
  auto id = protocol::DecodeOffsetMessageId(h->msg_id);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->store_host.port, broker_->port());
  ASSERT_NE(resp.ext_fields.Find("MSG_REGION"), nullptr);
  EXPECT_EQ(*resp.ext_fields.Find("MSG_REGION"), "DefaultRegion");
  EXPECT_EQ(*resp.ext_fields.Find("TRACE_ON"), "true");

  // The topic was created from TBW102 with the client's 4 queues.
  auto topic = broker_->topics().Find("TopicA");
  ASSERT_TRUE(topic.has_value());
  EXPECT_EQ(topic->write_queue_nums, 4);

  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  RemotingCommand pulled = Call(PullRequest("TopicA", 0, 0, "*", 0, 0x4));
  ASSERT_EQ(pulled.code, ResponseCode::kSuccess) << pulled.remark.value_or("");
  auto ph = protocol::PullMessageResponseHeader::Decode(pulled.ext_fields);
  ASSERT_TRUE(ph.ok());
  EXPECT_EQ(ph->next_begin_offset, 1);
  EXPECT_EQ(ph->max_offset, 1);
  auto recs = Records(pulled);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].body, "hello");
  EXPECT_EQ(recs[0].topic, "TopicA");
  EXPECT_EQ(recs[0].OffsetMsgId(), h->msg_id);
  EXPECT_EQ(recs[0].properties.Get("TAGS"), "TagA");
  EXPECT_EQ(recs[0].properties.Get("CLUSTER"), "DefaultCluster");
  EXPECT_FALSE(recs[0].properties.Contains("WAIT"));  // not stored, as Apache
  EXPECT_EQ(recs[0].born_host.ToString().substr(0, 10), "127.0.0.1:");
}

TEST_F(BrokerTest, UnknownTopicWithoutAutoCreateIsRefused) {
  Restart(/*auto_create_topic=*/false);
  RemotingCommand resp = Call(SendRequest("NoSuchTopic", "x", "T"));
  EXPECT_EQ(resp.code, ResponseCode::kTopicNotExist);
  EXPECT_NE(resp.remark.value_or("").find("topic[NoSuchTopic] not exist"), std::string::npos);
}

TEST_F(BrokerTest, SystemTopicsAndBadNamesAreRefused) {
  RemotingCommand resp = Call(SendRequest("SCHEDULE_TOPIC_XXXX", "x", "T"));
  EXPECT_EQ(resp.code, ResponseCode::kNoPermission);
  resp = Call(SendRequest("bad topic", "x", "T"));
  EXPECT_NE(resp.code, ResponseCode::kSuccess);
  resp = Call(SendRequest("TopicQ", "x", "T", /*queue_id=*/99));
  EXPECT_EQ(resp.code, ResponseCode::kSystemError);
}

TEST_F(BrokerTest, PullFiltersByTagHash) {
  for (int i = 0; i < 6; ++i) {
    SendOk("TopicF", "m" + std::to_string(i), i % 2 ? "TagB" : "TagA");
  }
  RemotingCommand pulled = Call(PullRequest("TopicF", 0, 0, "TagB || TagC", 0, 0x4));
  ASSERT_EQ(pulled.code, ResponseCode::kSuccess);
  auto recs = Records(pulled);
  ASSERT_EQ(recs.size(), 3u);
  for (const auto& r : recs) EXPECT_EQ(r.properties.Get("TAGS"), "TagB");
}

TEST_F(BrokerTest, HeldPullIsAnsweredWhenAMessageArrives) {
  SendOk("TopicL", "first", "T");
  // Offset 1 is past the end: the pull is held (suspend flag 0x2) for up to 20 s.
  std::promise<Result<RemotingCommand>> answered;
  auto start = std::chrono::steady_clock::now();
  client_->InvokeAsync(addr_, PullRequest("TopicL", 0, 1, "*", 20000, 0x2 | 0x4), 30000,
                       [&](Result<RemotingCommand> r) { answered.set_value(std::move(r)); });
  auto future = answered.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout)
      << "the pull was answered at once instead of held";
  SendOk("TopicL", "second", "T");
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the held pull was not woken by the new message";
  auto r = future.get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, ResponseCode::kSuccess);
  auto recs = Records(*r);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].body, "second");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
}

TEST_F(BrokerTest, HeldPullExpiresWithPullNotFound) {
  SendOk("TopicE", "only", "T");
  RemotingCommand r = Call(PullRequest("TopicE", 0, 1, "*", 300, 0x2 | 0x4), 10000);
  EXPECT_EQ(r.code, ResponseCode::kPullNotFound);
  auto ph = protocol::PullMessageResponseHeader::Decode(r.ext_fields);
  ASSERT_TRUE(ph.ok());
  EXPECT_EQ(ph->next_begin_offset, 1);
}

TEST_F(BrokerTest, HeldPullIsNotWokenByAMessageOfAnotherTag) {
  SendOk("TopicG", "a", "TagA");
  std::promise<Result<RemotingCommand>> answered;
  client_->InvokeAsync(addr_, PullRequest("TopicG", 0, 1, "TagB", 1500, 0x2 | 0x4), 30000,
                       [&](Result<RemotingCommand> r) { answered.set_value(std::move(r)); });
  auto future = answered.get_future();
  SendOk("TopicG", "b", "TagA");
  // Not woken by TagA; answered when its 1.5 s are up, with nothing of TagB.
  ASSERT_EQ(future.wait_for(std::chrono::milliseconds(700)), std::future_status::timeout);
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto r = future.get();
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->code, ResponseCode::kSuccess);
}

TEST_F(BrokerTest, CommitOffsetIsCarriedInThePullAndQueried) {
  SendOk("TopicO", "x", "T");
  RemotingCommand pull = PullRequest("TopicO", 0, 0, "*", 0, 0x1 | 0x4);
  protocol::PullMessageRequestHeader h =
      *protocol::PullMessageRequestHeader::Decode(pull.ext_fields);
  h.commit_offset = 7;
  pull.ext_fields.clear();
  h.Encode(&pull.ext_fields);
  ASSERT_EQ(Call(std::move(pull)).code, ResponseCode::kSuccess);
  EXPECT_EQ(broker_->offsets().Query("CG", "TopicO", 0), 7);

  protocol::UpdateConsumerOffsetRequestHeader uh;
  uh.consumer_group = "CG";
  uh.topic = "TopicO";
  uh.queue_id = 0;
  uh.commit_offset = 1;
  ASSERT_EQ(Call(Request(RequestCode::kUpdateConsumerOffset, uh)).code, ResponseCode::kSuccess);

  protocol::QueryConsumerOffsetRequestHeader qh;
  qh.consumer_group = "CG";
  qh.topic = "TopicO";
  qh.queue_id = 0;
  RemotingCommand q = Call(Request(RequestCode::kQueryConsumerOffset, qh));
  ASSERT_EQ(q.code, ResponseCode::kSuccess);
  EXPECT_EQ(protocol::QueryConsumerOffsetResponseHeader::Decode(q.ext_fields)->offset, 1);

  // A group with no offset on a queue whose first message is in memory gets 0 (Apache's rule).
  qh.consumer_group = "NewGroup";
  RemotingCommand f = Call(Request(RequestCode::kQueryConsumerOffset, qh));
  ASSERT_EQ(f.code, ResponseCode::kSuccess);
  EXPECT_EQ(protocol::QueryConsumerOffsetResponseHeader::Decode(f.ext_fields)->offset, 0);
}

TEST_F(BrokerTest, MinMaxAndSearchOffsets) {
  for (int i = 0; i < 3; ++i) {
    SendOk("TopicM", "x", "T");
  }
  protocol::GetMaxOffsetRequestHeader mh;
  mh.topic = "TopicM";
  RemotingCommand m = Call(Request(RequestCode::kGetMaxOffset, mh));
  ASSERT_EQ(m.code, ResponseCode::kSuccess);
  EXPECT_EQ(protocol::GetMaxOffsetResponseHeader::Decode(m.ext_fields)->offset, 3);

  protocol::GetMinOffsetRequestHeader nh;
  nh.topic = "TopicM";
  RemotingCommand n = Call(Request(RequestCode::kGetMinOffset, nh));
  ASSERT_EQ(n.code, ResponseCode::kSuccess);
  EXPECT_EQ(protocol::GetMinOffsetResponseHeader::Decode(n.ext_fields)->offset, 0);

  protocol::SearchOffsetRequestHeader sh;
  sh.topic = "TopicM";
  sh.timestamp = 0;
  RemotingCommand s = Call(Request(RequestCode::kSearchOffsetByTimestamp, sh));
  ASSERT_EQ(s.code, ResponseCode::kSuccess);
  EXPECT_EQ(protocol::SearchOffsetResponseHeader::Decode(s.ext_fields)->offset, 0);
}

TEST_F(BrokerTest, HeartbeatRegistersAndNotifiesTheGroup) {
  std::atomic<int> notified{0};
  net::RemotingClient other;
  other.RegisterProcessor(RequestCode::kNotifyConsumerIdsChanged,
                          [&](const net::ConnectionPtr&, RemotingCommand) { ++notified; });
  auto heartbeat = [](const std::string& client_id) {
    return test_support::HeartbeatRequest(test_support::ConsumerHeartbeat(
        client_id, "CGH", "TopicH", protocol::ConsumeFromWhere::kConsumeFromLastOffset));
  };
  ASSERT_EQ(Call(heartbeat("127.0.0.1@one")).code, ResponseCode::kSuccess);
  auto r = other.InvokeSync(addr_, heartbeat("127.0.0.1@two"), 5000);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->code, ResponseCode::kSuccess);

  protocol::GetConsumerListByGroupRequestHeader lh;
  lh.consumer_group = "CGH";
  RemotingCommand l = Call(Request(RequestCode::kGetConsumerListByGroup, lh));
  ASSERT_EQ(l.code, ResponseCode::kSuccess);
  auto body = protocol::GetConsumerListByGroupResponseBody::Decode(l.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->consumer_id_list.size(), 2u);

  // The retry topic of the group exists now.
  EXPECT_TRUE(broker_->topics().Find("%RETRY%CGH").has_value());
  // The second client was told when it joined (NOTIFY goes to every member of the group).
  for (int i = 0; i < 100 && notified.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(notified.load(), 1);
  other.Shutdown();
}

TEST_F(BrokerTest, DelayedMessageGoesToTheScheduleTopic) {
  protocol::MessageProperties extra;
  extra.Set("DELAY", "3");
  ASSERT_EQ(Call(SendRequest("TopicD", "later", "T", 0, extra)).code, ResponseCode::kSuccess);
  broker_->store().WaitDispatched(5000);
  EXPECT_EQ(broker_->store().GetMaxOffsetInQueue("TopicD", 0), 0);
  EXPECT_EQ(broker_->store().GetMaxOffsetInQueue("SCHEDULE_TOPIC_XXXX", 2), 1);
  auto got = broker_->store().GetMessage("SCHEDULE_TOPIC_XXXX", 2, 0, 1);
  ASSERT_EQ(got.messages.size(), 1u);
  auto rec = protocol::DecodeRecord(got.messages[0].view());
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->properties.Get("REAL_TOPIC"), "TopicD");
  EXPECT_EQ(rec->properties.Get("REAL_QID"), "0");
}

TEST_F(BrokerTest, BatchSendStoresConsecutiveMessages) {
  std::vector<protocol::BatchEntry> entries;
  for (int i = 0; i < 3; ++i) {
    protocol::BatchEntry e;
    e.body = "b" + std::to_string(i);
    e.properties.Set("UNIQ_KEY", "U" + std::to_string(i));
    entries.push_back(e);
  }
  RemotingCommand req = RemotingCommand::Request(RequestCode::kSendBatchMessage);
  protocol::SendMessageRequestHeaderV2 h;
  h.a = "PG";
  h.b = "TopicB";
  h.c = "TBW102";
  h.d = 4;
  h.i = std::string("WAIT\x01true");
  h.m = true;
  h.Encode(&req.ext_fields);
  ASSERT_TRUE(protocol::EncodeBatch(entries, &req.body).ok());
  RemotingCommand resp = Call(std::move(req));
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  auto sh = protocol::SendMessageResponseHeader::Decode(resp.ext_fields);
  ASSERT_TRUE(sh.ok());
  auto ids = protocol::DecodeOffsetMessageIdList(sh->msg_id);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 3u);
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  RemotingCommand pulled = Call(PullRequest("TopicB", 0, 0, "*", 0, 0x4));
  auto recs = Records(pulled);
  ASSERT_EQ(recs.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(recs[static_cast<size_t>(i)].body, "b" + std::to_string(i));
    EXPECT_EQ(recs[static_cast<size_t>(i)].queue_offset, i);
    EXPECT_EQ(recs[static_cast<size_t>(i)].properties.Get("CLUSTER"), "DefaultCluster");
  }
}

TEST_F(BrokerTest, RetryMessagePastMaxReconsumeGoesToDlq) {
  ASSERT_TRUE(broker_->groups().FindOrCreate("CGR").has_value());
  RemotingCommand req = SendRequest("%RETRY%CGR", "dead", "T");
  auto h = protocol::SendMessageRequestHeaderV2::Decode(req.ext_fields);
  h->j = 16;
  req.ext_fields.clear();
  h->Encode(&req.ext_fields);
  ASSERT_EQ(Call(std::move(req)).code, ResponseCode::kSuccess);
  broker_->store().WaitDispatched(5000);
  EXPECT_EQ(broker_->store().GetMaxOffsetInQueue("%DLQ%CGR", 0), 1);
}

TEST_F(BrokerTest, AdminCreatesListsAndDeletesTopics) {
  protocol::CreateTopicRequestHeader ch;
  ch.topic = "AdminTopic";
  ch.default_topic = "TBW102";
  ch.read_queue_nums = 3;
  ch.write_queue_nums = 3;
  ch.perm = 6;
  ch.topic_filter_type = "SINGLE_TAG";
  ASSERT_EQ(Call(Request(RequestCode::kUpdateAndCreateTopic, ch)).code, ResponseCode::kSuccess);

  RemotingCommand all = Call(RemotingCommand::Request(RequestCode::kGetAllTopicConfig));
  ASSERT_EQ(all.code, ResponseCode::kSuccess);
  auto table = protocol::TopicConfigSerializeWrapper::Decode(all.body);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->topic_config_table.count("AdminTopic"), 1u);
  EXPECT_EQ(table->topic_config_table["AdminTopic"].read_queue_nums, 3);

  protocol::DeleteTopicRequestHeader dh;
  dh.topic = "AdminTopic";
  ASSERT_EQ(Call(Request(RequestCode::kDeleteTopicInBroker, dh)).code, ResponseCode::kSuccess);
  EXPECT_FALSE(broker_->topics().Find("AdminTopic").has_value());
}

TEST_F(BrokerTest, UnknownCodeIsNotSupported) {
  RemotingCommand r = Call(RemotingCommand::Request(9999));
  EXPECT_EQ(r.code, ResponseCode::kRequestCodeNotSupported);
}

TEST_F(BrokerTest, MessagesSurviveARestart) {
  SendOk("TopicR", "kept", "T");
  Restart();
  RemotingCommand pulled = Call(PullRequest("TopicR", 0, 0, "*", 0, 0x4));
  ASSERT_EQ(pulled.code, ResponseCode::kSuccess);
  auto recs = Records(pulled);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].body, "kept");
}

}  // namespace
}  // namespace orbit::broker
