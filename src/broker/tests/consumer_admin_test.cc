// Admin requests about a broker's clients (connection lists, offset reset by time, requests
// forwarded to a consumer) against a real broker on a loopback ephemeral port: an admin client
// asks, a consumer client answers what the broker sends it.

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "broker/tests/admin_test_support.h"
#include "protocol/message.h"

namespace orbit::broker::admin_test {
namespace {

class ConsumerAdminTest : public AdminTest {
 protected:
  // The first RESET_CONSUMER_CLIENT_OFFSET the broker pushes to consumer_ (register before its
  // first heartbeat).
  std::future<RemotingCommand> FirstResetPushed() {
    auto pushed = std::make_shared<std::promise<RemotingCommand>>();
    auto first = std::make_shared<std::atomic<bool>>(true);
    consumer_->RegisterProcessor(RequestCode::kResetConsumerClientOffset,
                                 [pushed, first](const net::ConnectionPtr&, RemotingCommand req) {
                                   if (first->exchange(false)) pushed->set_value(std::move(req));
                                 });
    return pushed->get_future();
  }

  // Has consumer_ answer requests of `code` with SUCCESS and `body`; the future holds the one the
  // broker forwarded.
  std::future<RemotingCommand> AnswerWith(int32_t code, std::string body) {
    auto asked = std::make_shared<std::promise<RemotingCommand>>();
    consumer_->RegisterProcessor(
        code, [asked, body](const net::ConnectionPtr& conn, RemotingCommand req) {
          RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
          resp.body = body;
          net::Reply(conn, req, std::move(resp));
          asked->set_value(std::move(req));
        });
    return asked->get_future();
  }
};

// ---- GET_CONSUMER_CONNECTION_LIST / GET_PRODUCER_CONNECTION_LIST -------------------------------

TEST_F(ConsumerAdminTest, ConsumerAndProducerConnections) {
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "CG", "TopicC", "PGX");
  protocol::GetConsumerConnectionListRequestHeader ch;
  ch.consumer_group = "CG";
  RemotingCommand r = Call(Request(RequestCode::kGetConsumerConnectionList, ch));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto cc = protocol::ConsumerConnection::Decode(r.body);
  ASSERT_TRUE(cc.ok());
  ASSERT_EQ(cc->connection_set.size(), 1u);
  EXPECT_EQ(cc->connection_set[0].client_id, "127.0.0.1@c1");
  EXPECT_EQ(cc->connection_set[0].client_addr.rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(cc->connection_set[0].language, protocol::LanguageCode::kCpp);
  EXPECT_EQ(cc->connection_set[0].version, protocol::kOrbitVersion);
  EXPECT_EQ(cc->consume_type, protocol::ConsumeType::kConsumePassively);
  EXPECT_EQ(cc->message_model, protocol::MessageModel::kClustering);
  EXPECT_EQ(cc->consume_from_where, protocol::ConsumeFromWhere::kConsumeFromFirstOffset);
  ASSERT_EQ(cc->subscription_table.count("TopicC"), 1u);
  EXPECT_EQ(cc->subscription_table.at("TopicC").sub_string, "*");

  ch.consumer_group = "Offline";
  r = Call(Request(RequestCode::kGetConsumerConnectionList, ch));
  EXPECT_EQ(r.code, ResponseCode::kConsumerNotOnline);
  EXPECT_EQ(r.remark.value_or(""), "the consumer group[Offline] not online");

  protocol::GetProducerConnectionListRequestHeader ph;
  ph.producer_group = "PGX";
  r = Call(Request(RequestCode::kGetProducerConnectionList, ph));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  auto pc = protocol::ProducerConnection::Decode(r.body);
  ASSERT_TRUE(pc.ok());
  ASSERT_EQ(pc->connection_set.size(), 1u);
  EXPECT_EQ(pc->connection_set[0].client_id, "127.0.0.1@c1");
  ph.producer_group = "NoProducer";
  r = Call(Request(RequestCode::kGetProducerConnectionList, ph));
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "the producer group[NoProducer] not exist");
}

// ---- INVOKE_BROKER_TO_RESET_OFFSET -------------------------------------------------------------

TEST_F(ConsumerAdminTest, ResetOffsetByTimeCommitsAndTellsTheOnlineClients) {
  CreateTopic("TopicT", 1);
  Send("TopicT", "m0", "K");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Send("TopicT", "m1", "K");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Send("TopicT", "m2", "K");
  const int64_t t1 = broker_->store().GetMessageStoreTimestamp("TopicT", 0, 1);
  ASSERT_GT(t1, broker_->store().GetMessageStoreTimestamp("TopicT", 0, 0));
  Commit("CGT", "TopicT", 0, 3);

  auto future = FirstResetPushed();
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "CGT", "TopicT");

