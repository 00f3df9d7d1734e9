// Stores written by Apache RocketMQ 4.9.8 (tests/data/golden_store) open in Orbit's store, and
// every message of their MANIFEST.json comes back with the same offsets, ids, keys, tags and
// body; the crashed sample recovers every acknowledged message.

#include "golden/golden_store.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>

#include "protocol/json.h"
#include "protocol/message.h"
#include "store/index_file.h"
#include "store/message_store.h"

namespace orbit::store {
namespace {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

StoreConfig GoldenConfig(const std::string& root) {
  StoreConfig c;
  c.store_path_root_dir = root;
  c.mapped_file_size_commit_log = 1048576;
  c.mapped_file_size_consume_queue = 6000;
  c.max_hash_slot_num = 1000;
  c.max_index_num = 4000;
  return c;
}

StoreOptions GoldenOptions() {
  StoreOptions o;
  o.store_host = protocol::HostAddress::IPv4(127, 0, 0, 1, 27911);
  return o;
}

std::string Str(const protocol::JsonValue& v, std::string_view key) {
  const protocol::JsonValue* f = v.Find(key);
  if (f == nullptr || !f->is_string()) return "";
  return f->text();
}
int64_t Int(const protocol::JsonValue& v, std::string_view key) {
  const protocol::JsonValue* f = v.Find(key);
  if (f == nullptr) return -1;
  auto r = f->AsInt64();
  return r.ok() ? *r : -1;
}

TEST(GoldenStoreTest, TheCleanApacheStoreServesEveryManifestMessage) {
  orbit::testing::TempDir tmp;
  auto root = orbit::testing::UnpackGoldenStore("sample-a-clean", "store.tar.zst", tmp.path());
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  auto text = orbit::testing::ReadGoldenManifest("sample-a-clean");
  ASSERT_TRUE(text.ok());
  auto manifest = protocol::ParseJson(*text);
  ASSERT_TRUE(manifest.ok());
  const auto* messages = manifest->Find("messages");
  ASSERT_NE(messages, nullptr);
  ASSERT_EQ(messages->items().size(), 2479u);

  auto opened = MessageStore::Open(GoldenConfig(*root), GoldenOptions());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MessageStore& store = **opened;
  EXPECT_TRUE(store.stats().last_exit_ok);
  EXPECT_EQ(store.GetMaxPhyOffset(), 3204214);
  EXPECT_EQ(store.GetMaxOffsetInQueue("GStore1", 1), 427);
  EXPECT_EQ(store.GetMaxOffsetInQueue("GStore2", 1), 394);
  EXPECT_EQ(store.GetMaxOffsetInQueue("SCHEDULE_TOPIC_XXXX", 0), 6);

  int checked = 0;
  for (const auto& m : messages->items()) {
    int64_t offset = Int(m, "commitLogOffset");
    SCOPED_TRACE(offset);
    auto range = store.LookMessageByOffset(offset);
    ASSERT_TRUE(range.ok()) << range.status().ToString();
    EXPECT_EQ(Sha256Hex(range->view()), Str(m, "recordSha256"));
    auto rec = protocol::DecodeRecord(range->view());
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->topic, Str(m, "topic"));
    EXPECT_EQ(rec->queue_id, Int(m, "queueId"));
    EXPECT_EQ(rec->queue_offset, Int(m, "queueOffset"));
    EXPECT_EQ(rec->OffsetMsgId(), Str(m, "msgId"));
    EXPECT_EQ(rec->properties.Get(protocol::kPropertyKeys), Str(m, "keys"));
    EXPECT_EQ(rec->properties.Get(protocol::kPropertyTags), Str(m, "tags"));
    EXPECT_EQ(rec->properties.Get(protocol::kPropertyUniqKey), Str(m, "uniqKey"));
    auto body = protocol::DecompressedBody(*rec);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(Sha256Hex(*body), Str(m, "bodySha256"));
    // The consume queue names this record at its queue offset, and serves it.
    if (HasConsumeQueueEntry(rec->sys_flag)) {
      EXPECT_EQ(store.GetCommitLogOffsetInQueue(rec->topic, rec->queue_id, rec->queue_offset),
                offset);
      GetResult g = store.GetMessage(rec->topic, rec->queue_id, rec->queue_offset, 1);
      ASSERT_EQ(g.status, GetStatus::kFound);
      EXPECT_EQ(g.messages[0].commit_log_offset, offset);
    }
    if (!Str(m, "uniqKey").empty() && checked % 25 == 0) {
      QueryResult q = store.QueryMessage(rec->topic, Str(m, "uniqKey"), 32, 0, INT64_MAX);
      bool found = false;
      for (const auto& r : q.messages) found |= r.commit_log_offset == offset;
      EXPECT_TRUE(found) << "index query for " << Str(m, "uniqKey");
    }
    ++checked;
  }
  EXPECT_EQ(checked, 2479);

