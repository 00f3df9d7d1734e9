// ProducerManager and ConsumerManager over real connections: a RemotingServer on an ephemeral
// loopback port, one RemotingClient per connection, the server side of each captured by a
// connection listener. Times are explicit (now_ms arguments), never the wall clock.

#include "broker/client_manager.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "net/remoting_client.h"
#include "net/remoting_server.h"
#include "protocol/codes.h"

namespace orbit::broker {
namespace {

using namespace std::chrono_literals;
using protocol::ConsumerData;
using protocol::SubscriptionData;

constexpr int64_t kTimeout = 120'000;  // Apache's CHANNEL_EXPIRED_TIMEOUT

struct SeenEvent {
  ConsumerGroupEvent event;
  std::string group;
  std::vector<std::string> client_ids;
  std::vector<std::string> topics;
};

SubscriptionData Sub(std::string topic, std::string expr, int64_t version) {
  SubscriptionData sub;
  sub.topic = std::move(topic);
  sub.sub_string = std::move(expr);
  sub.sub_version = version;
  return sub;
}

ConsumerData Data(std::string group, std::vector<SubscriptionData> subs) {
  ConsumerData data;
  data.group_name = std::move(group);
  data.consume_type = protocol::ConsumeType::kConsumeActively;
  data.message_model = protocol::MessageModel::kBroadcasting;
  data.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
  data.subscription_data_set = std::move(subs);
  return data;
}

ClientChannelInfo Info(const net::ConnectionPtr& conn, std::string client_id, int64_t now_ms) {
  ClientChannelInfo info;
  info.conn = conn;
  info.client_id = std::move(client_id);
  info.language = "JAVA";
  info.version = 399;
  info.last_update_ms = now_ms;
  return info;
}

class ClientManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::ServerOptions opts;
    opts.host = "127.0.0.1";
    opts.io_threads = 1;
    opts.thread_name = "cm-test";
    server_ = std::make_unique<net::RemotingServer>(opts);
    server_->AddConnectionListener({[this](const net::ConnectionPtr& conn) {
                                      std::lock_guard lock(mu_);
                                      accepted_.push_back(conn);
                                      cv_.notify_all();
                                    },
                                    [this](const net::ConnectionPtr& conn, const Status&) {
                                      std::lock_guard lock(mu_);
                                      closed_ids_.insert(conn->id());
                                      cv_.notify_all();
                                    }});
    ASSERT_TRUE(server_->Start().ok());
    addr_ = "127.0.0.1:" + std::to_string(server_->port());

    consumers_.set_listener(
        [this](ConsumerGroupEvent event, const std::string& group, const ConsumerGroupInfo& info) {
          // Listeners run after the manager's mutex is released: calling back must not deadlock.
          (void)consumers_.Groups();
          SeenEvent seen{event, group, info.ClientIds(), {}};
          for (const auto& [topic, sub] : info.subscriptions) seen.topics.push_back(topic);
          events_.push_back(std::move(seen));
        });
  }

  void TearDown() override {
    clients_.clear();
    server_->Shutdown();
  }

  // Opens a new client connection and returns its server side.
  net::ConnectionPtr Connect() {
    size_t before;
    {
      std::lock_guard lock(mu_);
      before = accepted_.size();
    }
    auto client = std::make_unique<net::RemotingClient>();
    // Any oneway request makes the client connect; the server never answers a oneway.
    EXPECT_TRUE(client
                    ->InvokeOneway(addr_, protocol::RemotingCommand::Request(
                                              protocol::RequestCode::kHeartBeat))
                    .ok());
    clients_.push_back(std::move(client));
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, 5s, [&] { return accepted_.size() > before; })) {
      ADD_FAILURE() << "no connection accepted";
      return nullptr;
    }
    return accepted_.back();
  }

  // True once the server has seen `conn` close.
  bool WaitClosed(const net::ConnectionPtr& conn) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 5s, [&] { return closed_ids_.contains(conn->id()); });
  }

  bool ServerSawClose(const net::ConnectionPtr& conn) {
    std::lock_guard lock(mu_);
    return closed_ids_.contains(conn->id());
  }

  std::vector<ConsumerGroupEvent> TakeEventKinds() {
    std::vector<ConsumerGroupEvent> kinds;
    for (const auto& e : events_) kinds.push_back(e.event);
    events_.clear();
    return kinds;
  }

  std::unique_ptr<net::RemotingServer> server_;
  std::string addr_;
  std::vector<std::unique_ptr<net::RemotingClient>> clients_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<net::ConnectionPtr> accepted_;
  std::set<uint64_t> closed_ids_;

  ProducerManager producers_;
  ConsumerManager consumers_;
  std::vector<SeenEvent> events_;  // written by the listener, on the test thread
};