  protocol::ResetOffsetRequestHeader h;
  h.topic = "TopicT";
  h.group = "CGT";
  h.timestamp = t1;
  h.is_force = false;
  RemotingCommand req = Request(RequestCode::kInvokeBrokerToResetOffset, h);
  req.language = protocol::LanguageCode::kJava;  // mqadmin
  RemotingCommand r = Call(std::move(req));
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  const MessageQueue q0{"TopicT", "broker-a", 0};
  auto body = protocol::ResetOffsetBody::Decode(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->offset_table, (std::map<MessageQueue, int64_t>{{q0, 1}}));
  EXPECT_EQ(broker_->offsets().Query("CGT", "TopicT", 0), 1);

  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  RemotingCommand push = future.get();
  EXPECT_TRUE(push.is_oneway());
  auto ph = protocol::ResetOffsetRequestHeader::Decode(push.ext_fields);
  ASSERT_TRUE(ph.ok());
  EXPECT_EQ(ph->topic, "TopicT");
  EXPECT_EQ(ph->group, "CGT");
  EXPECT_EQ(ph->timestamp, t1);
  auto pushed_body = protocol::ResetOffsetBody::Decode(push.body);
  ASSERT_TRUE(pushed_body.ok());
  EXPECT_EQ(pushed_body->offset_table, body->offset_table);

  // Not forced, a later time than the committed offset keeps the committed one.
  h.timestamp = -1;  // the queue's end: 3, not behind 1
  r = Call(Request(RequestCode::kInvokeBrokerToResetOffset, h));
  ASSERT_EQ(r.code, ResponseCode::kSuccess);
  EXPECT_EQ(broker_->offsets().Query("CGT", "TopicT", 0), 1);
  h.is_force = true;
  ASSERT_EQ(Call(Request(RequestCode::kInvokeBrokerToResetOffset, h)).code, ResponseCode::kSuccess);
  EXPECT_EQ(broker_->offsets().Query("CGT", "TopicT", 0), 3);
}

TEST_F(ConsumerAdminTest, ResetOffsetForACppAdminSendsTheBodyForC) {
  CreateTopic("TopicT", 1);
  Send("TopicT", "m0", "K");
  Commit("CGT", "TopicT", 0, 1);
  auto future = FirstResetPushed();
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "CGT", "TopicT");
  protocol::ResetOffsetRequestHeader h;
  h.topic = "TopicT";
  h.group = "CGT";
  h.timestamp = 0;
  h.is_force = true;
  RemotingCommand req = Request(RequestCode::kInvokeBrokerToResetOffset, h);
  req.language = protocol::LanguageCode::kCpp;
  RemotingCommand r = Call(std::move(req));
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  EXPECT_TRUE(protocol::ResetOffsetBody::Decode(r.body).ok());  // the answer is always Java's
  ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto body = protocol::ResetOffsetBodyForC::Decode(future.get().body);
  ASSERT_TRUE(body.ok());
  ASSERT_EQ(body->offset_table.size(), 1u);
  EXPECT_EQ(body->offset_table[0].topic, "TopicT");
  EXPECT_EQ(body->offset_table[0].broker_name, "broker-a");
  EXPECT_EQ(body->offset_table[0].offset, 0);
}

TEST_F(ConsumerAdminTest, ResetOffsetRefusals) {
  CreateTopic("TopicT", 1);
  protocol::ResetOffsetRequestHeader h;
  h.topic = "NoTopic";
  h.group = "CGT";
  h.timestamp = 0;
  RemotingCommand r = Call(Request(RequestCode::kInvokeBrokerToResetOffset, h));
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""),
            "[reset-offset] reset offset failed, no topic in this broker. topic=NoTopic");
  h.topic = "TopicT";
  r = Call(Request(RequestCode::kInvokeBrokerToResetOffset, h));
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "THe consumer group <CGT> not exist");
  Commit("CGT", "TopicT", 0, 0);
  r = Call(Request(RequestCode::kInvokeBrokerToResetOffset, h));
  EXPECT_EQ(r.code, ResponseCode::kConsumerNotOnline);
  EXPECT_EQ(r.remark.value_or(""),
            "Consumer not online, so can not reset offset, Group: CGT Topic: TopicT Timestamp: 0");
}

