// Transactional messages on a real broker over loopback: half messages, END_TRANSACTION and the
// CHECK_TRANSACTION_STATE check-back, with short check intervals (500 ms, timeout 1 s). Records
// are compared with what Apache 4.9.8 stored and sent (golden store sample-a-clean and capture
// 10_transaction).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/tests/broker_test_support.h"
#include "broker/transaction_service.h"
#include "golden/golden.h"
#include "golden/golden_store.h"
#include "net/remoting_client.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/headers_transaction.h"
#include "protocol/json.h"
#include "protocol/message.h"
#include "protocol/message_flags.h"
#include "protocol/message_id.h"
#include "protocol/properties.h"

namespace orbit::broker {
namespace {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;
using test_support::BrokerFixture;
using test_support::Request;
using test_support::WaitFor;

constexpr const char* kGroup = "PG_TX";

int64_t NowMillis() { return Clock::System().NowMillis(); }

// What a test producer saw of the check-backs sent to it.
struct CheckLog {
  std::mutex mu;
  std::vector<RemotingCommand> checks;
  size_t size() {
    std::lock_guard lock(mu);
    return checks.size();
  }
  RemotingCommand at(size_t i) {
    std::lock_guard lock(mu);
    return checks.at(i);
  }
};

RemotingCommand EndTransactionRequest(const std::string& group, int64_t queue_offset,
                                      int64_t commit_log_offset, const std::string& msg_id,
                                      int32_t type, bool from_check) {
  protocol::EndTransactionRequestHeader h;
  h.producer_group = group;
  h.tran_state_table_offset = queue_offset;
  h.commit_log_offset = commit_log_offset;
  h.commit_or_rollback = type;
  h.from_transaction_check = from_check;
  h.msg_id = msg_id;
  return Request(RequestCode::kEndTransaction, h);
}

class TransactionTest : public BrokerFixture {
 protected:
  TransactionTest() : BrokerFixture("broker-t", "orbit-tx-test-") { pull_group_ = "CG_TX"; }

  void TearDown() override {
    for (auto& c : producers_) c->Shutdown();
    BrokerFixture::TearDown();
  }

  void Configure(BrokerConfig& config) override {
    config.broker_cluster_name = cluster_;
    config.transaction_check_interval = 500;
    config.transaction_timeout = 1000;
    config.transaction_check_max = check_max_;
    if (slave_) {
      config.broker_role = "SLAVE";
      config.broker_id = 1;
    }
  }

  void Restart() {
    for (auto& c : producers_) c->Shutdown();
    RestartBroker();
  }

  // A producer connection that heartbeats as `group` and logs the checks it is sent; with
  // `answer`, it answers each with END_TRANSACTION fromTransactionCheck=true of that type, as
  // the Java client does (oneway, on the connection the check came from).
  net::RemotingClient& Producer(const std::string& group, CheckLog* log,
                                std::optional<int32_t> answer = std::nullopt) {
    producers_.push_back(std::make_unique<net::RemotingClient>());
    net::RemotingClient& p = *producers_.back();
    p.RegisterProcessor(RequestCode::kCheckTransactionState,
                        [log, answer, group](const net::ConnectionPtr& conn, RemotingCommand req) {
                          auto h =
                              protocol::CheckTransactionStateRequestHeader::Decode(req.ext_fields);
                          {
                            std::lock_guard lock(log->mu);
                            log->checks.push_back(req);
                          }
                          if (!answer || !h.ok()) return;
                          RemotingCommand end = EndTransactionRequest(
                              group, h->tran_state_table_offset, h->commit_log_offset,
                              h->msg_id.value_or(""), *answer, /*from_check=*/true);
                          conn->SendOneway(std::move(end), nullptr);
                        });
    protocol::HeartbeatData hb;
    hb.client_id = "127.0.0.1@" + group + std::to_string(producers_.size());
    protocol::ProducerData pd;
    pd.group_name = group;
    hb.producer_data_set.push_back(pd);
    EXPECT_EQ(Call(p, test_support::HeartbeatRequest(hb)).code, ResponseCode::kSuccess);
    return p;
  }

