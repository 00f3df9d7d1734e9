// ConsumerOffsetManager on an in-memory file system: commit and query, the topic@group file
// format, persist only when dirty, reload, and removal by group and by topic.

#include "broker/consumer_offset_manager.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>

#include "store/config_files.h"
#include "store/fault_file_system.h"

namespace orbit::broker {
namespace {

const std::string kDir = "/store/config";
const std::string kFile = kDir + "/consumerOffset.json";

class ConsumerOffsetManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ConsumerOffsetManager> Open() {
    auto manager = std::make_unique<ConsumerOffsetManager>(fs_, kDir);
    Status loaded = manager->Load();
    EXPECT_TRUE(loaded.ok()) << loaded.ToString();
    return manager;
  }

  store::FaultFileSystem fs_;
};

TEST_F(ConsumerOffsetManagerTest, CommitAndQuery) {
  auto manager = Open();
  EXPECT_EQ(manager->Query("G", "T", 0), -1);
  manager->Commit("G", "T", 0, 42);
  manager->Commit("G", "T", 1, 7);
  EXPECT_EQ(manager->Query("G", "T", 0), 42);
  EXPECT_EQ(manager->Query("G", "T", 1), 7);
  EXPECT_EQ(manager->Query("G", "T", 2), -1);
  EXPECT_EQ(manager->Query("G", "Other", 0), -1);
  EXPECT_EQ(manager->Query("Other", "T", 0), -1);

  // A commit may move an offset back (reset offset, rebalance).
  manager->Commit("G", "T", 0, 40);
  EXPECT_EQ(manager->Query("G", "T", 0), 40);
  EXPECT_EQ(manager->QueryAll("G", "T"), (std::map<int32_t, int64_t>{{0, 40}, {1, 7}}));
  EXPECT_TRUE(manager->QueryAll("G", "None").empty());
}

TEST_F(ConsumerOffsetManagerTest, PersistWritesTopicAtGroupKeysAndReloads) {
  auto manager = Open();
  manager->Commit("GroupA", "TopicA", 0, 12);
  manager->Commit("GroupA", "TopicA", 1, 7);
  manager->Commit("GroupB", "TopicA", 0, 3);
  ASSERT_TRUE(manager->Persist().ok());

  auto text = store::ReadWholeFile(fs_, kFile);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_NE(text->find("\"TopicA@GroupA\""), std::string::npos) << *text;
  EXPECT_NE(text->find("\"TopicA@GroupB\""), std::string::npos) << *text;
  auto decoded = protocol::ConsumerOffsetSerializeWrapper::Decode(*text);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->offset_table.at("TopicA@GroupA"),
            (std::map<int32_t, int64_t>{{0, 12}, {1, 7}}));
  EXPECT_EQ(*decoded, manager->Snapshot());

  auto reopened = Open();
  EXPECT_EQ(reopened->Query("GroupA", "TopicA", 0), 12);
  EXPECT_EQ(reopened->Query("GroupA", "TopicA", 1), 7);
  EXPECT_EQ(reopened->Query("GroupB", "TopicA", 0), 3);
  EXPECT_EQ(reopened->Snapshot(), manager->Snapshot());
}

TEST_F(ConsumerOffsetManagerTest, PersistOnlyWhenDirty) {
  auto manager = Open();
  ASSERT_TRUE(manager->Persist().ok());
  EXPECT_FALSE(fs_.Exists(kFile));  // nothing committed yet

  manager->Commit("G", "T", 0, 1);
  ASSERT_TRUE(manager->Persist().ok());
  ASSERT_TRUE(fs_.Exists(kFile));
  ASSERT_TRUE(fs_.Remove(kFile).ok());
  ASSERT_TRUE(manager->Persist().ok());
  EXPECT_FALSE(fs_.Exists(kFile));  // clean: not written again

  manager->Commit("G", "T", 0, 1);  // same value: still clean
  ASSERT_TRUE(manager->Persist().ok());
  EXPECT_FALSE(fs_.Exists(kFile));

  manager->Commit("G", "T", 0, 2);
  ASSERT_TRUE(manager->Persist().ok());
  EXPECT_TRUE(fs_.Exists(kFile));
}