using E = ConsumerGroupEvent;

// ---- ProducerManager ----

TEST_F(ClientManagerTest, ProducerRegisterRefreshUnregister) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  producers_.Register("PG", Info(a, "10.0.0.1@1", 1000));
  producers_.Register("PG", Info(b, "10.0.0.2@1", 1000));

  // A second heartbeat refreshes the time only; the first info is kept (Apache).
  ClientChannelInfo again = Info(a, "10.0.0.1@1", 2000);
  again.language = "CPP";
  producers_.Register("PG", again);
  auto conns = producers_.Connections("PG");
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].conn, a);
  EXPECT_EQ(conns[0].last_update_ms, 2000);
  EXPECT_EQ(conns[0].language, "JAVA");
  EXPECT_EQ(producers_.Groups(), std::vector<std::string>{"PG"});

  producers_.Unregister("PG", a->id());
  producers_.Unregister("PG", a->id());  // again: nothing to do
  producers_.Unregister("NOPE", b->id());
  ASSERT_EQ(producers_.Connections("PG").size(), 1u);
  producers_.Unregister("PG", b->id());
  EXPECT_TRUE(producers_.Connections("PG").empty());
  EXPECT_TRUE(producers_.Groups().empty());
}

TEST_F(ClientManagerTest, ProducerConnectionClosedLeavesEveryGroup) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  producers_.Register("PG1", Info(a, "a@1", 1000));
  producers_.Register("PG2", Info(a, "a@1", 1000));
  producers_.Register("PG2", Info(b, "b@1", 1000));

  a->Close(Status(ErrorCode::kConnectionClosed, "test"));
  ASSERT_TRUE(WaitClosed(a));
  producers_.OnConnectionClosed(a->id());
  EXPECT_EQ(producers_.Groups(), std::vector<std::string>{"PG2"});
  auto conns = producers_.Connections("PG2");
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].conn, b);
}