// ---- GET_CONSUMER_RUNNING_INFO / CONSUME_MESSAGE_DIRECTLY (forwarded) --------------------------

TEST_F(ConsumerAdminTest, RunningInfoIsForwardedToTheClientAndItsAnswerReturned) {
  protocol::ConsumerRunningInfo info;
  info.properties["PROP_CONSUME_TYPE"] = "CONSUME_PASSIVELY";
  info.jstack = "stack";
  auto asked = AnswerWith(RequestCode::kGetConsumerRunningInfo, info.Encode());
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "CGI", "TopicI");
  protocol::GetConsumerRunningInfoRequestHeader h;
  h.consumer_group = "CGI";
  h.client_id = "127.0.0.1@c1";
  h.jstack_enable = true;
  RemotingCommand r = Call(Request(RequestCode::kGetConsumerRunningInfo, h));
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  auto got = protocol::ConsumerRunningInfo::Decode(r.body);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, info);
  auto fwd = asked.get();
  EXPECT_EQ(protocol::GetConsumerRunningInfoRequestHeader::Decode(fwd.ext_fields)->jstack_enable,
            true);

  h.client_id = "127.0.0.1@nobody";
  r = Call(Request(RequestCode::kGetConsumerRunningInfo, h));
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "The Consumer <CGI> <127.0.0.1@nobody> not online");
}

TEST_F(ConsumerAdminTest, ConsumeMessageDirectlyCarriesTheRecordToTheClient) {
  auto sent = Send("TopicD", "direct", "K");
  protocol::ConsumeMessageDirectlyResult answer;
  answer.consume_result = protocol::CMResult::kCrSuccess;
  answer.remark = "ok";
  auto asked = AnswerWith(RequestCode::kConsumeMessageDirectly, answer.Encode());
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "CGD", "TopicD");
  protocol::ConsumeMessageDirectlyResultRequestHeader h;
  h.consumer_group = "CGD";
  h.client_id = "127.0.0.1@c1";
  h.msg_id = sent.msg_id;
  RemotingCommand r = Call(Request(RequestCode::kConsumeMessageDirectly, h));
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  auto result = protocol::ConsumeMessageDirectlyResult::Decode(r.body);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->consume_result, protocol::CMResult::kCrSuccess);
  RemotingCommand fwd = asked.get();
  auto fh = protocol::ConsumeMessageDirectlyResultRequestHeader::Decode(fwd.ext_fields);
  ASSERT_TRUE(fh.ok());
  EXPECT_EQ(fh->broker_name, "broker-a");
  auto rec = protocol::DecodeRecord(fwd.body);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->body, "direct");

  h.msg_id = "not-an-id";
  EXPECT_EQ(Call(Request(RequestCode::kConsumeMessageDirectly, h)).code,
            ResponseCode::kSystemError);
}

TEST_F(ConsumerAdminTest, AClientThatDoesNotAnswerIsAConsumeTimeout) {
  // A client with no processor for 307 never answers (as the Java client for unknown codes).
  Heartbeat(consumer_.get(), "127.0.0.1@c1", "CGS", "TopicS");
  protocol::GetConsumerRunningInfoRequestHeader h;
  h.consumer_group = "CGS";
  h.client_id = "127.0.0.1@c1";
  auto start = std::chrono::steady_clock::now();
  RemotingCommand r = Call(Request(RequestCode::kGetConsumerRunningInfo, h));
  EXPECT_EQ(r.code, ResponseCode::kConsumeMsgTimeout);
  EXPECT_EQ(r.remark.value_or("").rfind("consumer <CGS> <127.0.0.1@c1> Timeout: ", 0), 0u)
      << r.remark.value_or("");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(9));
}

}  // namespace
}  // namespace orbit::broker::admin_test