TEST_F(ConsumerOffsetManagerTest, FailedPersistIsRetried) {
  auto manager = Open();
  manager->Commit("G", "T", 0, 5);
  fs_.FailNext(store::FaultOp::kWrite, EIO, 1, "consumerOffset.json");
  Status failed = manager->Persist();
  EXPECT_EQ(failed.code(), ErrorCode::kIoError) << failed.ToString();
  ASSERT_TRUE(manager->Persist().ok());
  EXPECT_EQ(Open()->Query("G", "T", 0), 5);
}

TEST_F(ConsumerOffsetManagerTest, TopicsOfGroupAndGroupsOfTopic) {
  auto manager = Open();
  manager->Commit("G1", "T1", 0, 1);
  manager->Commit("G1", "T2", 0, 1);
  manager->Commit("G2", "T1", 0, 1);
  manager->Commit("G2", "%RETRY%G2", 0, 1);
  EXPECT_EQ(manager->TopicsOfGroup("G1"), (std::set<std::string>{"T1", "T2"}));
  EXPECT_EQ(manager->TopicsOfGroup("G2"), (std::set<std::string>{"T1", "%RETRY%G2"}));
  EXPECT_TRUE(manager->TopicsOfGroup("G").empty());  // no prefix match
  EXPECT_EQ(manager->GroupsOfTopic("T1"), (std::set<std::string>{"G1", "G2"}));
  EXPECT_EQ(manager->GroupsOfTopic("T2"), (std::set<std::string>{"G1"}));
  EXPECT_TRUE(manager->GroupsOfTopic("T").empty());
}

TEST_F(ConsumerOffsetManagerTest, RemoveGroupAndTopicPersist) {
  auto manager = Open();
  manager->Commit("G1", "T1", 0, 1);
  manager->Commit("G1", "T2", 0, 2);
  manager->Commit("G2", "T1", 0, 3);
  manager->Commit("G10", "T1", 0, 4);  // "G1" must not match "G10"
  ASSERT_TRUE(manager->Persist().ok());

  manager->RemoveGroup("G1");
  EXPECT_EQ(manager->Query("G1", "T1", 0), -1);
  EXPECT_EQ(manager->Query("G1", "T2", 0), -1);
  EXPECT_EQ(manager->Query("G10", "T1", 0), 4);
  EXPECT_EQ(manager->GroupsOfTopic("T1"), (std::set<std::string>{"G10", "G2"}));

  manager->RemoveTopic("T1");
  EXPECT_EQ(manager->Query("G2", "T1", 0), -1);
  EXPECT_TRUE(manager->GroupsOfTopic("T1").empty());
  EXPECT_TRUE(manager->Snapshot().offset_table.empty());

  ASSERT_TRUE(manager->Persist().ok());
  EXPECT_TRUE(Open()->Snapshot().offset_table.empty());
}

TEST_F(ConsumerOffsetManagerTest, LoadsApacheFileAndIgnoresOddKeys) {
  protocol::ConsumerOffsetSerializeWrapper file;
  file.offset_table["TopicTest@please_rename_unique_group_name_4"] = {{0, 250}, {3, 249}};
  file.offset_table["%RETRY%CG@CG"] = {{0, 0}};
  file.offset_table["no-separator"] = {{0, 1}};
  ASSERT_TRUE(store::PersistConsumerOffsets(fs_, kDir, file).ok());

  auto manager = Open();
  EXPECT_EQ(manager->Query("please_rename_unique_group_name_4", "TopicTest", 3), 249);
  EXPECT_EQ(manager->Query("CG", "%RETRY%CG", 0), 0);
  EXPECT_EQ(manager->TopicsOfGroup("CG"), (std::set<std::string>{"%RETRY%CG"}));
  EXPECT_TRUE(manager->GroupsOfTopic("no-separator").empty());
  EXPECT_EQ(manager->Snapshot(), file);  // kept as found
}

}  // namespace
}  // namespace orbit::broker
