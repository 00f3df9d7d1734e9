#include "namesrv/route_info_manager.h"

#include <gtest/gtest.h>

namespace orbit::namesrv {
namespace {

using protocol::TopicConfig;

BrokerRegistration Reg(const std::string& name, int64_t id, const std::string& addr,
                       std::vector<std::string> topics, int64_t counter = 1) {
  BrokerRegistration r;
  r.cluster_name = "DefaultCluster";
  r.broker_name = name;
  r.broker_id = id;
  r.broker_addr = addr;
  r.ha_server_addr = addr + "-ha";
  r.connection_id = static_cast<uint64_t>(id + 100);
  protocol::TopicConfigSerializeWrapper w;
  w.data_version.counter = counter;
  w.data_version.timestamp = 1000;
  for (const auto& t : topics) {
    TopicConfig c;
    c.topic_name = t;
    c.read_queue_nums = 4;
    c.write_queue_nums = 4;
    w.topic_config_table[t] = c;
  }
  r.topic_config = w;
  return r;
}

TEST(RouteInfoManagerTest, MasterAndSlaveRoute) {
  RouteInfoManager m;
  m.RegisterBroker(Reg("broker-a", 0, "10.0.0.1:10911", {"T1", "T2"}), 1000);
  auto slave = m.RegisterBroker(Reg("broker-a", 1, "10.0.0.2:10911", {"T3"}), 1000);
  EXPECT_EQ(slave.master_addr, "10.0.0.1:10911");
  EXPECT_EQ(slave.ha_server_addr, "10.0.0.1:10911-ha");
  auto route = m.PickupTopicRouteData("T1");
  ASSERT_TRUE(route.has_value());
  ASSERT_EQ(route->queue_datas.size(), 1u);
  EXPECT_EQ(route->queue_datas[0].write_queue_nums, 4);
  ASSERT_EQ(route->broker_datas.size(), 1u);
  EXPECT_EQ(route->broker_datas[0].broker_addrs.size(), 2u);
  EXPECT_FALSE(m.PickupTopicRouteData("T3").has_value());  // slaves never add queue data
  EXPECT_EQ(m.GetAllTopicList(), (std::vector<std::string>{"T1", "T2"}));
  auto info = m.GetAllClusterInfo();
  EXPECT_EQ(info.cluster_addr_table["DefaultCluster"], std::vector<std::string>{"broker-a"});
}

TEST(RouteInfoManagerTest, UnchangedDataVersionKeepsNameServerEdits) {
  RouteInfoManager m;
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {"T"}), 1000);
  EXPECT_EQ(m.WipeWritePermOfBroker("broker-a"), 1);
  EXPECT_EQ(m.PickupTopicRouteData("T")->queue_datas[0].perm, protocol::kPermRead);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {"T"}), 2000);  // same DataVersion
  EXPECT_EQ(m.PickupTopicRouteData("T")->queue_datas[0].perm, protocol::kPermRead);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {"T"}, 2), 3000);  // changed: table rewritten
  EXPECT_EQ(m.PickupTopicRouteData("T")->queue_datas[0].perm, 6);
  EXPECT_EQ(m.WipeWritePermOfBroker("broker-a"), 1);
  EXPECT_EQ(m.AddWritePermOfBroker("broker-a"), 1);
  EXPECT_EQ(m.PickupTopicRouteData("T")->queue_datas[0].perm, 6);
  EXPECT_EQ(m.WipeWritePermOfBroker("nobody"), 0);
}

TEST(RouteInfoManagerTest, UnregisterRemovesEverything) {
  RouteInfoManager m;
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {"T"}), 1000);
  m.RegisterBroker(Reg("broker-b", 0, "b:1", {"T", "U"}), 1000);
  m.UnregisterBroker("DefaultCluster", "a:1", "broker-a", 0);
  auto route = m.PickupTopicRouteData("T");
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->queue_datas.size(), 1u);
  EXPECT_EQ(route->queue_datas[0].broker_name, "broker-b");
  m.UnregisterBroker("DefaultCluster", "b:1", "broker-b", 0);
  EXPECT_FALSE(m.PickupTopicRouteData("T").has_value());
  EXPECT_TRUE(m.GetAllTopicList().empty());
  EXPECT_TRUE(m.GetAllClusterInfo().cluster_addr_table.empty());
}