TEST_F(ClientManagerTest, ProducerScanExpiresAndClosesConnection) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  producers_.Register("PG", Info(a, "a@1", 1000));
  producers_.Register("PG", Info(b, "b@1", 60'000));

  // Exactly the timeout old is still alive (Apache compares with '>').
  EXPECT_EQ(producers_.ScanNotActiveChannels(1000 + kTimeout, kTimeout), 0);
  EXPECT_EQ(producers_.Connections("PG").size(), 2u);

  EXPECT_EQ(producers_.ScanNotActiveChannels(1001 + kTimeout, kTimeout), 1);
  auto conns = producers_.Connections("PG");
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].conn, b);
  EXPECT_TRUE(WaitClosed(a));
  EXPECT_FALSE(b->closed());

  EXPECT_EQ(producers_.ScanNotActiveChannels(60'001 + kTimeout, kTimeout), 1);
  EXPECT_TRUE(producers_.Groups().empty());
  EXPECT_TRUE(WaitClosed(b));
}

TEST_F(ClientManagerTest, ProducerAvailableConnectionRoundRobin) {
  auto a = Connect();
  auto b = Connect();
  auto c = Connect();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(producers_.AvailableConnection("PG"), nullptr);
  for (const auto& conn : {a, b, c}) producers_.Register("PG", Info(conn, "x@1", 1000));

  std::vector<net::ConnectionPtr> taken;
  for (int i = 0; i < 6; ++i) taken.push_back(producers_.AvailableConnection("PG"));
  EXPECT_EQ(taken, (std::vector<net::ConnectionPtr>{a, b, c, a, b, c}));

  // A closed connection still listed (its close not yet processed) is skipped.
  b->Close(Status(ErrorCode::kConnectionClosed, "test"));
  ASSERT_TRUE(WaitClosed(b));
  for (int i = 0; i < 6; ++i) {
    auto conn = producers_.AvailableConnection("PG");
    ASSERT_NE(conn, nullptr);
    EXPECT_NE(conn, b);
  }
  a->Close(Status(ErrorCode::kConnectionClosed, "test"));
  c->Close(Status(ErrorCode::kConnectionClosed, "test"));
  ASSERT_TRUE(WaitClosed(a) && WaitClosed(c));
  EXPECT_EQ(producers_.AvailableConnection("PG"), nullptr);
}

TEST_F(ClientManagerTest, RegisterOfClosedConnectionIsIgnored) {
  auto a = Connect();
  ASSERT_TRUE(a);
  a->Close(Status(ErrorCode::kConnectionClosed, "test"));
  ASSERT_TRUE(WaitClosed(a));
  producers_.Register("PG", Info(a, "a@1", 1000));
  EXPECT_TRUE(producers_.Groups().empty());
  EXPECT_FALSE(consumers_.Register("CG", Info(a, "a@1", 1000), Data("CG", {Sub("T", "*", 1)}),
                                   /*notify_on_change=*/true));
  EXPECT_TRUE(consumers_.Groups().empty());
  EXPECT_TRUE(events_.empty());
}
// The request-reply look-up: found through any group, kept while any group of the connection
// holds it, the newest live connection of a reconnecting client, gone after close or expiry.
TEST_F(ClientManagerTest, ProducerFindConnectionByClientId) {
  auto a = Connect();
  auto b = Connect();
  auto c = Connect();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(producers_.FindConnection("a@1"), nullptr);
  producers_.Register("PG1", Info(a, "a@1", 1000));
  producers_.Register("PG2", Info(a, "a@1", 1000));
  producers_.Register("PG1", Info(a, "a@1", 2000));  // a refresh adds nothing
  producers_.Register("PG1", Info(c, "c@1", 1000));
  EXPECT_EQ(producers_.FindConnection("a@1"), a);
  EXPECT_EQ(producers_.FindConnection("c@1"), c);
  EXPECT_EQ(producers_.FindConnection("b@1"), nullptr);

  // Leaving one of two groups keeps the id; leaving the last drops it.
  producers_.Unregister("PG1", a->id());
  EXPECT_EQ(producers_.FindConnection("a@1"), a);
  producers_.Unregister("PG2", a->id());
  EXPECT_EQ(producers_.FindConnection("a@1"), nullptr);

  // The same client on a newer connection (its old one still open) is found there; once the
  // newer one closes, the older one again.
  producers_.Register("PG1", Info(a, "a@1", 3000));
  producers_.Register("PG1", Info(b, "a@1", 3000));
  EXPECT_EQ(producers_.FindConnection("a@1"), b);
  b->Close(Status(ErrorCode::kConnectionClosed, "test"));
  ASSERT_TRUE(WaitClosed(b));
  EXPECT_EQ(producers_.FindConnection("a@1"), a);  // closed, its close event not yet processed
  producers_.OnConnectionClosed(b->id());
  EXPECT_EQ(producers_.FindConnection("a@1"), a);

  EXPECT_EQ(producers_.ScanNotActiveChannels(3001 + kTimeout, kTimeout), 2);
  EXPECT_EQ(producers_.FindConnection("a@1"), nullptr);
  EXPECT_EQ(producers_.FindConnection("c@1"), nullptr);
}

// ---- ConsumerManager ----

TEST_F(ClientManagerTest, ConsumerRegisterEvents) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  const ConsumerData data = Data("CG", {Sub("T1", "*", 1)});

  // A new connection: kChange (notify on), then kRegister.
  EXPECT_TRUE(consumers_.Register("CG", Info(a, "a@1", 1000), data, true));
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].group, "CG");
  EXPECT_EQ(events_[0].client_ids, std::vector<std::string>{"a@1"});
  EXPECT_EQ(events_[1].topics, std::vector<std::string>{"T1"});
  EXPECT_EQ(TakeEventKinds(), (std::vector<E>{E::kChange, E::kRegister}));

  // The same connection's next heartbeat: kRegister only, the time refreshed.
  EXPECT_FALSE(consumers_.Register("CG", Info(a, "a@1", 2000), data, true));
  EXPECT_EQ(TakeEventKinds(), std::vector<E>{E::kRegister});
  auto group = consumers_.FindGroup("CG");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->channels.at(a->id()).last_update_ms, 2000);
  EXPECT_EQ(group->last_update_ms, 2000);
  EXPECT_EQ(group->consume_type, protocol::ConsumeType::kConsumeActively);
  EXPECT_EQ(group->message_model, protocol::MessageModel::kBroadcasting);
  EXPECT_EQ(group->consume_from_where, protocol::ConsumeFromWhere::kConsumeFromFirstOffset);

  // A new connection with notify off: changed, but kRegister only.
  EXPECT_TRUE(consumers_.Register("CG", Info(b, "b@1", 2000), data, false));
  EXPECT_EQ(TakeEventKinds(), std::vector<E>{E::kRegister});
  EXPECT_EQ(consumers_.FindGroup("CG")->ClientIds(), (std::vector<std::string>{"a@1", "b@1"}));

  // A known connection claiming another client id: the info is replaced, not a new member.
  EXPECT_FALSE(consumers_.Register("CG", Info(b, "b@2", 3000), data, true));
  EXPECT_EQ(TakeEventKinds(), std::vector<E>{E::kRegister});
  EXPECT_EQ(consumers_.FindGroup("CG")->ClientIds(), (std::vector<std::string>{"a@1", "b@2"}));
}

