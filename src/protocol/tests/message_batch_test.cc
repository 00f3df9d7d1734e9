#include "protocol/message_batch.h"

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "protocol/message.h"

namespace orbit::protocol {
namespace {

std::vector<BatchEntry> SampleBatch() {
  std::vector<BatchEntry> batch;
  for (int i = 0; i < 3; ++i) {
    BatchEntry e;
    e.flag = i;
    e.body = "batch body " + std::to_string(i);
    e.properties.Set(kPropertyKeys, "KEY-BATCH-" + std::to_string(i));
    e.properties.Set("idx", std::to_string(i));
    batch.push_back(e);
  }
  return batch;
}

TEST(MessageBatchTest, EntryLayout) {
  BatchEntry e;
  e.flag = 5;
  e.body = "abc";
  e.properties.Set("k", "v");
  std::string out;
  ASSERT_TRUE(EncodeBatch({e}, &out).ok());
  std::string want;
  PutI32(&want, 20 + 3 + 2 + 3);
  PutI32(&want, 0);
  PutI32(&want, 0);
  PutI32(&want, 5);
  PutI32(&want, 3);
  want += "abc";
  PutI16(&want, 3);
  want += "k\x01v";
  EXPECT_EQ(out, want);
}

TEST(MessageBatchTest, RoundTripIsByteExact) {
  std::vector<BatchEntry> batch = SampleBatch();
  std::string body;
  ASSERT_TRUE(EncodeBatch(batch, &body).ok());
  auto back = DecodeBatch(body);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, batch);
  std::string again;
  ASSERT_TRUE(EncodeBatch(*back, &again).ok());
  EXPECT_EQ(again, body);
}

TEST(MessageBatchTest, EmptyBatch) {
  std::string body;
  ASSERT_TRUE(EncodeBatch({}, &body).ok());
  EXPECT_TRUE(body.empty());
  auto back = DecodeBatch("");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
}

TEST(MessageBatchTest, EveryTruncationIsMalformed) {
  std::string body;
  ASSERT_TRUE(EncodeBatch(SampleBatch(), &body).ok());
  std::string first;
  ASSERT_TRUE(EncodeBatch({SampleBatch()[0]}, &first).ok());
  for (size_t n = 1; n < body.size(); ++n) {
    if (n == first.size() || n == 2 * first.size()) continue;  // entry boundaries
    auto r = DecodeBatch(std::string_view(body).substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), ErrorCode::kMalformed);
  }
}

TEST(MessageBatchTest, TotalSizeMismatchAndNegativeLengths) {
  std::string body;
  ASSERT_TRUE(EncodeBatch({SampleBatch()[0]}, &body).ok());
  std::string bad = body;
  StoreU32(bad.data(), LoadU32(bad.data()) + 1);
  EXPECT_EQ(DecodeBatch(bad).status().code(), ErrorCode::kMalformed);
  bad = body;
  StoreU32(bad.data() + 16, 0x80000000u);
  EXPECT_EQ(DecodeBatch(bad).status().code(), ErrorCode::kMalformed);
}

TEST(MessageBatchTest, MutatedInputFailsCleanly) {
  std::string good;
  ASSERT_TRUE(EncodeBatch(SampleBatch(), &good).ok());
  uint32_t x = 7;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string bad = good;
    x = x * 1103515245 + 12345;
    bad[(x >> 8) % bad.size()] = static_cast<char>(x >> 24);
    if (iter % 4 == 0) bad.resize((x >> 3) % bad.size());
    auto r = DecodeBatch(bad);
    if (!r.ok()) {
      ASSERT_EQ(r.status().code(), ErrorCode::kMalformed);
    }
  }
}

TEST(MessageBatchTest, OversizedPropertiesAreRefused) {
  BatchEntry e;
  e.properties.Set("p", std::string(40000, 'v'));
  std::string out = "keep";
  EXPECT_EQ(EncodeBatch({e}, &out).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(out, "keep");
}

}  // namespace
}  // namespace orbit::protocol