  // A half message as the Java producer sends it (sysFlag 4, TRAN_MSG=true, PGROUP).
  protocol::SendMessageResponseHeader SendHalf(net::RemotingClient& client,
                                               const std::string& topic, const std::string& body,
                                               int32_t queue_id, const std::string& uniq_key) {
    protocol::MessageProperties props;
    props.Set(protocol::kPropertyKeys, "K-" + body);
    props.Set(protocol::kPropertyTransactionPrepared, "true");
    props.Set(protocol::kPropertyUniqKey, uniq_key);
    props.Set(protocol::kPropertyWaitStoreMsgOk, "true");
    props.Set(protocol::kPropertyProducerGroup, kGroup);
    props.Set(protocol::kPropertyTags, "TagTx");
    props.Set("color", "red");
    protocol::SendMessageRequestHeaderV2 h = test_support::SendHeaderV2(topic, queue_id, props);
    h.a = kGroup;
    h.f = protocol::kSysFlagTransactionPrepared;
    h.g = NowMillis();  // ages are measured from the born time
    return SendVia(client, test_support::SendRequestV2(h, body));
  }

  static int64_t CommitLogOffset(const protocol::SendMessageResponseHeader& h) {
    auto id = protocol::DecodeOffsetMessageId(h.msg_id);
    EXPECT_TRUE(id.ok());
    return id.ok() ? id->commit_log_offset : -1;
  }

  // Waits until `n` more check passes have run.
  void WaitPasses(int64_t n) {
    int64_t target = broker_->transactions().stats().passes + n;
    ASSERT_TRUE(WaitFor([&] { return broker_->transactions().stats().passes >= target; }));
  }

