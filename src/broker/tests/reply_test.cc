// Request-reply on a real broker over loopback: a raw client acting as the requester heartbeats as
// a producer and answers PUSH_REPLY_MESSAGE_TO_CLIENT (326); the replier sends
// SEND_REPLY_MESSAGE(_V2) (324/325) as a Java consumer's MessageUtil.createReplyMessage would.
// No golden capture holds these codes; the expectations follow Apache 4.9's
// ReplyMessageProcessor.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/tests/broker_test_support.h"
#include "net/remoting_client.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message.h"
#include "protocol/properties.h"

namespace orbit::broker {
namespace {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;
using test_support::BrokerFixture;
using test_support::Request;
using test_support::WaitFor;

constexpr const char* kReplyTopic = "RC_REPLY_TOPIC";
constexpr const char* kRequesterId = "127.0.0.1@requester";

int64_t NowMillis() { return Clock::System().NowMillis(); }

// What the requester was pushed. With `hold`, requests are kept unanswered until Release.
struct Requester {
  std::mutex mu;
  std::vector<RemotingCommand> pushed;
  int32_t answer_code = ResponseCode::kSuccess;
  bool hold = false;
  std::vector<std::pair<net::ConnectionPtr, RemotingCommand>> held;

  size_t size() {
    std::lock_guard lock(mu);
    return pushed.size();
  }
  RemotingCommand at(size_t i) {
    std::lock_guard lock(mu);
    return pushed.at(i);
  }
  void Release() {
    std::lock_guard lock(mu);
    for (auto& [conn, req] : held) {
      net::Reply(conn, req, RemotingCommand::ResponseTo(req, answer_code));
    }
    held.clear();
  }
};

// The properties of a reply as the Java replier sends them.
protocol::MessageProperties ReplyProperties(const std::string& reply_to) {
  protocol::MessageProperties props;
  props.Set(protocol::kPropertyCorrelationId, "c0ffee-0001");
  if (!reply_to.empty()) props.Set(protocol::kPropertyMessageReplyToClient, reply_to);
  props.Set(protocol::kPropertyMessageTtl, "3000");
  props.Set(protocol::kPropertyMessageType, "reply");
  props.Set(protocol::kPropertyUniqKey, "7F00000100002A9F0000000000000001");
  props.Set(protocol::kPropertyWaitStoreMsgOk, "true");
  return props;
}

RemotingCommand ReplyRequestV2(const protocol::MessageProperties& props, std::string body,
                               int32_t queue_id = 0) {
  RemotingCommand req = Request(RequestCode::kSendReplyMessageV2,
                                test_support::SendHeaderV2(kReplyTopic, queue_id, props));
  req.body = std::move(body);
  return req;
}

class ReplyTest : public BrokerFixture {
 protected:
  ReplyTest() : BrokerFixture("broker-r", "orbit-reply-test-") {}

  void Configure(BrokerConfig& config) override { config.broker_cluster_name = "RC"; }

  void TearDown() override {
    if (requester_client_) requester_client_->Shutdown();
    if (other_client_) other_client_->Shutdown();
    BrokerFixture::TearDown();
  }

  // Connects the requester and heartbeats it as a producer of PG_REQ, so that the broker knows
  // its connection by client id.
  void StartRequester() {
    requester_client_ = std::make_unique<net::RemotingClient>();
    requester_client_->RegisterProcessor(
        RequestCode::kPushReplyMessageToClient,
        [r = &requester_](const net::ConnectionPtr& conn, RemotingCommand req) {
          std::lock_guard lock(r->mu);
          r->pushed.push_back(req);
          if (r->hold) {
            r->held.emplace_back(conn, std::move(req));
            return;
          }
          net::Reply(conn, req, RemotingCommand::ResponseTo(req, r->answer_code));
        });
    protocol::HeartbeatData hb;
    hb.client_id = kRequesterId;
    protocol::ProducerData pd;
    pd.group_name = "PG_REQ";
    hb.producer_data_set.push_back(pd);
    ASSERT_EQ(Call(*requester_client_, test_support::HeartbeatRequest(hb)).code,
              ResponseCode::kSuccess);
  }

  std::optional<protocol::SendMessageResponseHeader> ResponseHeader(const RemotingCommand& resp) {
    if (resp.ext_fields.Find("msgId") == nullptr) return std::nullopt;
    auto h = protocol::SendMessageResponseHeader::Decode(resp.ext_fields);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    return h.ok() ? std::optional(*h) : std::nullopt;
  }

  std::vector<protocol::MessageRecord> StoredReplies() {
    EXPECT_TRUE(broker_->store().WaitDispatched(5000));
    return StoredRecords(kReplyTopic, 0);
  }