TEST_F(ClientManagerTest, SubscriptionsReplacedAndUnsubscribedTopicsRemoved) {
  auto a = Connect();
  ASSERT_TRUE(a);
  consumers_.Register("CG", Info(a, "a@1", 1000),
                      Data("CG", {Sub("T1", "TagA", 10), Sub("T2", "*", 10)}), true);
  events_.clear();

  // T1 replaced (newer subVersion), T2 no longer subscribed: the topic set changed → kChange.
  EXPECT_TRUE(
      consumers_.Register("CG", Info(a, "a@1", 2000), Data("CG", {Sub("T1", "TagB", 20)}), true));
  EXPECT_EQ(TakeEventKinds(), (std::vector<E>{E::kChange, E::kRegister}));
  auto t1 = consumers_.FindSubscription("CG", "T1");
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->sub_string, "TagB");
  EXPECT_EQ(t1->sub_version, 20);
  EXPECT_FALSE(consumers_.FindSubscription("CG", "T2"));

  // A new topic is a change too.
  EXPECT_TRUE(consumers_.Register("CG", Info(a, "a@1", 3000),
                                  Data("CG", {Sub("T1", "TagB", 20), Sub("T3", "*", 30)}), true));
  EXPECT_EQ(TakeEventKinds(), (std::vector<E>{E::kChange, E::kRegister}));
  EXPECT_EQ(consumers_.GroupsOfTopic("T3"), std::vector<std::string>{"CG"});
}

