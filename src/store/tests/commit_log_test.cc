#include "store/commit_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "base/bytes.h"
#include "base/clock.h"
#include "golden/golden_store.h"
#include "protocol/message.h"
#include "protocol/message_flags.h"
#include "store/tests/store_test_util.h"

namespace orbit::store {
namespace {

using testing::MakeMessage;
using testing::OwnedMessage;

class CommitLogTest : public ::testing::Test {
 protected:
  void SetUp() override { clock_.Advance(123); }

  std::unique_ptr<CommitLog> MakeLog(size_t segment_size = 64 * 1024) {
    CommitLogOptions o;
    o.segment_size = segment_size;
    o.store_host = protocol::HostAddress::IPv4(127, 0, 0, 1, 10911);
    o.clock = &clock_;
    auto log = std::make_unique<CommitLog>(*FileSystem::Default(), dir_ + "/commitlog", o);
    EXPECT_TRUE(log->Load().ok());
    return log;
  }

  orbit::testing::TempDir tmp_{"orbit-commitlog-"};
  const std::string dir_ = tmp_.path();
  ManualClock clock_;
};

TEST_F(CommitLogTest, AppendEncodesARecordTheCodecReadsBack) {
  auto log = MakeLog();
  OwnedMessage m = MakeMessage("TopicA", 3, 1);
  auto r = log->Append(m.input());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->commit_log_offset, 0);
  EXPECT_EQ(r->queue_offset, 0);
  EXPECT_EQ(r->store_timestamp, 1700000000123);
  EXPECT_EQ(r->OffsetMessageIds(),
            protocol::EncodeOffsetMessageId(protocol::HostAddress::IPv4(127, 0, 0, 1, 10911), 0));

  auto range = log->Read(r->commit_log_offset, r->bytes);
  ASSERT_TRUE(range.ok());
  auto rec = protocol::DecodeRecord(range->view());
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_TRUE(protocol::VerifyBodyCrc(*rec).ok());
  EXPECT_EQ(rec->topic, "TopicA");
  EXPECT_EQ(rec->queue_id, 3);
  EXPECT_EQ(rec->body, m.body);
  EXPECT_EQ(rec->physical_offset, 0);
  EXPECT_EQ(rec->store_timestamp, 1700000000123);
  EXPECT_EQ(rec->store_host, protocol::HostAddress::IPv4(127, 0, 0, 1, 10911));
  EXPECT_EQ(rec->born_host, protocol::HostAddress::IPv4(10, 0, 0, 7, 40000));
  EXPECT_EQ(rec->properties.Get(protocol::kPropertyKeys), "key-1 shared-1");

  // The encoder agrees byte for byte with the protocol module's encoder.
  std::string again;
  ASSERT_TRUE(protocol::EncodeRecord(*rec, &again).ok());
  EXPECT_EQ(again, std::string(range->view()));
}

TEST_F(CommitLogTest, QueueOffsetsCountPerTopicQueueAndSkipHalfMessages) {
  auto log = MakeLog();
  for (int i = 0; i < 5; ++i) {
    auto r = log->Append(MakeMessage("T", 0, i).input());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->queue_offset, i);
  }
  auto other = log->Append(MakeMessage("T", 1, 9).input());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->queue_offset, 0);
  OwnedMessage half = MakeMessage("T", 0, 10);
  half.sys_flag = protocol::kSysFlagTransactionPrepared;
  auto h = log->Append(half.input());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->queue_offset, 0);
  EXPECT_EQ(log->NextQueueOffset("T", 0), 5);
}

TEST_F(CommitLogTest, ARecordNeverSpansTwoSegments) {
  auto log = MakeLog(64 * 1024);
  int64_t last_end = 0;
  int count = 0;
  while (log->MaxOffset() < 3 * 64 * 1024) {
    auto r = log->Append(MakeMessage("T", 0, count, 3000).input());
    ASSERT_TRUE(r.ok());
    int64_t start = r->commit_log_offset;
    EXPECT_EQ(start / (64 * 1024), (start + r->bytes - 1) / (64 * 1024)) << start;
    if (start != last_end) {
      // A filler closed the previous segment.
      auto filler = log->Read(last_end, 8);
      ASSERT_TRUE(filler.ok());
      EXPECT_EQ(LoadU32(filler->data + 4), protocol::kBlankMagicCode);
      EXPECT_EQ(static_cast<int64_t>(LoadU32(filler->data)), start - last_end);
    }
    last_end = start + r->bytes;
    ++count;
  }
  EXPECT_EQ(log->segments().Segments().size(), 4u);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/commitlog/00000000000000065536"));
}