  Requester requester_;
  std::unique_ptr<net::RemotingClient> requester_client_;
  std::unique_ptr<net::RemotingClient> other_client_;
};

// storeReplyMessageEnable=false.
class ReplyNoStoreTest : public ReplyTest {
 protected:
  void Configure(BrokerConfig& config) override {
    ReplyTest::Configure(config);
    config.store_reply_message_enable = false;
  }
};

TEST_F(ReplyTest, PushedToRequesterAndStored) {
  StartRequester();
  const protocol::MessageProperties props = ReplyProperties(kRequesterId);
  const int64_t before = NowMillis();
  RemotingCommand resp = Call(ReplyRequestV2(props, "the answer"));
  const int64_t after = NowMillis();
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  EXPECT_FALSE(resp.remark.has_value());
  EXPECT_NE(resp.ext_fields.Find(protocol::kPropertyMsgRegion), nullptr);
  EXPECT_NE(resp.ext_fields.Find(protocol::kPropertyTraceSwitch), nullptr);

  // The push: the send header's fields, PUSH_REPLY_TIME added, hosts as Java prints them.
  ASSERT_EQ(requester_.size(), 1u);
  RemotingCommand push = requester_.at(0);
  EXPECT_EQ(push.code, RequestCode::kPushReplyMessageToClient);
  EXPECT_EQ(push.body, "the answer");
  auto ph = protocol::ReplyMessageRequestHeader::Decode(push.ext_fields);
  ASSERT_TRUE(ph.ok()) << ph.status().ToString();
  EXPECT_EQ(ph->producer_group, "PG");
  EXPECT_EQ(ph->topic, kReplyTopic);
  EXPECT_EQ(ph->default_topic, "TBW102");
  EXPECT_EQ(ph->default_topic_queue_nums, 4);
  EXPECT_EQ(ph->queue_id, 0);
  EXPECT_EQ(ph->sys_flag, 0);
  EXPECT_EQ(ph->born_timestamp, test_support::kBornTimestamp);
  EXPECT_EQ(ph->flag, 0);
  EXPECT_FALSE(ph->reconsume_times.has_value());  // not sent, so not pushed
  EXPECT_EQ(ph->unit_mode, false);
  EXPECT_TRUE(ph->born_host.starts_with("/127.0.0.1:")) << ph->born_host;
  EXPECT_EQ(ph->store_host, "/" + addr_);
  EXPECT_GE(ph->store_timestamp, before);
  EXPECT_LE(ph->store_timestamp, after);
  protocol::MessageProperties pushed = protocol::DecodeProperties(ph->properties.value_or(""));
  EXPECT_EQ(pushed.size(), props.size() + 1);
  for (const auto& [name, value] : props) EXPECT_EQ(pushed.Get(name), value) << name;
  const std::string push_time(pushed.Get(protocol::kPropertyPushReplyTime));
  EXPECT_EQ(push_time, std::to_string(ph->store_timestamp));

  // Stored as sent: the properties string verbatim (no PUSH_REPLY_TIME, no CLUSTER, WAIT kept);
  // the response carries the stored message's id and offset.
  auto stored = StoredReplies();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].topic, kReplyTopic);
  EXPECT_EQ(stored[0].body, "the answer");
  EXPECT_EQ(stored[0].born_timestamp, test_support::kBornTimestamp);
  EXPECT_EQ(stored[0].sys_flag, 0);
  EXPECT_EQ(protocol::EncodeProperties(stored[0].properties), protocol::EncodeProperties(props));
  auto out = ResponseHeader(resp);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->msg_id, stored[0].OffsetMsgId());
  EXPECT_EQ(out->queue_id, 0);
  EXPECT_EQ(out->queue_offset, 0);

  // A second reply lands at the next offset.
  ASSERT_EQ(Call(ReplyRequestV2(props, "again")).code, ResponseCode::kSuccess);
  EXPECT_EQ(requester_.size(), 2u);
  EXPECT_EQ(StoredReplies().size(), 2u);
}

// SEND_REPLY_MESSAGE (324) with long header names and queue -1; without storing, the answer is
// the push's alone: msgId "0", the picked queue, offset 0; nothing stored.
TEST_F(ReplyNoStoreTest, LongHeaderAnswersPushResult) {
  StartRequester();
  const protocol::MessageProperties props = ReplyProperties(kRequesterId);
  protocol::SendMessageRequestHeader h =
      protocol::ToV1(test_support::SendHeaderV2(kReplyTopic, -1, props));
  h.reconsume_times = 2;
  RemotingCommand req = Request(RequestCode::kSendReplyMessage, h);
  req.body = "v1 answer";
  RemotingCommand resp = Call(std::move(req));
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  auto out = ResponseHeader(resp);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->msg_id, "0");
  EXPECT_EQ(out->queue_id, 0);  // the reply topic has one queue
  EXPECT_EQ(out->queue_offset, 0);

  ASSERT_EQ(requester_.size(), 1u);
  auto ph = protocol::ReplyMessageRequestHeader::Decode(requester_.at(0).ext_fields);
  ASSERT_TRUE(ph.ok());
  EXPECT_EQ(ph->queue_id, -1);  // as sent
  EXPECT_EQ(ph->reconsume_times, 2);
  EXPECT_EQ(requester_.at(0).body, "v1 answer");
  EXPECT_TRUE(StoredReplies().empty());
}