TEST_F(ClientManagerTest, SubscriptionReplacedOnlyByGreaterSubVersion) {
  auto a = Connect();
  ASSERT_TRUE(a);
  consumers_.Register("CG", Info(a, "a@1", 1000), Data("CG", {Sub("T", "TagB", 20)}), true);
  events_.clear();

  // Same or older subVersion: kept. Newer: replaced. None changes the topic set → no kChange.
  EXPECT_FALSE(
      consumers_.Register("CG", Info(a, "a@1", 2000), Data("CG", {Sub("T", "TagC", 20)}), true));
  EXPECT_EQ(consumers_.FindSubscription("CG", "T")->sub_string, "TagB");
  EXPECT_FALSE(
      consumers_.Register("CG", Info(a, "a@1", 3000), Data("CG", {Sub("T", "TagD", 15)}), true));
  EXPECT_EQ(consumers_.FindSubscription("CG", "T")->sub_string, "TagB");
  EXPECT_FALSE(
      consumers_.Register("CG", Info(a, "a@1", 4000), Data("CG", {Sub("T", "TagE", 21)}), true));
  EXPECT_EQ(consumers_.FindSubscription("CG", "T")->sub_string, "TagE");
  EXPECT_EQ(consumers_.FindSubscription("CG", "T")->sub_version, 21);
  EXPECT_EQ(TakeEventKinds(), (std::vector<E>{E::kRegister, E::kRegister, E::kRegister}));
}

TEST_F(ClientManagerTest, UnregisterFiresChangeAndUnregisterForLastClient) {
  auto a = Connect();
  auto b = Connect();
  auto c = Connect();
  ASSERT_TRUE(a && b && c);
  const ConsumerData data = Data("CG", {Sub("T", "*", 1)});
  for (const auto& [conn, id] : {std::pair{a, "a@1"}, {b, "b@1"}, {c, "c@1"}}) {
    consumers_.Register("CG", Info(conn, id, 1000), data, true);
  }
  events_.clear();

  consumers_.Unregister("CG", b->id(), true);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].event, E::kChange);
  EXPECT_EQ(events_[0].client_ids, (std::vector<std::string>{"a@1", "c@1"}));
  events_.clear();

  // Not in the group (any more), or an unknown group: nothing fires.
  consumers_.Unregister("CG", b->id(), true);
  consumers_.Unregister("NOPE", a->id(), true);
  EXPECT_TRUE(events_.empty());

  // Notify off: the group loses a member silently.
  consumers_.Unregister("CG", c->id(), false);
  EXPECT_TRUE(events_.empty());

  // The last client: kUnregister (Apache fires it first), then kChange; the group is gone.
  consumers_.Unregister("CG", a->id(), true);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].group, "CG");
  EXPECT_TRUE(events_[1].client_ids.empty());
  EXPECT_EQ(TakeEventKinds(), (std::vector<E>{E::kUnregister, E::kChange}));
  EXPECT_FALSE(consumers_.FindGroup("CG"));
  EXPECT_TRUE(consumers_.Groups().empty());
}

TEST_F(ClientManagerTest, ConnectionClosedLeavesEveryGroupOnce) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  consumers_.Register("CG1", Info(a, "a@1", 1000), Data("CG1", {Sub("T", "*", 1)}), true);
  consumers_.Register("CG2", Info(a, "a@1", 1000), Data("CG2", {Sub("T", "*", 1)}), true);
  consumers_.Register("CG2", Info(b, "b@1", 1000), Data("CG2", {Sub("T", "*", 1)}), true);
  events_.clear();

  a->Close(Status(ErrorCode::kConnectionClosed, "test"));
  ASSERT_TRUE(WaitClosed(a));
  consumers_.OnConnectionClosed(a->id());
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].group, "CG1");
  EXPECT_EQ(events_[0].event, E::kUnregister);
  EXPECT_EQ(events_[1].group, "CG1");
  EXPECT_EQ(events_[1].event, E::kChange);
  EXPECT_EQ(events_[2].group, "CG2");
  EXPECT_EQ(events_[2].event, E::kChange);
  EXPECT_EQ(events_[2].client_ids, std::vector<std::string>{"b@1"});
  events_.clear();
  EXPECT_EQ(consumers_.Groups(), std::vector<std::string>{"CG2"});

  consumers_.OnConnectionClosed(a->id());
  EXPECT_TRUE(events_.empty());
}