  std::string cluster_ = "DefaultCluster";
  int32_t check_max_ = 15;
  bool slave_ = false;
  std::vector<std::unique_ptr<net::RemotingClient>> producers_;
};

TEST_F(TransactionTest, HalfMessageIsHiddenUntilCommit) {
  auto sent = SendHalf(*client_, "TxTopic", "pay 10", 2, "UNIQ-COMMIT");
  EXPECT_EQ(sent.queue_id, 2);  // the queue asked for, as Apache answers
  EXPECT_EQ(sent.queue_offset, 0);
  const int64_t half_offset = CommitLogOffset(sent);

  auto half = broker_->transactions().LookHalfMessage(half_offset);
  ASSERT_TRUE(half.ok()) << half.status().ToString();
  EXPECT_EQ(half->topic, kTransHalfTopic);
  EXPECT_EQ(half->queue_id, 0);
  EXPECT_EQ(protocol::GetTransactionType(half->sys_flag), protocol::TransactionType::kNotType);
  EXPECT_EQ(half->properties.Get("REAL_TOPIC"), "TxTopic");
  EXPECT_EQ(half->properties.Get("REAL_QID"), "2");
  EXPECT_EQ(half->properties.Get("WAIT"), "true");  // put back by Apache for the half message
  EXPECT_EQ(half->properties.Get("CLUSTER"), "DefaultCluster");

  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  EXPECT_TRUE(Pull("TxTopic", 2).empty());
  EXPECT_EQ(broker_->store().GetMaxOffsetInQueue("TxTopic", 2), 0);

  // The Java producer's END_TRANSACTION is oneway.
  ASSERT_TRUE(client_
                  ->InvokeOneway(addr_, EndTransactionRequest(
                                            kGroup, sent.queue_offset, half_offset, "UNIQ-COMMIT",
                                            protocol::kSysFlagTransactionCommit, false))
                  .ok());
  std::vector<protocol::MessageRecord> got;
  ASSERT_TRUE(WaitFor([&] { return !(got = Pull("TxTopic", 2)).empty(); }));
  ASSERT_EQ(got.size(), 1u);
  const auto& m = got[0];
  EXPECT_EQ(m.topic, "TxTopic");
  EXPECT_EQ(m.queue_id, 2);
  EXPECT_EQ(m.body, "pay 10");
  EXPECT_EQ(m.born_timestamp, half->born_timestamp);
  EXPECT_EQ(protocol::GetTransactionType(m.sys_flag), protocol::TransactionType::kCommit);
  EXPECT_EQ(m.prepared_transaction_offset, half_offset);
  EXPECT_EQ(m.ClientMsgId(), "UNIQ-COMMIT");
  EXPECT_EQ(m.properties.Get("KEYS"), "K-pay 10");
  EXPECT_EQ(m.properties.Get("TAGS"), "TagTx");
  EXPECT_EQ(m.properties.Get("color"), "red");
  // Apache 4.9.8 stores the half's string as it is: the transaction properties stay.
  EXPECT_EQ(m.properties.Get("TRAN_MSG"), "true");
  EXPECT_EQ(m.properties.Get("PGROUP"), kGroup);
  EXPECT_EQ(m.properties.Get("REAL_TOPIC"), "TxTopic");

  // The op record marks half queue offset 0 as done.
  ASSERT_TRUE(WaitFor([&] { return StoredRecords(kTransOpHalfTopic, 0).size() == 1; }));
  auto op = StoredRecords(kTransOpHalfTopic, 0)[0];
  EXPECT_EQ(op.body, "0");
  EXPECT_EQ(protocol::EncodeProperties(op.properties),
            "WAIT\x01true\x02TAGS\x01"
            "d");
  EXPECT_EQ(op.born_host, broker_->store_host());

  // Later passes neither check it nor deliver it again.
  WaitPasses(4);
  EXPECT_EQ(Pull("TxTopic", 2).size(), 1u);
  EXPECT_EQ(broker_->transactions().stats().checks_sent, 0);
  EXPECT_EQ(broker_->transactions().stats().checks_without_producer, 0);
  EXPECT_EQ(broker_->offsets().Query(kTransactionConsumerGroup, kTransHalfTopic, 0), 1);
  EXPECT_EQ(broker_->offsets().Query(kTransactionConsumerGroup, kTransOpHalfTopic, 0), 1);
}

TEST_F(TransactionTest, RollbackIsNeverDeliveredNorChecked) {
  CheckLog log;
  net::RemotingClient& producer = Producer(kGroup, &log);
  auto sent = SendHalf(producer, "TxRollback", "cancel", 0, "UNIQ-RB");
  ASSERT_TRUE(producer
                  .InvokeOneway(addr_, EndTransactionRequest(
                                           kGroup, sent.queue_offset, CommitLogOffset(sent),
                                           "UNIQ-RB", protocol::kSysFlagTransactionRollback, false))
                  .ok());
  ASSERT_TRUE(WaitFor([&] { return StoredRecords(kTransOpHalfTopic, 0).size() == 1; }));
  EXPECT_EQ(StoredRecords(kTransOpHalfTopic, 0)[0].body, "0");

  // Past the timeout and through several passes: never delivered, never checked.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  WaitPasses(3);
  EXPECT_TRUE(Pull("TxRollback", 0).empty());
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(broker_->offsets().Query(kTransactionConsumerGroup, kTransHalfTopic, 0), 1);

  // A restart continues from the stored offsets: still nothing.
  Restart();
  EXPECT_EQ(broker_->offsets().Query(kTransactionConsumerGroup, kTransHalfTopic, 0), 1);
  CheckLog after;
  Producer(kGroup, &after);
  WaitPasses(3);
  EXPECT_EQ(broker_->offsets().Query(kTransactionConsumerGroup, kTransHalfTopic, 0), 1);
  EXPECT_TRUE(Pull("TxRollback", 0).empty());
  EXPECT_EQ(after.size(), 0u);
}

TEST_F(TransactionTest, ProducerThatDiedIsResolvedByCheckBack) {
  // The producer sends the half message and dies before END_TRANSACTION.
  {
    CheckLog ignored;
    net::RemotingClient& dying = Producer(kGroup, &ignored);
    SendHalf(dying, "TxDied", "order 7", 1, "UNIQ-DIED");
    dying.Shutdown();
  }
  // Due, but nobody to ask.
  ASSERT_TRUE(
      WaitFor([&] { return broker_->transactions().stats().checks_without_producer >= 1; }));
  EXPECT_TRUE(Pull("TxDied", 1).empty());

  // It comes back (a new connection of the same group) and commits when asked.
  CheckLog log;
  Producer(kGroup, &log, protocol::kSysFlagTransactionCommit);
  std::vector<protocol::MessageRecord> got;
  ASSERT_TRUE(WaitFor([&] { return !(got = Pull("TxDied", 1)).empty(); }));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "order 7");
  EXPECT_EQ(got[0].ClientMsgId(), "UNIQ-DIED");

