// TopicConfigManager on an in-memory file system: Apache's system topics, auto-creation through
// TBW102, retry topics, persistence with reload and .bak fallback, data versions, on_change and
// the topic name rules.

#include "broker/topic_config_manager.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>

#include "store/config_files.h"
#include "store/fault_file_system.h"

namespace orbit::broker {
namespace {

using protocol::kPermInherit;
using protocol::kPermRead;
using protocol::kPermWrite;
using protocol::TopicConfig;

constexpr int32_t kRW = kPermRead | kPermWrite;
constexpr int32_t kRWX = kPermRead | kPermWrite | kPermInherit;
const std::string kDir = "/store/config";

TopicConfig MakeTopic(std::string name, int32_t queues, int32_t perm = kRW) {
  TopicConfig config;
  config.topic_name = std::move(name);
  config.read_queue_nums = queues;
  config.write_queue_nums = queues;
  config.perm = perm;
  return config;
}

class TopicConfigManagerTest : public ::testing::Test {
 protected:
  TopicConfigManagerTest() {
    config_.broker_name = "broker-a";
    config_.broker_cluster_name = "DefaultCluster";
  }

  // A fresh manager on the same files, loaded.
  std::unique_ptr<TopicConfigManager> Open() {
    auto manager = std::make_unique<TopicConfigManager>(Live(), fs_, kDir);
    manager->set_on_change([this] { ++changes_; });
    Status loaded = manager->Load();
    EXPECT_TRUE(loaded.ok()) << loaded.ToString();
    return manager;
  }

  void ExpectTopic(const TopicConfigManager& manager, const std::string& name, int32_t queues,
                   int32_t perm) {
    auto topic = manager.Find(name);
    ASSERT_TRUE(topic.has_value()) << name;
    EXPECT_EQ(topic->read_queue_nums, queues) << name;
    EXPECT_EQ(topic->write_queue_nums, queues) << name;
    EXPECT_EQ(topic->perm, perm) << name;
  }

  // A snapshot holder per manager opened (each outlives its manager).
  const LiveBrokerConfig& Live() {
    return *lives_.emplace_back(std::make_unique<LiveBrokerConfig>(config_));
  }

