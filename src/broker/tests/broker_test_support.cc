#include "broker/tests/broker_test_support.h"

#include <chrono>
#include <thread>
#include <utility>

#include "protocol/codes.h"

namespace orbit::broker::test_support {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

BrokerConfig LoopbackBrokerConfig(const std::string& broker_name, const std::string& store_root) {
  BrokerConfig config;
  config.broker_name = broker_name;
  config.broker_ip1 = "127.0.0.1";
  config.broker_ip2 = "127.0.0.1";
  config.listen_port = 0;
  config.bind_address = "127.0.0.1";
  config.server_worker_threads = 1;
  config.store.store_path_root_dir = store_root;
  config.store.mapped_file_size_commit_log = 4 << 20;
  config.store.mapped_file_size_consume_queue = 20 * 1000;
  config.store.max_hash_slot_num = 1000;
  config.store.max_index_num = 4000;
  return config;
}

protocol::SendMessageRequestHeaderV2 SendHeaderV2(const std::string& topic, int32_t queue_id,
                                                  const protocol::MessageProperties& props) {
  protocol::SendMessageRequestHeaderV2 h;
  h.a = "PG";
  h.b = topic;
  h.c = "TBW102";
  h.d = 4;
  h.e = queue_id;
  h.g = kBornTimestamp;
  h.i = protocol::EncodeProperties(props);
  return h;
}

RemotingCommand SendRequestV2(const protocol::SendMessageRequestHeaderV2& header,
                              std::string body) {
  RemotingCommand req = Request(RequestCode::kSendMessageV2, header);
  req.body = std::move(body);
  return req;
}

RemotingCommand SendRequestV2(const std::string& topic, std::string body,
                              const protocol::MessageProperties& props, int32_t queue_id) {
  return SendRequestV2(SendHeaderV2(topic, queue_id, props), std::move(body));
}

RemotingCommand PullRequest(const std::string& topic, int32_t queue_id, int64_t offset,
                            const std::string& subscription, int64_t suspend_ms, int32_t sys_flag,
                            const std::string& group) {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = group;
  h.topic = topic;
  h.queue_id = queue_id;
  h.queue_offset = offset;
  h.max_msg_nums = 32;
  h.sys_flag = sys_flag;
  h.suspend_timeout_millis = suspend_ms;
  h.subscription = subscription;
  h.expression_type = "TAG";
  return Request(RequestCode::kPullMessage, h);
}

std::vector<protocol::MessageRecord> Records(const RemotingCommand& resp) {
  std::vector<protocol::MessageRecord> out;
  Status st = protocol::DecodeRecords(resp.body, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

protocol::HeartbeatData ConsumerHeartbeat(const std::string& client_id, const std::string& group,
                                          const std::string& topic,
                                          protocol::ConsumeFromWhere from_where) {
  protocol::HeartbeatData hb;
  hb.client_id = client_id;
  protocol::ConsumerData cd;
  cd.group_name = group;
  cd.consume_type = protocol::ConsumeType::kConsumePassively;
  cd.message_model = protocol::MessageModel::kClustering;
  cd.consume_from_where = from_where;
  protocol::SubscriptionData sub;
  sub.topic = topic;
  sub.sub_string = "*";
  sub.sub_version = 1;
  cd.subscription_data_set.push_back(sub);
  hb.consumer_data_set.push_back(cd);
  return hb;
}

RemotingCommand HeartbeatRequest(const protocol::HeartbeatData& data) {
  RemotingCommand req = RemotingCommand::Request(RequestCode::kHeartBeat);
  req.body = data.Encode();
  return req;
}

bool WaitFor(const std::function<bool()>& done, int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

BrokerFixture::BrokerFixture(std::string broker_name, std::string_view dir_prefix)
    : broker_name_(std::move(broker_name)), dir_(dir_prefix) {}

void BrokerFixture::TearDown() {
  client_->Shutdown();
  if (broker_) broker_->Shutdown();
}

Status BrokerFixture::TryStartBroker() {
  BrokerConfig config = LoopbackBrokerConfig(broker_name_, dir_.path() + "/store");
  Configure(config);
  if (tweak_) tweak_(config);
  broker_ = std::make_unique<Broker>(config, options_);
  Status st = broker_->Start();
  if (st.ok()) addr_ = broker_->addr();
  return st;
}

void BrokerFixture::StartBroker() {
  Status st = TryStartBroker();
  ASSERT_TRUE(st.ok()) << st.ToString();
}

int64_t BrokerFixture::RestartBroker() {
  client_->Shutdown();
  auto start = std::chrono::steady_clock::now();
  broker_->Shutdown();
  auto took = std::chrono::steady_clock::now() - start;
  broker_.reset();
  client_ = std::make_unique<net::RemotingClient>();
  StartBroker();
  return std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
}

RemotingCommand BrokerFixture::Invoke(net::RemotingClient& via, RemotingCommand req,
                                      int64_t timeout_ms) {
  auto r = via.InvokeSync(addr_, std::move(req), timeout_ms);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : RemotingCommand{};
}

RemotingCommand BrokerFixture::Call(RemotingCommand req) {
  return Invoke(*client_, std::move(req), call_timeout_ms_);
}

RemotingCommand BrokerFixture::Call(RemotingCommand req, int64_t timeout_ms) {
  return Invoke(*client_, std::move(req), timeout_ms);
}

RemotingCommand BrokerFixture::Call(net::RemotingClient& via, RemotingCommand req) {
  return Invoke(via, std::move(req), call_timeout_ms_);
}

protocol::SendMessageResponseHeader BrokerFixture::SendVia(net::RemotingClient& via,
                                                           RemotingCommand req) {
  RemotingCommand resp = Call(via, std::move(req));
  EXPECT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  auto out = protocol::SendMessageResponseHeader::Decode(resp.ext_fields);
  EXPECT_TRUE(out.ok());
  return out.ok() ? *out : protocol::SendMessageResponseHeader{};
}

protocol::SendMessageResponseHeader BrokerFixture::SendAndWait(RemotingCommand req) {
  protocol::SendMessageResponseHeader out = SendVia(*client_, std::move(req));
  EXPECT_TRUE(broker_->store().WaitDispatched(5000));
  return out;
}

std::vector<protocol::MessageRecord> BrokerFixture::Pull(const std::string& topic, int32_t queue_id,
                                                         int64_t offset, const std::string& sub) {
  RemotingCommand resp = Call(PullRequest(topic, queue_id, offset, sub, 0, 0x4, pull_group_));
  if (resp.code != ResponseCode::kSuccess) return {};
  return Records(resp);
}

std::vector<protocol::MessageRecord> BrokerFixture::StoredRecords(std::string_view topic,
                                                                  int32_t queue_id) {
  std::vector<protocol::MessageRecord> out;
  // Consume queues are written by the store's dispatch thread after the append: wait (at most
  // 2 s) until it has caught up, or a record put a moment ago may not be readable yet.
  auto& store = broker_->store();
  for (int i = 0; i < 200 && store.DispatchBehindBytes() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  store::GetResult got = broker_->store().GetMessage(topic, queue_id, 0, 64);
  for (const auto& m : got.messages) {
    auto rec = protocol::DecodeRecord(m.view());
    EXPECT_TRUE(rec.ok());
    if (rec.ok()) out.push_back(std::move(*rec));
  }
  return out;
}

}  // namespace orbit::broker::test_support