  // Orbit appends after Apache's data, in the same files and queues.
  std::string body = "after apache";
  MessageInput in;
  in.topic = "GStore1";
  in.queue_id = 1;
  in.body = body;
  in.born_host = protocol::HostAddress::IPv4(127, 0, 0, 1, 5555);
  PutResult r = store.PutMessage(in);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.append.commit_log_offset, 3204214);
  EXPECT_EQ(r.append.queue_offset, 427);
}

TEST(GoldenStoreTest, TheCrashedApacheStoreRecoversEveryAcknowledgedMessage) {
  orbit::testing::TempDir tmp;
  auto root = orbit::testing::UnpackGoldenStore("sample-b-crash", "store.tar.zst", tmp.path());
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  auto text = orbit::testing::ReadGoldenManifest("sample-b-crash");
  ASSERT_TRUE(text.ok());
  auto manifest = protocol::ParseJson(*text);
  ASSERT_TRUE(manifest.ok());
  const auto* acked = manifest->Find("acked");
  ASSERT_NE(acked, nullptr);
  ASSERT_EQ(acked->items().size(), 1007u);

  auto opened = MessageStore::Open(GoldenConfig(*root), GoldenOptions());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MessageStore& store = **opened;
  EXPECT_FALSE(store.stats().last_exit_ok);
  ASSERT_TRUE(store.WaitDispatched(10000));
  // As Java's recovery: commit log ends after the last acknowledged record, the lagging queue
  // got its entry back, the pre-allocated empty file is gone.
  EXPECT_EQ(store.GetMaxPhyOffset(), 1231563);
  EXPECT_EQ(store.GetMaxOffsetInQueue("GCrash", 0), 504);
  EXPECT_EQ(store.GetMaxOffsetInQueue("GCrash", 1), 503);
  EXPECT_FALSE(std::filesystem::exists(*root + "/commitlog/00000000000002097152"));

  for (const auto& a : acked->items()) {
    int64_t offset = Int(a, "commitLogOffset");
    SCOPED_TRACE(offset);
    EXPECT_EQ(store.GetCommitLogOffsetInQueue("GCrash", static_cast<int32_t>(Int(a, "queueId")),
                                              Int(a, "queueOffset")),
              offset);
    auto range = store.LookMessageByOffset(offset);
    ASSERT_TRUE(range.ok()) << range.status().ToString();
    auto rec = protocol::DecodeRecord(range->view());
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->OffsetMsgId(), Str(a, "msgId"));
    auto body = protocol::DecompressedBody(*rec);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(Sha256Hex(*body), Str(a, "bodySha256"));
  }
  // The last record, missing from the index on disk, was indexed again.
  const auto& last = acked->items().back();
  QueryResult q = store.QueryMessage("GCrash", Str(last, "uniqKey"), 4, 0, INT64_MAX);
  ASSERT_EQ(q.messages.size(), 1u);
  EXPECT_EQ(q.messages[0].commit_log_offset, Int(last, "commitLogOffset"));

  // A clean stop leaves no abort file; reopening is a normal recovery with the same content.
  ASSERT_TRUE(store.Shutdown().ok());
  opened->reset();
  EXPECT_FALSE(std::filesystem::exists(*root + "/abort"));
  auto again = MessageStore::Open(GoldenConfig(*root), GoldenOptions());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->stats().last_exit_ok);
  EXPECT_EQ((*again)->GetMaxOffsetInQueue("GCrash", 1), 503);
}

}  // namespace
}  // namespace orbit::store
