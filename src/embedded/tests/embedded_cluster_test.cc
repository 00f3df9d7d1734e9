// A name server and brokers in one process: brokers register, routes follow topic changes, a
// restarted broker keeps its data and its place, shutdown unregisters.

#include "embedded/embedded_cluster.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "net/remoting_client.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit {
namespace {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

class EmbeddedClusterTest : public ::testing::Test {
 protected:
  void TearDown() override { client_.Shutdown(); }

  Result<RemotingCommand> Call(const std::string& addr, RemotingCommand req) {
    return client_.InvokeSync(addr, std::move(req), 5000);
  }

  Result<protocol::ClusterInfo> Clusters(const EmbeddedCluster& c) {
    ORBIT_ASSIGN_OR_RETURN(
        auto resp,
        Call(c.namesrv_addr(), RemotingCommand::Request(RequestCode::kGetBrokerClusterInfo)));
    if (resp.code != ResponseCode::kSuccess) return Status(ErrorCode::kRemote, "cluster info");
    return protocol::ClusterInfo::Decode(resp.body);
  }

  // The route of `topic`, polled until it has `brokers` queue entries (registration follows a
  // topic change within a second) or 10 s pass.
  std::optional<protocol::TopicRouteData> RouteWith(const EmbeddedCluster& c,
                                                    const std::string& topic, size_t brokers) {
    for (int i = 0; i < 100; ++i) {
      RemotingCommand req = RemotingCommand::Request(RequestCode::kGetRouteinfoByTopic);
      protocol::GetRouteInfoRequestHeader h;
      h.topic = topic;
      h.Encode(&req.ext_fields);
      auto resp = Call(c.namesrv_addr(), std::move(req));
      if (resp.ok() && resp->code == ResponseCode::kSuccess) {
        auto route = protocol::TopicRouteData::Decode(resp->body);
        if (route.ok() && route->queue_datas.size() >= brokers) return *route;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::nullopt;
  }

  Status CreateTopic(broker::Broker& b, const std::string& topic, int queues) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kUpdateAndCreateTopic);
    protocol::CreateTopicRequestHeader h;
    h.topic = topic;
    h.default_topic = "TBW102";
    h.read_queue_nums = queues;
    h.write_queue_nums = queues;
    h.perm = 6;
    h.topic_filter_type = "SINGLE_TAG";
    h.Encode(&req.ext_fields);
    ORBIT_ASSIGN_OR_RETURN(auto resp, Call(b.addr(), std::move(req)));
    if (resp.code != ResponseCode::kSuccess) return Status(ErrorCode::kRemote, "create topic");
    return Status::Ok();
  }

  net::RemotingClient client_;
};

TEST_F(EmbeddedClusterTest, BrokersRegisterAndRoutesFollowTopics) {
  EmbeddedClusterOptions options;
  options.brokers = 2;
  auto cluster = EmbeddedCluster::Start(options);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  EmbeddedCluster& c = **cluster;

  auto clusters = Clusters(c);
  ASSERT_TRUE(clusters.ok()) << clusters.status().ToString();
  ASSERT_EQ(clusters->broker_addr_table.size(), 2u);
  EXPECT_EQ(clusters->broker_addr_table["broker-a"].broker_addrs[0], c.broker(0).addr());
  EXPECT_EQ(clusters->broker_addr_table["broker-b"].broker_addrs[0], c.broker(1).addr());
  ASSERT_EQ(clusters->cluster_addr_table["DefaultCluster"].size(), 2u);

  // TBW102 is routed at start (auto-create is on by default).
  EXPECT_TRUE(RouteWith(c, "TBW102", 2).has_value());

  ASSERT_TRUE(CreateTopic(c.broker(0), "Spread", 3).ok());
  ASSERT_TRUE(CreateTopic(c.broker(1), "Spread", 5).ok());
  auto route = RouteWith(c, "Spread", 2);
  ASSERT_TRUE(route.has_value()) << "the name server never learnt the new topic";
  for (const auto& q : route->queue_datas) {
    EXPECT_EQ(q.read_queue_nums, q.broker_name == "broker-a" ? 3 : 5);
  }
}

TEST_F(EmbeddedClusterTest, RestartKeepsTheBrokerRegisteredAndItsTopics) {
  auto cluster = EmbeddedCluster::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  EmbeddedCluster& c = **cluster;
  ASSERT_TRUE(CreateTopic(c.broker(0), "Kept", 2).ok());
  std::string addr = c.broker(0).addr();
  ASSERT_TRUE(c.RestartBroker(0).ok());
  EXPECT_EQ(c.broker(0).addr(), addr);
  EXPECT_TRUE(c.broker(0).topics().Find("Kept").has_value());
  EXPECT_TRUE(RouteWith(c, "Kept", 1).has_value());
}

TEST_F(EmbeddedClusterTest, BrokerPermissionChangesReachTheNameServerBeforeTheReply) {
  auto cluster = EmbeddedCluster::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  EmbeddedCluster& c = **cluster;
  ASSERT_TRUE(CreateTopic(c.broker(0), "Drained", 2).ok());
  ASSERT_TRUE(RouteWith(c, "Drained", 1).has_value());

  // mqadmin updateBrokerConfig -b ADDR -k brokerPermission -v 4: stop taking sends.
  auto update = [&](const std::string& body) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kUpdateBrokerConfig);
    req.body = body;
    auto resp = Call(c.broker(0).addr(), std::move(req));
    return resp.ok() ? resp->code : -1;
  };
  ASSERT_EQ(update("brokerPermission=4"), ResponseCode::kSuccess);
  // Registered before the answer: the very next route already says read-only.
  auto route = RouteWith(c, "Drained", 1);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->queue_datas[0].perm, 4);
  ASSERT_EQ(update("brokerPermission=6"), ResponseCode::kSuccess);
  route = RouteWith(c, "Drained", 1);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->queue_datas[0].perm, 6);
}

TEST_F(EmbeddedClusterTest, ShutdownUnregistersBrokers) {
  auto cluster = EmbeddedCluster::Start({});
  ASSERT_TRUE(cluster.ok());
  EmbeddedCluster& c = **cluster;
  c.broker(0).Shutdown();  // unregisters; the name server stays up
  auto clusters = Clusters(c);
  ASSERT_TRUE(clusters.ok());
  EXPECT_TRUE(clusters->broker_addr_table.empty());
}

TEST_F(EmbeddedClusterTest, TemporaryDataDirIsRemoved) {
  std::string dir;
  {
    auto cluster = EmbeddedCluster::Start({});
    ASSERT_TRUE(cluster.ok());
    dir = (*cluster)->data_dir();
    EXPECT_TRUE(std::filesystem::exists(dir));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace orbit