// No producer connection has that client id: SYSTEM_ERROR with Apache's remark, the reply still
// stored (the header then names the stored message).
TEST_F(ReplyTest, UnknownClientIdIsSystemErrorButStored) {
  StartRequester();
  RemotingCommand resp = Call(ReplyRequestV2(ReplyProperties("10.0.0.1@gone"), "lost"));
  EXPECT_EQ(resp.code, ResponseCode::kSystemError);
  EXPECT_EQ(resp.remark.value_or(""),
            "push reply message fail, channel of <10.0.0.1@gone> not found.");
  EXPECT_EQ(requester_.size(), 0u);
  auto stored = StoredReplies();
  ASSERT_EQ(stored.size(), 1u);
  auto out = ResponseHeader(resp);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->msg_id, stored[0].OffsetMsgId());
  EXPECT_EQ(out->queue_offset, 0);
}

// Not pushed and not stored: SYSTEM_ERROR and no header fields at all (Apache's are null).
TEST_F(ReplyNoStoreTest, UnknownClientIdHasNoHeader) {
  RemotingCommand resp = Call(ReplyRequestV2(ReplyProperties(kRequesterId), "lost"));
  EXPECT_EQ(resp.code, ResponseCode::kSystemError);
  EXPECT_EQ(resp.remark.value_or(""),
            std::string("push reply message fail, channel of <") + kRequesterId + "> not found.");
  EXPECT_EQ(resp.ext_fields.Find("msgId"), nullptr);
  EXPECT_EQ(resp.ext_fields.Find("queueId"), nullptr);
  EXPECT_EQ(resp.ext_fields.Find("queueOffset"), nullptr);
  EXPECT_NE(resp.ext_fields.Find(protocol::kPropertyMsgRegion), nullptr);
  EXPECT_TRUE(StoredReplies().empty());
}

TEST_F(ReplyTest, MissingReplyToClientIsSystemError) {
  StartRequester();
  RemotingCommand resp = Call(ReplyRequestV2(ReplyProperties(""), "to nobody"));
  EXPECT_EQ(resp.code, ResponseCode::kSystemError);
  EXPECT_EQ(resp.remark.value_or(""), "reply message properties[REPLY_TO_CLIENT] is null");
  EXPECT_EQ(requester_.size(), 0u);
  EXPECT_EQ(StoredReplies().size(), 1u);
}

// The requester answers the push with an error: SYSTEM_ERROR with Apache's remark (its missing
// space included).
TEST_F(ReplyTest, RequesterRefusingIsSystemError) {
  requester_.answer_code = ResponseCode::kSystemError;
  StartRequester();
  RemotingCommand resp = Call(ReplyRequestV2(ReplyProperties(kRequesterId), "refused"));
  EXPECT_EQ(resp.code, ResponseCode::kSystemError);
  EXPECT_EQ(resp.remark.value_or(""),
            std::string("push reply message to ") + kRequesterId + "fail.");
  EXPECT_EQ(requester_.size(), 1u);
  EXPECT_EQ(StoredReplies().size(), 1u);
}

// While the requester holds the push unanswered, the broker's only event loop keeps serving: a
// plain send on another connection is answered, and the replier is answered once the requester
// is.
TEST_F(ReplyTest, PushWaitsWithoutBlockingTheLoop) {
  requester_.hold = true;
  StartRequester();
  auto replied = std::make_shared<std::promise<RemotingCommand>>();
  std::future<RemotingCommand> answer = replied->get_future();
  client_->InvokeAsync(addr_, ReplyRequestV2(ReplyProperties(kRequesterId), "later"), 10000,
                       [replied](Result<RemotingCommand> r) {
                         replied->set_value(r.ok() ? std::move(*r) : RemotingCommand{});
                       });
  ASSERT_TRUE(WaitFor([&] { return requester_.size() == 1; }));

  other_client_ = std::make_unique<net::RemotingClient>();
  RemotingCommand sent =
      Call(*other_client_, test_support::SendRequestV2("TopicR", "meanwhile", {}));
  EXPECT_EQ(sent.code, ResponseCode::kSuccess) << sent.remark.value_or("");
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);

  requester_.Release();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  RemotingCommand resp = answer.get();
  EXPECT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  EXPECT_EQ(StoredReplies().size(), 1u);
}

}  // namespace
}  // namespace orbit::broker