  ASSERT_GE(log.size(), 1u);
  RemotingCommand check = log.at(0);
  EXPECT_TRUE(check.is_oneway());
  auto h = protocol::CheckTransactionStateRequestHeader::Decode(check.ext_fields);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->msg_id, "UNIQ-DIED");
  EXPECT_EQ(h->transaction_id, "UNIQ-DIED");
  auto body = protocol::DecodeRecord(check.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->topic, "TxDied");
  EXPECT_EQ(body->queue_id, 1);
  EXPECT_EQ(body->physical_offset, h->commit_log_offset);
  EXPECT_EQ(body->queue_offset, h->tran_state_table_offset);
  EXPECT_EQ(body->OffsetMsgId(), h->offset_msg_id);
  EXPECT_EQ(body->properties.Get("WAIT"), "false");
  EXPECT_FALSE(body->properties.Get("TRANSACTION_CHECK_TIMES").empty());
  EXPECT_EQ(got[0].prepared_transaction_offset, h->commit_log_offset);

  // Exactly once, and no more checks.
  WaitPasses(4);
  EXPECT_EQ(Pull("TxDied", 1).size(), 1u);
  EXPECT_EQ(log.size(), 1u);
}

TEST_F(TransactionTest, DiscardedAfterTransactionCheckMaxChecks) {
  check_max_ = 2;
  Restart();
  CheckLog log;
  net::RemotingClient& producer = Producer(kGroup, &log);  // never answers
  auto sent = SendHalf(producer, "TxSilent", "maybe", 0, "UNIQ-SILENT");
  ASSERT_TRUE(WaitFor([&] { return broker_->transactions().stats().discarded == 1; }));
  // The check-backs are oneway: the second may still be on its way to the producer.
  EXPECT_TRUE(WaitFor([&] { return log.size() >= 2; }));
  EXPECT_EQ(log.size(), 2u);

  auto topic = broker_->topics().Find(kTransCheckMaxTimeTopic);
  ASSERT_TRUE(topic.has_value());
  EXPECT_EQ(topic->read_queue_nums, 1);
  auto discarded = StoredRecords(kTransCheckMaxTimeTopic, 0);
  ASSERT_EQ(discarded.size(), 1u);
  EXPECT_EQ(discarded[0].body, "maybe");
  EXPECT_EQ(discarded[0].properties.Get("UNIQ_KEY"), "UNIQ-SILENT");
  EXPECT_EQ(discarded[0].properties.Get("REAL_TOPIC"), "TxSilent");
  EXPECT_EQ(discarded[0].properties.Get("TRANSACTION_CHECK_TIMES"), "2");

  WaitPasses(4);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(broker_->transactions().stats().discarded, 1);
  EXPECT_TRUE(Pull("TxSilent", 0).empty());
  (void)sent;

  // After a restart the pass starts behind the copies already handled: no check, no discard.
  const int64_t half_offset =
      broker_->offsets().Query(kTransactionConsumerGroup, kTransHalfTopic, 0);
  EXPECT_EQ(half_offset, 3);  // the half message and its two copies
  Restart();
  EXPECT_EQ(broker_->offsets().Query(kTransactionConsumerGroup, kTransHalfTopic, 0), half_offset);
  CheckLog after;
  Producer(kGroup, &after);
  WaitPasses(3);
  EXPECT_EQ(after.size(), 0u);
  EXPECT_EQ(StoredRecords(kTransCheckMaxTimeTopic, 0).size(), 1u);
}

