#pragma once

// Shared by the admin integration tests (admin_test.cc, consumer_admin_test.cc): the broker of
// broker_test_support.h named broker-a (as in the golden captures), an admin client, a consumer
// client that answers what the broker sends it, and helpers to send, create topics, commit
// offsets and send heartbeats.

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "broker/tests/broker_test_support.h"
#include "golden/golden.h"
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
using test_support::Request;

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

class AdminTest : public test_support::BrokerFixture {
 protected:
  // broker-a, as in the golden captures; calls may wait for a consumer's answer (or its timeout).
  AdminTest() : BrokerFixture("broker-a", "orbit-admin-test-") { call_timeout_ms_ = 15000; }
  void TearDown() override {
    consumer_->Shutdown();
    BrokerFixture::TearDown();
  }

  // Sends one message and waits until it is dispatched (consume queue and index).
  protocol::SendMessageResponseHeader Send(const std::string& topic, const std::string& body,
                                           const std::string& keys, const std::string& uniq = "",
                                           int32_t queue_id = 0) {
    protocol::MessageProperties props;
    props.Set(protocol::kPropertyTags, "T");
    if (!keys.empty()) props.Set(protocol::kPropertyKeys, keys);
    if (!uniq.empty()) props.Set(protocol::kPropertyUniqKey, uniq);
    return SendAndWait(test_support::SendRequestV2(topic, body, props, queue_id));
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
    protocol::HeartbeatData hb = test_support::ConsumerHeartbeat(
        client_id, group, topic, protocol::ConsumeFromWhere::kConsumeFromFirstOffset);
    if (!producer_group.empty()) hb.producer_data_set.push_back({producer_group});
    ASSERT_EQ(Call(*via, test_support::HeartbeatRequest(hb)).code, ResponseCode::kSuccess);
  }

  std::unique_ptr<net::RemotingClient> consumer_ = std::make_unique<net::RemotingClient>();
};

}  // namespace orbit::broker::admin_test