  BrokerConfig config_;
  std::vector<std::unique_ptr<LiveBrokerConfig>> lives_;
  store::FaultFileSystem fs_;
  int changes_ = 0;
};

TEST_F(TopicConfigManagerTest, SystemTopicsHaveApacheQueueNumbersAndPerms) {
  config_.default_topic_queue_nums = 8;
  auto manager = Open();
  ExpectTopic(*manager, "SELF_TEST_TOPIC", 1, kRW);
  ExpectTopic(*manager, "TBW102", 8, kRWX);
  ExpectTopic(*manager, "BenchmarkTest", 1024, kRW);
  ExpectTopic(*manager, "DefaultCluster", 16, kRWX);
  ExpectTopic(*manager, "broker-a", 1, kRWX);
  ExpectTopic(*manager, "OFFSET_MOVED_EVENT", 1, kRW);
  ExpectTopic(*manager, "SCHEDULE_TOPIC_XXXX", 18, kRW);
  ExpectTopic(*manager, "DefaultCluster_REPLY_TOPIC", 1, kRW);
  EXPECT_FALSE(manager->Find("RMQ_SYS_TRACE_TOPIC").has_value());
  EXPECT_EQ(manager->Snapshot().topic_config_table.size(), 8u);
  EXPECT_EQ(manager->data_version().counter, 0);
  EXPECT_GT(manager->data_version().timestamp, 0);
  EXPECT_EQ(changes_, 0);
}

TEST_F(TopicConfigManagerTest, TraceClusterAndBrokerTopicSwitches) {
  config_.trace_topic_enable = true;
  config_.msg_trace_topic_name = "MyTrace";
  config_.cluster_topic_enable = false;
  config_.broker_topic_enable = false;
  auto manager = Open();
  ExpectTopic(*manager, "MyTrace", 1, kRW);
  ExpectTopic(*manager, "DefaultCluster", 16, kPermInherit);
  ExpectTopic(*manager, "broker-a", 1, kPermInherit);
}

TEST_F(TopicConfigManagerTest, NoTbw102WhenAutoCreateIsOff) {
  config_.auto_create_topic_enable = false;
  auto manager = Open();
  EXPECT_FALSE(manager->Find("TBW102").has_value());
  ExpectTopic(*manager, "SELF_TEST_TOPIC", 1, kRW);
}

TEST_F(TopicConfigManagerTest, FileValuesWinOverSystemTopics) {
  protocol::TopicConfigSerializeWrapper file;
  file.topic_config_table["SCHEDULE_TOPIC_XXXX"] = MakeTopic("SCHEDULE_TOPIC_XXXX", 4);
  file.data_version = {1700000000000, 7};
  ASSERT_TRUE(store::PersistTopics(fs_, kDir, file).ok());
  auto manager = Open();
  ExpectTopic(*manager, "SCHEDULE_TOPIC_XXXX", 4, kRW);
  ExpectTopic(*manager, "SELF_TEST_TOPIC", 1, kRW);
  EXPECT_EQ(manager->data_version(), (protocol::DataVersion{1700000000000, 7}));
}

TEST_F(TopicConfigManagerTest, AutoCreateInSendThroughTbw102) {
  config_.default_topic_queue_nums = 8;
  auto manager = Open();
  auto before = manager->data_version();

  auto small = manager->CreateTopicInSendMessageMethod("TopicSmall", "TBW102", 4, 0);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(small->read_queue_nums, 4);
  EXPECT_EQ(small->write_queue_nums, 4);
  EXPECT_EQ(small->perm, kRW);  // inherit is not inherited

  auto big = manager->CreateTopicInSendMessageMethod("TopicBig", "TBW102", 16, 1);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(big->write_queue_nums, 8);  // capped by TBW102's write queues
  EXPECT_EQ(big->topic_sys_flag, 1);
  EXPECT_EQ(changes_, 2);
  EXPECT_EQ(manager->data_version().counter, before.counter + 2);

  // Existing: returned as is, no change.
  auto again = manager->CreateTopicInSendMessageMethod("TopicSmall", "TBW102", 16, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->write_queue_nums, 4);
  EXPECT_EQ(changes_, 2);

  // Persisted right away.
  auto reopened = Open();
  ExpectTopic(*reopened, "TopicBig", 8, kRW);
  ExpectTopic(*reopened, "TopicSmall", 4, kRW);
}

TEST_F(TopicConfigManagerTest, AutoCreateRefusedWithoutInheritPerm) {
  auto manager = Open();
  ASSERT_TRUE(manager->Update(MakeTopic("TBW102", 8, kRW)).ok());
  auto created = manager->CreateTopicInSendMessageMethod("NewTopic", "TBW102", 4, 0);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), ErrorCode::kNotFound) << created.status().ToString();
  EXPECT_FALSE(manager->Find("NewTopic").has_value());
}

TEST_F(TopicConfigManagerTest, AutoCreateRefusedWhenDisabled) {
  auto missing = Open();
  // No default topic at all.
  auto none = missing->CreateTopicInSendMessageMethod("NewTopic", "NoSuchDefault", 4, 0);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);

  // TBW102 left in topics.json by a run with auto-creation on, now turned off.
  ASSERT_TRUE(missing->Update(MakeTopic("Marker", 1)).ok());
  config_.auto_create_topic_enable = false;
  auto manager = Open();
  ExpectTopic(*manager, "TBW102", 8, kRWX);
  auto created = manager->CreateTopicInSendMessageMethod("NewTopic", "TBW102", 4, 0);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(manager->Find("NewTopic").has_value());
}