TEST_F(TransactionTest, EndTransactionErrorsAreApaches) {
  auto commit = [&](const std::string& group, int64_t queue_offset, int64_t offset) {
    return Call(EndTransactionRequest(group, queue_offset, offset, "X",
                                      protocol::kSysFlagTransactionCommit, false));
  };
  RemotingCommand r = commit(kGroup, 0, 123456789);
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "Find prepared transaction message failed");

  auto sent = SendHalf(*client_, "TxErr", "e", 0, "UNIQ-ERR");
  const int64_t offset = CommitLogOffset(sent);
  r = commit("OtherGroup", sent.queue_offset, offset);
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "The producer group wrong");
  r = commit(kGroup, sent.queue_offset + 5, offset);
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "The transaction state table offset wrong");

  // UNKNOW: Apache answers nothing at all.
  auto unknown = client_->InvokeSync(
      addr_, EndTransactionRequest(kGroup, sent.queue_offset, offset, "UNIQ-ERR", 0, false), 300);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kTimeout);

  r = commit(kGroup, sent.queue_offset, offset);
  EXPECT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  auto got = Pull("TxErr", 0);
  ASSERT_EQ(got.size(), 1u);
  // The committed record is no half message: END_TRANSACTION on it is refused.
  r = commit(kGroup, 0, got[0].physical_offset);
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "Find prepared transaction message failed");
}

// The half message of the capture's TX-UNKNOWN send, checked back as Apache does: the same
// header fields and the same body (properties in the same order) as the capture's frame 16.
TEST_F(TransactionTest, CheckBackMatchesTheGoldenCapture) {
  auto frames = testing::LoadGoldenFile("10_transaction");
  const testing::GoldenFrame* send = nullptr;
  const testing::GoldenFrame* check = nullptr;
  for (const auto& f : frames) {
    if (f.index == 11) send = &f;
    if (f.index == 16) check = &f;
  }
  ASSERT_NE(send, nullptr);
  ASSERT_NE(check, nullptr);
  ASSERT_EQ(check->code, RequestCode::kCheckTransactionState);

  CheckLog log;
  net::RemotingClient& producer =
      Producer("GID_golden_tx", &log, protocol::kSysFlagTransactionCommit);
  auto req = protocol::DecodeFramePayload(std::string_view(send->bytes).substr(4));
  ASSERT_TRUE(req.ok());
  req->opaque = 0;
  req->ext_fields.Set("g", std::to_string(NowMillis()));  // the capture's born time is old now
  RemotingCommand resp = Call(producer, std::move(*req));
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  ASSERT_TRUE(WaitFor([&] { return log.size() >= 1; }));

  RemotingCommand got = log.at(0);
  std::set<std::string> names, golden_names;
  for (const auto& [k, v] : got.ext_fields) names.insert(k);
  for (const auto& [k, v] : check->ext) golden_names.insert(k);
  EXPECT_EQ(names, golden_names);
  EXPECT_EQ(*got.ext_fields.Find("msgId"), check->ext.at("msgId"));
  EXPECT_EQ(*got.ext_fields.Find("transactionId"), check->ext.at("transactionId"));

  auto body = protocol::DecodeRecord(got.body);
  auto golden = protocol::DecodeRecord(check->body());
  ASSERT_TRUE(body.ok());
  ASSERT_TRUE(golden.ok());
  EXPECT_EQ(protocol::EncodeProperties(body->properties),
            protocol::EncodeProperties(golden->properties));
  EXPECT_EQ(body->topic, golden->topic);
  EXPECT_EQ(body->queue_id, golden->queue_id);
  EXPECT_EQ(body->sys_flag, golden->sys_flag);
  EXPECT_EQ(body->flag, golden->flag);
  EXPECT_EQ(body->body, golden->body);
  EXPECT_EQ(body->queue_offset, 1);  // the copy after the first half message

  // The producer's commit makes it pullable once.
  std::vector<protocol::MessageRecord> pulled;
  ASSERT_TRUE(WaitFor([&] { return !(pulled = Pull("GoldenTrans", 0)).empty(); }));
  EXPECT_EQ(pulled.size(), 1u);
  EXPECT_EQ(pulled[0].body, golden->body);
}