TEST(RouteInfoManagerTest, ExpiryAndConnectionClose) {
  RouteInfoManager m;
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {"T"}), 1000);
  m.RegisterBroker(Reg("broker-b", 0, "b:1", {"U"}), 100000);
  EXPECT_TRUE(m.ScanNotActiveBroker(120000, 120000).empty());
  EXPECT_EQ(m.ScanNotActiveBroker(121001, 120000), std::vector<std::string>{"a:1"});
  EXPECT_FALSE(m.PickupTopicRouteData("T").has_value());
  EXPECT_TRUE(m.PickupTopicRouteData("U").has_value());
  m.OnConnectionClosed(999, "unrelated:1");  // not a broker connection
  EXPECT_EQ(m.live_broker_count(), 1u);
  m.OnConnectionClosed(100, "whatever");  // broker-b registered through connection 100
  EXPECT_EQ(m.live_broker_count(), 0u);
  EXPECT_FALSE(m.PickupTopicRouteData("U").has_value());
}

TEST(RouteInfoManagerTest, QueryDataVersionRefreshesLiveness) {
  RouteInfoManager m;
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {"T"}), 1000);
  protocol::DataVersion same{1000, 1};
  std::optional<protocol::DataVersion> stored;
  EXPECT_FALSE(m.QueryDataVersion("a:1", same, 100000, &stored));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->counter, 1);
  EXPECT_TRUE(m.ScanNotActiveBroker(200000, 120000).empty());  // refreshed at 100000
  EXPECT_TRUE(m.QueryDataVersion("a:1", protocol::DataVersion{1000, 2}, 200000, &stored));
  EXPECT_TRUE(m.QueryDataVersion("zz:1", same, 200000, &stored));
  EXPECT_FALSE(stored.has_value());
}

TEST(RouteInfoManagerTest, TopicListsAndDelete) {
  RouteInfoManager m;
  auto a = Reg("broker-a", 0, "a:1", {"T", "UNIT"});
  a.topic_config->topic_config_table["UNIT"].topic_sys_flag = protocol::kTopicSysFlagUnit;
  m.RegisterBroker(a, 1000);
  auto b = Reg("broker-b", 0, "b:1", {"T"});
  b.cluster_name = "Other";
  m.RegisterBroker(b, 1000);
  EXPECT_EQ(m.GetTopicsByCluster("Other"), std::vector<std::string>{"T"});
  EXPECT_EQ(m.GetTopicsBySysFlag(protocol::kTopicSysFlagUnit, 0), std::vector<std::string>{"UNIT"});
  std::string addr;
  auto sys = m.GetSystemTopicList(&addr);
  EXPECT_EQ(sys, (std::vector<std::string>{"DefaultCluster", "broker-a", "Other", "broker-b"}));
  EXPECT_FALSE(addr.empty());
  m.DeleteTopic("T", "Other");
  EXPECT_EQ(m.PickupTopicRouteData("T")->queue_datas.size(), 1u);
  m.DeleteTopic("T", "");
  EXPECT_FALSE(m.PickupTopicRouteData("T").has_value());
}

TEST(RouteInfoManagerTest, SameAddressUnderNewIdReplacesOldId) {
  RouteInfoManager m;
  m.RegisterBroker(Reg("broker-a", 1, "a:1", {}), 1000);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {"T"}), 1000);  // slave promoted to master
  auto route = m.PickupTopicRouteData("T");
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->broker_datas[0].broker_addrs, (std::map<int64_t, std::string>{{0, "a:1"}}));
}

}  // namespace
}  // namespace orbit::namesrv