TEST_F(TopicConfigManagerTest, AutoCreateRejectsBadName) {
  auto manager = Open();
  auto created = manager->CreateTopicInSendMessageMethod("bad topic", "TBW102", 4, 0);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TopicConfigManagerTest, RetryTopicCreatedInSendBack) {
  auto manager = Open();
  std::string retry = RetryTopic("CG");
  EXPECT_EQ(retry, "%RETRY%CG");
  EXPECT_EQ(DlqTopic("CG"), "%DLQ%CG");
  auto created = manager->CreateTopicInSendMessageBackMethod(retry, 1, kRW, 0);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->topic_name, "%RETRY%CG");
  EXPECT_EQ(created->read_queue_nums, 1);
  EXPECT_EQ(changes_, 1);

  // Existing: returned unchanged.
  auto again = manager->CreateTopicInSendMessageBackMethod(retry, 3, kPermRead, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->read_queue_nums, 1);
  EXPECT_EQ(again->perm, kRW);
  EXPECT_EQ(changes_, 1);

  auto dlq = manager->CreateTopicInSendMessageBackMethod(DlqTopic("CG"), 1, kPermWrite, 0);
  ASSERT_TRUE(dlq.ok());
  EXPECT_EQ(dlq->perm, kPermWrite);
  ExpectTopic(*Open(), "%RETRY%CG", 1, kRW);
}

TEST_F(TopicConfigManagerTest, UpdateAndDeleteSurviveReload) {
  auto manager = Open();
  ASSERT_TRUE(manager->Update(MakeTopic("TopicA", 4)).ok());
  ASSERT_TRUE(manager->Update(MakeTopic("TopicB", 2, kPermRead)).ok());
  ASSERT_TRUE(manager->Update(MakeTopic("TopicA", 6)).ok());
  ASSERT_TRUE(manager->Delete("TopicB").ok());
  EXPECT_EQ(changes_, 4);

  auto reopened = Open();
  ExpectTopic(*reopened, "TopicA", 6, kRW);
  EXPECT_FALSE(reopened->Find("TopicB").has_value());
  EXPECT_EQ(reopened->data_version(), manager->data_version());
  EXPECT_EQ(reopened->Snapshot(), manager->Snapshot());

  // Deleting what does not exist is Ok and changes nothing.
  auto version = reopened->data_version();
  ASSERT_TRUE(reopened->Delete("NoSuchTopic").ok());
  EXPECT_EQ(reopened->data_version(), version);
  EXPECT_EQ(changes_, 4);
}

TEST_F(TopicConfigManagerTest, UpdateValidates) {
  auto manager = Open();
  Status empty = manager->Update(MakeTopic("", 4));
  EXPECT_EQ(empty.code(), ErrorCode::kInvalidArgument);
  Status bad = manager->Update(MakeTopic("a/b", 4));
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument);
  Status negative = manager->Update(MakeTopic("TopicA", -1));
  EXPECT_EQ(negative.code(), ErrorCode::kInvalidArgument) << negative.ToString();
  EXPECT_FALSE(manager->Find("TopicA").has_value());
  EXPECT_EQ(changes_, 0);
}

TEST_F(TopicConfigManagerTest, CorruptTopicsJsonFallsBackToBak) {
  {
    auto manager = Open();
    ASSERT_TRUE(manager->Update(MakeTopic("TopicA", 4)).ok());
    ASSERT_TRUE(manager->Update(MakeTopic("TopicB", 4)).ok());  // .bak now holds TopicA only
  }
  {
    auto file = fs_.Open(kDir + "/topics.json", store::OpenMode::kCreateAlways);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Write(0, "{\"topicConfigTable\":{\"x\": [oops").ok());
  }
  auto manager = Open();
  ExpectTopic(*manager, "TopicA", 4, kRW);
  EXPECT_FALSE(manager->Find("TopicB").has_value());
  ExpectTopic(*manager, "SELF_TEST_TOPIC", 1, kRW);

  // Neither copy usable: Load refuses rather than starting empty.
  {
    auto bak = fs_.Open(kDir + "/topics.json.bak", store::OpenMode::kCreateAlways);
    ASSERT_TRUE(bak.ok());
    ASSERT_TRUE((*bak)->Write(0, "not json").ok());
  }
  TopicConfigManager broken(Live(), fs_, kDir);
  EXPECT_FALSE(broken.Load().ok());
}