TEST_F(CommitLogTest, BatchRecordsAreConsecutive) {
  auto log = MakeLog();
  std::vector<OwnedMessage> owned;
  for (int i = 0; i < 4; ++i) owned.push_back(MakeMessage("B", 2, i));
  std::vector<MessageInput> batch;
  for (auto& o : owned) batch.push_back(o.input());
  auto r = log->AppendBatch(batch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 4);
  EXPECT_EQ(r->queue_offset, 0);
  auto range = log->Read(r->commit_log_offset, r->bytes);
  ASSERT_TRUE(range.ok());
  std::vector<protocol::MessageRecord> recs;
  ASSERT_TRUE(protocol::DecodeRecords(range->view(), &recs).ok());
  ASSERT_EQ(recs.size(), 4u);
  // One offset message id per record, each naming where that record starts.
  std::string expected_ids;
  for (int i = 0; i < 4; ++i) {
    const auto& rec = recs[static_cast<size_t>(i)];
    EXPECT_EQ(rec.queue_offset, i);
    if (i > 0) expected_ids.push_back(',');
    expected_ids += protocol::EncodeOffsetMessageId(
        protocol::HostAddress::IPv4(127, 0, 0, 1, 10911), rec.physical_offset);
  }
  EXPECT_EQ(r->OffsetMessageIds(), expected_ids);
  EXPECT_EQ(log->NextQueueOffset("B", 2), 4);

  // A batch spanning two queues is refused and writes nothing.
  owned[1].queue_id = 3;
  batch[1] = owned[1].input();
  EXPECT_FALSE(log->AppendBatch(batch).ok());
  EXPECT_EQ(log->MaxOffset(), r->commit_log_offset + r->bytes);
}

TEST_F(CommitLogTest, IllegalMessagesAreRefused) {
  auto log = MakeLog();
  OwnedMessage m = MakeMessage(std::string(128, 't'), 0, 1);
  auto r = log->Append(m.input());
  EXPECT_EQ(r.status().code(), ErrorCode::kMessageIllegal);
  OwnedMessage big = MakeMessage("T", 0, 1, 70 * 1024);  // larger than a 64 KiB segment
  EXPECT_EQ(log->Append(big.input()).status().code(), ErrorCode::kMessageIllegal);
  OwnedMessage props = MakeMessage("T", 0, 1);
  props.properties.assign(40000, 'x');
  EXPECT_EQ(log->Append(props.input()).status().code(), ErrorCode::kMessageIllegal);
  EXPECT_EQ(log->MaxOffset(), 0);
}

TEST_F(CommitLogTest, ScanVisitsEveryRecordAndStopsAtTheEnd) {
  std::vector<int64_t> offsets;
  {
    auto log = MakeLog();
    for (int i = 0; i < 100; ++i)
      offsets.push_back(log->Append(MakeMessage("S", 0, i, 900).input())->commit_log_offset);
  }
  auto log = MakeLog();
  std::vector<int64_t> seen;
  auto report =
      log->Scan(0, true, INT64_MAX, [&](const ScannedRecord& r) { seen.push_back(r.offset); });
  EXPECT_EQ(seen, offsets);
  EXPECT_EQ(report.records, 100);
  EXPECT_EQ(report.corrupt_regions, 0);
  EXPECT_EQ(report.torn_tail_bytes, 0);
}

TEST_F(CommitLogTest, ScanSkipsACorruptRecordAndCutsATornTail) {
  std::vector<int64_t> offsets;
  std::vector<int32_t> sizes;
  {
    auto log = MakeLog();
    for (int i = 0; i < 20; ++i) {
      auto r = log->Append(MakeMessage("S", 0, i, 500).input());
      offsets.push_back(r->commit_log_offset);
      sizes.push_back(r->bytes);
    }
  }
  {
    // Flip a body byte of record 5 and tear record 19 in half.
    FILE* f = std::fopen((dir_ + "/commitlog/00000000000000000000").c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, static_cast<long>(offsets[5] + 100), SEEK_SET);
    std::fputc('!', f);
    std::fseek(f, static_cast<long>(offsets[19] + sizes[19] / 2), SEEK_SET);
    std::string zeros(static_cast<size_t>(sizes[19]), '\0');
    std::fwrite(zeros.data(), 1, zeros.size(), f);
    std::fclose(f);
  }
  auto log = MakeLog();
  std::vector<int64_t> seen;
  auto report =
      log->Scan(0, true, INT64_MAX, [&](const ScannedRecord& r) { seen.push_back(r.offset); });
  std::vector<int64_t> expected;
  for (int i = 0; i < 19; ++i) {
    if (i != 5) expected.push_back(offsets[static_cast<size_t>(i)]);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(report.corrupt_regions, 1);
  ASSERT_EQ(report.corrupt.size(), 1u);
  EXPECT_EQ(report.corrupt[0].first, offsets[5]);
  EXPECT_EQ(report.corrupt[0].second, offsets[6]);
  EXPECT_EQ(report.end_offset, offsets[19]);
  EXPECT_GT(report.torn_tail_bytes, 0);

  ASSERT_TRUE(log->TruncateTo(report.end_offset).ok());
  EXPECT_EQ(log->MaxOffset(), offsets[19]);
  // The torn bytes are gone for good.
  auto tail = log->segments().Last();
  std::string_view rest(tail->data() + offsets[19], static_cast<size_t>(sizes[19]));
  EXPECT_EQ(rest.find_first_not_of('\0'), std::string_view::npos);
}

}  // namespace
}  // namespace orbit::store
