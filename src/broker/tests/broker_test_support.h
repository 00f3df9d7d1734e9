#pragma once

// Shared by the broker's integration tests (broker, delay, transaction, admin, consumer admin and
// ACL): a real Broker on a loopback ephemeral port with a small store in a TempDir, driven by a
// raw RemotingClient, and builders of the requests those tests send. Each fixture derives from
// BrokerFixture, names its broker, and sets what it needs in Configure (every start) or tweak_
// (one test).

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/broker.h"
#include "golden/golden_store.h"
#include "net/remoting_client.h"
#include "protocol/bodies.h"
#include "protocol/headers.h"
#include "protocol/message.h"
#include "protocol/properties.h"

namespace orbit::broker::test_support {

// The born timestamp test producers send.
inline constexpr int64_t kBornTimestamp = 1700000000000;

// A broker named `broker_name` on 127.0.0.1 with an ephemeral port, one server worker thread and a
// small store (4 MiB commit log files, short consume queue files and index) under `store_root`.
BrokerConfig LoopbackBrokerConfig(const std::string& broker_name, const std::string& store_root);

// A request of `code` whose ext fields are `header`.
template <typename H>
protocol::RemotingCommand Request(int32_t code, const H& header) {
  protocol::RemotingCommand req = protocol::RemotingCommand::Request(code);
  header.Encode(&req.ext_fields);
  return req;
}

// The SEND_MESSAGE_V2 header of a producer of group PG: default topic TBW102 with 4 queues, born
// at kBornTimestamp, `props` encoded in their insertion order.
protocol::SendMessageRequestHeaderV2 SendHeaderV2(const std::string& topic, int32_t queue_id,
                                                  const protocol::MessageProperties& props);
protocol::RemotingCommand SendRequestV2(const protocol::SendMessageRequestHeaderV2& header,
                                        std::string body);
protocol::RemotingCommand SendRequestV2(const std::string& topic, std::string body,
                                        const protocol::MessageProperties& props,
                                        int32_t queue_id = 0);

// PULL_MESSAGE of up to 32 messages from `offset` for `group`, with a TAG expression. `sys_flag`
// holds PullSysFlag bits: 0x1 commit offset, 0x2 suspend (held up to `suspend_ms`), 0x4
// subscription.
protocol::RemotingCommand PullRequest(const std::string& topic, int32_t queue_id, int64_t offset,
                                      const std::string& subscription = "*", int64_t suspend_ms = 0,
                                      int32_t sys_flag = 0x4, const std::string& group = "CG");

// The records of a response body (a pull or a query); an EXPECT failure when they do not decode.
std::vector<protocol::MessageRecord> Records(const protocol::RemotingCommand& resp);

// What client `client_id` sends as a clustering, passive consumer of `group` subscribed to all of
// `topic`; a test adds producers or more consumers to it.
protocol::HeartbeatData ConsumerHeartbeat(const std::string& client_id, const std::string& group,
                                          const std::string& topic,
                                          protocol::ConsumeFromWhere from_where);
protocol::RemotingCommand HeartbeatRequest(const protocol::HeartbeatData& data);

// Polls `done` every 20 ms for up to `timeout_ms`; false when it never became true.
bool WaitFor(const std::function<bool()>& done, int64_t timeout_ms = 10000);

// Runs on the test's thread; the broker's own threads are its business.
class BrokerFixture : public ::testing::Test {
 protected:
  BrokerFixture(std::string broker_name, std::string_view dir_prefix);

  // Starts the broker; a fixture whose tests start it themselves overrides this.
  void SetUp() override { StartBroker(); }
  // Shuts down the client, then the broker.
  void TearDown() override;

  // What every start of this fixture's broker sets over LoopbackBrokerConfig (before tweak_).
  virtual void Configure(BrokerConfig& /*config*/) {}

  // Makes and starts a broker on the store in dir_ (the same store at each start).
  Status TryStartBroker();
  void StartBroker();
  // Stops the client and the broker and starts both again on the same store. Returns how long the
  // broker's Shutdown took, in milliseconds.
  int64_t RestartBroker();

  // Calls over client_ (or `via`) within call_timeout_ms_ (or `timeout_ms`) and expects an
  // answer; an empty command when there is none.
  protocol::RemotingCommand Call(protocol::RemotingCommand req);
  protocol::RemotingCommand Call(protocol::RemotingCommand req, int64_t timeout_ms);
  protocol::RemotingCommand Call(net::RemotingClient& via, protocol::RemotingCommand req);

  // Sends a SEND_MESSAGE_V2 over `via` and expects SUCCESS; returns the decoded response header
  // (a default one when it does not decode).
  protocol::SendMessageResponseHeader SendVia(net::RemotingClient& via,
                                              protocol::RemotingCommand req);
  // Sends over client_ and waits until the message is in its consume queue and index (dispatch
  // runs behind the put, as in Apache), so that a pull or query right after sees it.
  protocol::SendMessageResponseHeader SendAndWait(protocol::RemotingCommand req);

  // The records of one pull of pull_group_ with subscription `sub` (none when it finds nothing).
  std::vector<protocol::MessageRecord> Pull(const std::string& topic, int32_t queue_id,
                                            int64_t offset = 0, const std::string& sub = "*");
  // Every record of a queue, straight from the store (system topics have no topic config), once
  // the dispatch has caught up with the commit log.
  std::vector<protocol::MessageRecord> StoredRecords(std::string_view topic, int32_t queue_id);

  const std::string broker_name_;
  orbit::testing::TempDir dir_;
  BrokerOptions options_;                     // at each start (e.g. a fault-injecting fs)
  std::function<void(BrokerConfig&)> tweak_;  // applied after Configure at each start
  int64_t call_timeout_ms_ = 5000;
  std::string pull_group_ = "CG";
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<net::RemotingClient> client_ = std::make_unique<net::RemotingClient>();
  std::string addr_;

 private:
  protocol::RemotingCommand Invoke(net::RemotingClient& via, protocol::RemotingCommand req,
                                   int64_t timeout_ms);
};

}  // namespace orbit::broker::test_support