TEST_F(TopicConfigManagerTest, DataVersionCounterIncreasesOnEachChange) {
  auto manager = Open();
  int64_t counter = manager->data_version().counter;
  ASSERT_TRUE(manager->Update(MakeTopic("TopicA", 4)).ok());
  EXPECT_EQ(manager->data_version().counter, counter + 1);
  ASSERT_TRUE(manager->CreateTopicInSendMessageMethod("TopicB", "TBW102", 4, 0).ok());
  EXPECT_EQ(manager->data_version().counter, counter + 2);
  ASSERT_TRUE(manager->CreateTopicInSendMessageBackMethod("%RETRY%G", 1, kRW, 0).ok());
  EXPECT_EQ(manager->data_version().counter, counter + 3);
  ASSERT_TRUE(manager->Delete("TopicA").ok());
  EXPECT_EQ(manager->data_version().counter, counter + 4);
  EXPECT_GT(manager->data_version().timestamp, 0);
  EXPECT_EQ(manager->Snapshot().data_version, manager->data_version());
}

TEST_F(TopicConfigManagerTest, OnChangeRunsOutsideTheMutex) {
  TopicConfigManager manager(Live(), fs_, kDir);
  std::optional<protocol::DataVersion> seen;
  // Calling back into the manager would deadlock if the mutex were still held.
  manager.set_on_change([&] { seen = manager.data_version(); });
  ASSERT_TRUE(manager.Load().ok());
  ASSERT_TRUE(manager.Update(MakeTopic("TopicA", 4)).ok());
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, manager.data_version());
}

TEST_F(TopicConfigManagerTest, FailedPersistLeavesTableUnchanged) {
  auto manager = Open();
  auto version = manager->data_version();
  fs_.FailNext(store::FaultOp::kWrite, ENOSPC, 1, "topics.json");
  Status s = manager->Update(MakeTopic("TopicA", 4));
  EXPECT_EQ(s.code(), ErrorCode::kDiskFull) << s.ToString();
  EXPECT_FALSE(manager->Find("TopicA").has_value());
  EXPECT_EQ(manager->data_version(), version);
  EXPECT_EQ(changes_, 0);
  ASSERT_TRUE(manager->Update(MakeTopic("TopicA", 4)).ok());
  ExpectTopic(*Open(), "TopicA", 4, kRW);
}

TEST(TopicNameTest, Validate) {
  EXPECT_EQ(ValidateTopicName("").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateTopicName(std::string(128, 'a')).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ValidateTopicName(std::string(127, 'a')).ok());
  EXPECT_EQ(ValidateTopicName("topic.a").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateTopicName("topic a").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ValidateTopicName("t\xc3\xa9").code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ValidateTopicName("TopicTest").ok());
  EXPECT_TRUE(ValidateTopicName("%RETRY%my_group-1|x").ok());
  EXPECT_NE(ValidateTopicName("topic.a").message().find("illegal"), std::string::npos);
}

TEST(TopicNameTest, NotAllowedSendTopics) {
  for (const char* topic :
       {"SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
        "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"}) {
    EXPECT_TRUE(IsNotAllowedSendTopic(topic)) << topic;
  }
  EXPECT_FALSE(IsNotAllowedSendTopic("TopicTest"));
  EXPECT_FALSE(IsNotAllowedSendTopic("TBW102"));
  EXPECT_FALSE(IsNotAllowedSendTopic("RMQ_SYS_TRACE_TOPIC"));  // clients send traces there
  EXPECT_FALSE(IsNotAllowedSendTopic("%RETRY%CG"));
}

}  // namespace
}  // namespace orbit::broker
