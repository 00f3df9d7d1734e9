// SubscriptionGroupManager on an in-memory file system: Apache's system groups, auto-creation
// with and without autoCreateSubscriptionGroup, persistence and reload.

#include "broker/subscription_group_manager.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/config_files.h"
#include "store/fault_file_system.h"

namespace orbit::broker {
namespace {

using protocol::SubscriptionGroupConfig;

const std::string kDir = "/store/config";

class SubscriptionGroupManagerTest : public ::testing::Test {
 protected:
  SubscriptionGroupManagerTest() { config_.broker_name = "broker-a"; }

  std::unique_ptr<SubscriptionGroupManager> Open() {
    auto manager = std::make_unique<SubscriptionGroupManager>(Live(), fs_, kDir);
    Status loaded = manager->Load();
    EXPECT_TRUE(loaded.ok()) << loaded.ToString();
    return manager;
  }

  // A snapshot holder per manager opened (each outlives its manager).
  const LiveBrokerConfig& Live() {
    return *lives_.emplace_back(std::make_unique<LiveBrokerConfig>(config_));
  }

  BrokerConfig config_;
  std::vector<std::unique_ptr<LiveBrokerConfig>> lives_;
  store::FaultFileSystem fs_;
};

TEST_F(SubscriptionGroupManagerTest, SystemGroupsPresentAfterLoad) {
  auto manager = Open();
  for (const char* group :
       {"TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY",
        "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER"}) {
    auto found = manager->Find(group);
    ASSERT_TRUE(found.has_value()) << group;
    EXPECT_EQ(found->group_name, group);
    EXPECT_TRUE(found->consume_enable);
    EXPECT_TRUE(found->consume_broadcast_enable);
    EXPECT_EQ(found->retry_max_times, 16);
    EXPECT_EQ(found->retry_queue_nums, 1);
  }
  EXPECT_EQ(manager->Snapshot().subscription_group_table.size(), 7u);
  EXPECT_EQ(manager->Snapshot().data_version.counter, 0);
}

TEST(SystemGroupTest, IsSystemGroup) {
  EXPECT_TRUE(IsSystemGroup("TOOLS_CONSUMER"));
  EXPECT_TRUE(IsSystemGroup("CID_ONSAPI_OWNER"));
  EXPECT_TRUE(IsSystemGroup("CID_RMQ_SYS_TRANS"));
  EXPECT_FALSE(IsSystemGroup("CG"));
  EXPECT_FALSE(IsSystemGroup(""));
}

TEST_F(SubscriptionGroupManagerTest, FindOrCreateWithAutoCreate) {
  config_.auto_create_subscription_group = true;
  auto manager = Open();
  int64_t counter = manager->Snapshot().data_version.counter;
  auto created = manager->FindOrCreate("CG");
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->group_name, "CG");
  EXPECT_EQ(*created, manager->Find("CG"));
  EXPECT_EQ(manager->Snapshot().data_version.counter, counter + 1);

  // Existing: no new version.
  ASSERT_TRUE(manager->FindOrCreate("CG").has_value());
  EXPECT_EQ(manager->Snapshot().data_version.counter, counter + 1);

  // Persisted right away.
  EXPECT_TRUE(Open()->Find("CG").has_value());
}

TEST_F(SubscriptionGroupManagerTest, AutoCreateFollowsTheLiveConfig) {
  config_.auto_create_subscription_group = false;
  LiveBrokerConfig live(config_);
  SubscriptionGroupManager manager(live, fs_, kDir);
  ASSERT_TRUE(manager.Load().ok());
  EXPECT_FALSE(manager.FindOrCreate("CG").has_value());
  BrokerConfig on = live.get();
  on.auto_create_subscription_group = true;
  live.Publish(on);
  EXPECT_TRUE(manager.FindOrCreate("CG").has_value());
}

TEST_F(SubscriptionGroupManagerTest, FindOrCreateWithoutAutoCreate) {
  config_.auto_create_subscription_group = false;
  auto manager = Open();
  EXPECT_FALSE(manager->FindOrCreate("CG").has_value());
  EXPECT_FALSE(manager->Find("CG").has_value());
  EXPECT_FALSE(manager->FindOrCreate("").has_value());
  // System groups are created regardless.
  auto sys = manager->FindOrCreate("CID_RMQ_SYS_TRANS");
  ASSERT_TRUE(sys.has_value());
  EXPECT_EQ(sys->group_name, "CID_RMQ_SYS_TRANS");
  // Groups that exist are found.
  EXPECT_TRUE(manager->FindOrCreate("TOOLS_CONSUMER").has_value());
}

TEST_F(SubscriptionGroupManagerTest, UpdateAndDeleteSurviveReload) {
  auto manager = Open();
  int64_t counter = manager->Snapshot().data_version.counter;
  SubscriptionGroupConfig group;
  group.group_name = "CG";
  group.retry_max_times = 3;
  group.consume_broadcast_enable = false;
  ASSERT_TRUE(manager->Update(group).ok());
  SubscriptionGroupConfig other;
  other.group_name = "Other";
  ASSERT_TRUE(manager->Update(other).ok());
  ASSERT_TRUE(manager->Delete("Other").ok());
  EXPECT_EQ(manager->Snapshot().data_version.counter, counter + 3);

  auto reopened = Open();
  auto found = reopened->Find("CG");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, group);
  EXPECT_FALSE(reopened->Find("Other").has_value());
  EXPECT_EQ(reopened->Snapshot(), manager->Snapshot());

  // Deleting what does not exist is Ok and changes nothing.
  ASSERT_TRUE(reopened->Delete("NoSuchGroup").ok());
  EXPECT_EQ(reopened->Snapshot().data_version, manager->Snapshot().data_version);

  // A deleted system group comes back on the next load, as in Apache.
  ASSERT_TRUE(reopened->Delete("TOOLS_CONSUMER").ok());
  EXPECT_FALSE(reopened->Find("TOOLS_CONSUMER").has_value());
  EXPECT_TRUE(Open()->Find("TOOLS_CONSUMER").has_value());
}

TEST_F(SubscriptionGroupManagerTest, UpdateRejectsEmptyName) {
  auto manager = Open();
  Status s = manager->Update(SubscriptionGroupConfig{});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.ToString();
}

TEST_F(SubscriptionGroupManagerTest, CorruptFileFallsBackToBak) {
  {
    auto manager = Open();
    SubscriptionGroupConfig a;
    a.group_name = "A";
    ASSERT_TRUE(manager->Update(a).ok());
    SubscriptionGroupConfig b;
    b.group_name = "B";
    ASSERT_TRUE(manager->Update(b).ok());
  }
  {
    auto file = fs_.Open(kDir + "/subscriptionGroup.json", store::OpenMode::kCreateAlways);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Write(0, "{{{").ok());
  }
  auto manager = Open();
  EXPECT_TRUE(manager->Find("A").has_value());
  EXPECT_FALSE(manager->Find("B").has_value());
}

}  // namespace
}  // namespace orbit::broker