TEST_F(ClientManagerTest, ConsumerScanExpiresClosesAndCloseFiresNothingMore) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  const ConsumerData data = Data("CG", {Sub("T", "*", 1)});
  consumers_.Register("CG", Info(a, "a@1", 1000), data, true);
  consumers_.Register("CG", Info(b, "b@1", 50'000), data, true);
  events_.clear();

  EXPECT_EQ(consumers_.ScanNotActiveChannels(1000 + kTimeout, kTimeout), 0);
  EXPECT_TRUE(events_.empty());

  EXPECT_EQ(consumers_.ScanNotActiveChannels(1001 + kTimeout, kTimeout), 1);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].event, E::kChange);
  EXPECT_EQ(events_[0].client_ids, std::vector<std::string>{"b@1"});
  events_.clear();
  EXPECT_TRUE(WaitClosed(a));
  EXPECT_FALSE(ServerSawClose(b));

  // The broker hears of the close afterwards: the connection is already gone, nothing fires.
  consumers_.OnConnectionClosed(a->id());
  EXPECT_TRUE(events_.empty());

  EXPECT_EQ(consumers_.ScanNotActiveChannels(50'001 + kTimeout, kTimeout), 1);
  EXPECT_EQ(TakeEventKinds(), (std::vector<E>{E::kUnregister, E::kChange}));
  EXPECT_TRUE(consumers_.Groups().empty());
  EXPECT_TRUE(WaitClosed(b));
  consumers_.OnConnectionClosed(b->id());
  EXPECT_TRUE(events_.empty());
}

TEST_F(ClientManagerTest, FindSubscriptionGroupsOfTopicAndClientIdOrder) {
  auto a = Connect();
  auto b = Connect();
  auto c = Connect();
  ASSERT_TRUE(a && b && c);
  // Registered in reverse; ClientIds lists them in connection order.
  consumers_.Register("CG1", Info(c, "c@1", 1000),
                      Data("CG1", {Sub("T1", "*", 1), Sub("T2", "TagA", 1)}), true);
  consumers_.Register("CG1", Info(b, "b@1", 1000),
                      Data("CG1", {Sub("T1", "*", 1), Sub("T2", "TagA", 1)}), true);
  consumers_.Register("CG1", Info(a, "a@1", 1000),
                      Data("CG1", {Sub("T1", "*", 1), Sub("T2", "TagA", 1)}), true);
  consumers_.Register("CG2", Info(a, "a@1", 1000), Data("CG2", {Sub("T2", "*", 1)}), true);
  consumers_.Register("CG3", Info(b, "b@1", 1000), Data("CG3", {Sub("T3", "*", 1)}), true);

  EXPECT_EQ(consumers_.FindGroup("CG1")->ClientIds(),
            (std::vector<std::string>{"a@1", "b@1", "c@1"}));
  EXPECT_EQ(consumers_.GroupsOfTopic("T2"), (std::vector<std::string>{"CG1", "CG2"}));
  EXPECT_EQ(consumers_.GroupsOfTopic("T3"), std::vector<std::string>{"CG3"});
  EXPECT_TRUE(consumers_.GroupsOfTopic("T9").empty());
  EXPECT_EQ(consumers_.Groups(), (std::vector<std::string>{"CG1", "CG2", "CG3"}));

  auto sub = consumers_.FindSubscription("CG1", "T2");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->sub_string, "TagA");
  EXPECT_FALSE(consumers_.FindSubscription("CG1", "T3"));
  EXPECT_FALSE(consumers_.FindSubscription("NOPE", "T1"));
  EXPECT_FALSE(consumers_.FindGroup("NOPE"));
}

}  // namespace
}  // namespace orbit::broker