// Half, commit and op records byte for byte as Apache 4.9.8 stored them (sample-a-clean's
// transaction seq 2421: COMMIT to GStore1 queue 1).
TEST_F(TransactionTest, RecordsMatchTheGoldenStore) {
  cluster_ = "GoldenCluster";
  Restart();
  auto text = testing::ReadGoldenManifest("sample-a-clean");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto manifest = protocol::ParseJson(*text);
  ASSERT_TRUE(manifest.ok());
  // role -> propertiesRaw of the first half and op record and of the committed message.
  std::map<std::string, std::string> raw;
  for (const auto& m : manifest->Find("messages")->items()) {
    const protocol::JsonValue* role = m.Find("role");
    if (role == nullptr || !role->is_string()) continue;
    bool first = *m.Find("queueOffset")->AsInt64() == 0;
    if (role->text() == "trans-commit" ||
        (first && (role->text() == "trans-half" || role->text() == "trans-op"))) {
      raw[role->text()] = *m.Find("propertiesRaw")->AsString();
    }
  }
  ASSERT_EQ(raw.size(), 3u);

  // The Java client's SEND_MESSAGE_V2 for seq 2421 (its HashMap order).
  RemotingCommand req = RemotingCommand::Request(RequestCode::kSendMessageV2);
  protocol::SendMessageRequestHeaderV2 h;
  h.a = "GStoreTxProducer";
  h.b = "GStore1";
  h.c = "TBW102";
  h.d = 4;
  h.e = 1;
  h.f = protocol::kSysFlagTransactionPrepared;
  h.g = NowMillis();
  h.i =
      "KEYS\x01GS-002421\x02TRAN_MSG\x01true\x02UNIQ_KEY\x01"
      "C00002025AE15FFD2B2769FB6EDF0975\x02WAIT\x01true\x02PGROUP\x01GStoreTxProducer\x02TAGS\x01"
      "TxTag";
  h.Encode(&req.ext_fields);
  req.body = "golden body";
  RemotingCommand resp = Call(std::move(req));
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  auto sent = protocol::SendMessageResponseHeader::Decode(resp.ext_fields);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->queue_id, 1);
  const int64_t half_offset = CommitLogOffset(*sent);

  auto half = broker_->transactions().LookHalfMessage(half_offset);
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(protocol::EncodeProperties(half->properties), raw["trans-half"]);
  EXPECT_EQ(half->sys_flag, 0);

  RemotingCommand end = Call(EndTransactionRequest("GStoreTxProducer", 0, half_offset, "x",
                                                   protocol::kSysFlagTransactionCommit, false));
  ASSERT_EQ(end.code, ResponseCode::kSuccess) << end.remark.value_or("");
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  auto committed = StoredRecords("GStore1", 1);
  ASSERT_EQ(committed.size(), 1u);
  EXPECT_EQ(protocol::EncodeProperties(committed[0].properties), raw["trans-commit"]);
  EXPECT_EQ(committed[0].sys_flag, 8);
  EXPECT_EQ(committed[0].prepared_transaction_offset, half_offset);
  auto ops = StoredRecords(kTransOpHalfTopic, 0);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(protocol::EncodeProperties(ops[0].properties), raw["trans-op"]);
  EXPECT_EQ(ops[0].body, "0");
}

TEST_F(TransactionTest, SlaveNeitherEndsNorChecks) {
  slave_ = true;
  Restart();
  RemotingCommand r =
      Call(EndTransactionRequest(kGroup, 0, 0, "X", protocol::kSysFlagTransactionCommit, false));
  EXPECT_EQ(r.code, ResponseCode::kSlaveNotAvailable);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(broker_->transactions().stats().passes, 0);
}

TEST(JavaHashMapOrderTest, OrdersByBucketThenInsertion) {
  // Golden half message order (16 buckets; UNIQ_KEY/CLUSTER and PGROUP/WAIT share buckets).
  protocol::MessageProperties p;
  for (const char* name : {"KEYS", "TRAN_MSG", "UNIQ_KEY", "PGROUP", "TAGS", "CLUSTER", "WAIT",
                           "REAL_TOPIC", "REAL_QID"}) {
    p.Set(name, "v");
  }
  std::string order;
  for (const auto& [k, v] : JavaHashMapOrder(p)) order += k + " ";
  EXPECT_EQ(order, "REAL_TOPIC KEYS TRAN_MSG UNIQ_KEY CLUSTER PGROUP WAIT TAGS REAL_QID ");
  // 13 entries: the table has doubled to 32 buckets.
  for (int i = 0; i < 4; ++i) p.Set("k" + std::to_string(i), "v");
  EXPECT_EQ(JavaHashMapOrder(p).size(), 13u);
  EXPECT_EQ(JavaHashMapOrder(JavaHashMapOrder(p)), JavaHashMapOrder(p));
}

}  // namespace
}  // namespace orbit::broker
