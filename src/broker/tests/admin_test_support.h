#pragma once

// Shared by the admin integration tests (admin_test.cc, consumer_admin_test.cc): a broker named
// broker-a (as in the golden captures) on a loopback ephemeral port, an admin client, a consumer
// client that answers what the broker sends it, and helpers to send, create topics, commit
// offsets and send heartbeats.

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "golden/golden.h"
#include "golden/golden_store.h"
#include "net/remoting_client.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/properties.h"

namespace orbit::broker::admin_test {

using protocol::MessageQueue;
using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

// JSON member names of a body (keys before ':'), to compare with a golden capture's.
inline std::set<std::string> JsonNames(const std::string& json) {
  static const std::regex kName("\"([A-Za-z_][A-Za-z0-9_]*)\":");
  std::set<std::string> out;
  for (std::sregex_iterator it(json.begin(), json.end(), kName), end; it != end; ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

inline const orbit::testing::GoldenFrame& GoldenFrameAt(
    const std::vector<orbit::testing::GoldenFrame>& f, int index) {
  for (const auto& frame : f) {
    if (frame.index == index) return frame;
  }
  ADD_FAILURE() << "no golden frame " << index;
  return f.front();
}

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerConfig config;
    config.broker_name = "broker-a";  // as in the golden captures
    config.broker_ip1 = "127.0.0.1";
    config.broker_ip2 = "127.0.0.1";
    config.listen_port = 0;
    config.bind_address = "127.0.0.1";
    config.server_worker_threads = 1;
    config.store.store_path_root_dir = dir_.path() + "/store";
    config.store.mapped_file_size_commit_log = 4 << 20;
    config.store.mapped_file_size_consume_queue = 20 * 1000;
    config.store.max_hash_slot_num = 1000;
    config.store.max_index_num = 4000;
    broker_ = std::make_unique<Broker>(config);
    Status st = broker_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    addr_ = broker_->addr();
  }
  void TearDown() override {
    client_->Shutdown();
    consumer_->Shutdown();
    if (broker_) broker_->Shutdown();
  }

  RemotingCommand Call(RemotingCommand req, net::RemotingClient* via = nullptr) {
    auto r = (via != nullptr ? via : client_.get())->InvokeSync(addr_, std::move(req), 15000);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(*r) : RemotingCommand{};
  }

  template <typename H>
  RemotingCommand Request(int32_t code, const H& h) {
    RemotingCommand req = RemotingCommand::Request(code);
    h.Encode(&req.ext_fields);
    return req;
  }

  // Sends one message and waits until it is dispatched (consume queue and index).
  protocol::SendMessageResponseHeader Send(const std::string& topic, const std::string& body,
                                           const std::string& keys, const std::string& uniq = "",
                                           int32_t queue_id = 0) {
    protocol::SendMessageRequestHeaderV2 h;
    h.a = "PG";
    h.b = topic;
    h.c = "TBW102";
    h.d = 4;
    h.e = queue_id;
    h.g = 1700000000000;
    protocol::MessageProperties props;
    props.Set(protocol::kPropertyTags, "T");
    if (!keys.empty()) props.Set(protocol::kPropertyKeys, keys);
    if (!uniq.empty()) props.Set(protocol::kPropertyUniqKey, uniq);
    h.i = protocol::EncodeProperties(props);
    RemotingCommand req = Request(RequestCode::kSendMessageV2, h);
    req.body = body;
    RemotingCommand resp = Call(std::move(req));
    EXPECT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
    EXPECT_TRUE(broker_->store().WaitDispatched(5000));
    auto out = protocol::SendMessageResponseHeader::Decode(resp.ext_fields);
    EXPECT_TRUE(out.ok());
    return out.ok() ? *out : protocol::SendMessageResponseHeader{};
  }

  void CreateTopic(const std::string& topic, int32_t queues) {
    protocol::CreateTopicRequestHeader h;
    h.topic = topic;
    h.default_topic = "TBW102";
    h.read_queue_nums = queues;
    h.write_queue_nums = queues;
    h.perm = 6;
    h.topic_filter_type = "SINGLE_TAG";
    ASSERT_EQ(Call(Request(RequestCode::kUpdateAndCreateTopic, h)).code, ResponseCode::kSuccess);
  }

  void Commit(const std::string& group, const std::string& topic, int32_t queue, int64_t offset) {
    protocol::UpdateConsumerOffsetRequestHeader h;
    h.consumer_group = group;
    h.topic = topic;
    h.queue_id = queue;
    h.commit_offset = offset;
    ASSERT_EQ(Call(Request(RequestCode::kUpdateConsumerOffset, h)).code, ResponseCode::kSuccess);
  }

  // HEART_BEAT from `via` as client `client_id`: consumer of `group` on `topic`, and producer of
  // `producer_group` when given.
  void Heartbeat(net::RemotingClient* via, const std::string& client_id, const std::string& group,
                 const std::string& topic, const std::string& producer_group = "") {
    protocol::HeartbeatData hb;
    hb.client_id = client_id;
    protocol::ConsumerData cd;
    cd.group_name = group;
    cd.consume_type = protocol::ConsumeType::kConsumePassively;
    cd.message_model = protocol::MessageModel::kClustering;
    cd.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
    protocol::SubscriptionData sub;
    sub.topic = topic;
    sub.sub_string = "*";
    sub.sub_version = 1;
    cd.subscription_data_set.push_back(sub);
    hb.consumer_data_set.push_back(cd);
    if (!producer_group.empty()) hb.producer_data_set.push_back({producer_group});
    RemotingCommand req = RemotingCommand::Request(RequestCode::kHeartBeat);
    req.body = hb.Encode();
    ASSERT_EQ(Call(std::move(req), via).code, ResponseCode::kSuccess);
  }

  orbit::testing::TempDir dir_{"orbit-admin-test-"};
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<net::RemotingClient> client_ = std::make_unique<net::RemotingClient>();
  std::unique_ptr<net::RemotingClient> consumer_ = std::make_unique<net::RemotingClient>();
  std::string addr_;
};

}  // namespace orbit::broker::admin_test
