// orbit-store over the golden Apache RocketMQ 4.9.8 stores (tests/data/golden_store): dump
// reproduces every record of the manifests, verify passes the clean and the crashed store (with
// the crash's leftovers as warnings) and fails on damaged copies, naming file and offset.

#include "apps/store/store_tool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "apps/store/tests/run_tool.h"
#include "golden/golden_store.h"
#include "protocol/json.h"

namespace orbit::store_tool {
namespace {

using orbit::protocol::JsonValue;
using orbit::testing::TempDir;

constexpr const char* kClean = "sample-a-clean";
constexpr const char* kCrash = "sample-b-crash";
constexpr int64_t kSegmentSize = 1048576;  // mappedFileSizeCommitLog of both samples
constexpr int64_t kCqFileSize = 6000;

// A fresh writable copy of a sample's store under `dir`.
std::string Unpack(const TempDir& dir, const char* sample, const char* tarball = "store.tar.zst") {
  auto store = orbit::testing::UnpackGoldenStore(sample, tarball, dir.path());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? *store : std::string();
}

// The manifest's messages[] (sample-a) or javaRecovery.messages[] (sample-b).
const std::vector<JsonValue>& ManifestMessages(const char* sample) {
  static std::map<std::string, JsonValue> cache;
  auto it = cache.find(sample);
  if (it == cache.end()) {
    auto text = orbit::testing::ReadGoldenManifest(sample);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    auto json = protocol::ParseJson(text.ok() ? *text : "{}");
    EXPECT_TRUE(json.ok()) << json.status().ToString();
    it = cache.emplace(sample, json.ok() ? std::move(*json) : JsonValue::Object()).first;
  }
  const JsonValue* messages = it->second.Find("messages");
  if (messages == nullptr) {
    const JsonValue* recovery = it->second.Find("javaRecovery");
    if (recovery != nullptr) messages = recovery->Find("messages");
  }
  static const std::vector<JsonValue> kNone;
  return messages != nullptr ? messages->items() : kNone;
}

int64_t Int(const JsonValue& v, std::string_view key) {
  const JsonValue* f = v.Find(key);
  auto n = f != nullptr ? f->AsInt64() : Result<int64_t>(NotFound(std::string(key)));
  EXPECT_TRUE(n.ok()) << key;
  return n.ok() ? *n : -1;
}

// A string member, or "<null>" for null / absent.
std::string Str(const JsonValue& v, std::string_view key) {
  const JsonValue* f = v.Find(key);
  return f == nullptr || f->is_null() ? "<null>" : f->text();
}

std::vector<JsonValue> ParseLines(const std::string& text) {
  std::vector<JsonValue> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto v = protocol::ParseJson(line);
    EXPECT_TRUE(v.ok()) << line;
    if (v.ok()) out.push_back(std::move(*v));
  }
  return out;
}

// XORs `mask` into the byte at `pos` of `path`.
void FlipByte(const std::string& path, int64_t pos, unsigned char mask = 0x40) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekg(pos);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(static_cast<unsigned char>(c) ^ mask);
  f.seekp(pos);
  f.write(&c, 1);
}

void WriteBytes(const std::string& path, int64_t pos, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekp(pos);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string SegmentName(int64_t offset) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020lld", static_cast<long long>(offset));
  return buf;
}

// Every file below `root` with its content.
std::map<std::string, std::string> Snapshot(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    files[e.path().string()] = content.str();
  }
  return files;
}

TEST(StoreToolDumpTest, JsonMatchesEveryManifestRecord) {
  TempDir dir;
  std::string store = Unpack(dir, kClean);
  Output o = RunTool({"dump", store, "--json"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(o.err, "");
  std::vector<JsonValue> lines = ParseLines(o.out);
  const auto& manifest = ManifestMessages(kClean);
  ASSERT_EQ(manifest.size(), 2479u);
  ASSERT_EQ(lines.size(), manifest.size());

  std::map<int64_t, const JsonValue*> by_offset;
  for (const auto& line : lines) by_offset[Int(line, "commitLogOffset")] = &line;
  for (const auto& want : manifest) {
    int64_t offset = Int(want, "commitLogOffset");
    SCOPED_TRACE("commitLogOffset " + std::to_string(offset));
    auto it = by_offset.find(offset);
    ASSERT_NE(it, by_offset.end());
    const JsonValue& got = *it->second;
    EXPECT_EQ(Str(got, "topic"), Str(want, "topic"));
    EXPECT_EQ(Int(got, "queueId"), Int(want, "queueId"));
    EXPECT_EQ(Int(got, "queueOffset"), Int(want, "queueOffset"));
    EXPECT_EQ(Str(got, "msgId"), Str(want, "msgId"));
    EXPECT_EQ(Str(got, "uniqKey"), Str(want, "uniqKey"));
    EXPECT_EQ(Str(got, "keys"), Str(want, "keys"));
    EXPECT_EQ(Str(got, "tags"), Str(want, "tags"));
    EXPECT_EQ(Int(got, "sysFlag"), Int(want, "sysFlag"));
    EXPECT_EQ(Int(got, "storeTimestamp"), Int(want, "storeTimestamp"));
    EXPECT_EQ(Int(got, "bodyLength"), Int(want, "bodyLength"));
    EXPECT_EQ(Str(got, "bodySha256"), Str(want, "bodySha256"));
    // User properties appear among all the properties.
    const JsonValue* props = got.Find("properties");
    ASSERT_NE(props, nullptr);
    const JsonValue* user = want.Find("userProperties");
    if (user != nullptr && user->is_object()) {
      for (const auto& member : user->members()) {
        EXPECT_EQ(Str(*props, member.key.text()), member.value.text()) << member.key.text();
      }
    }
  }
}

TEST(StoreToolDumpTest, TopicFilterListsOnlyThatTopic) {
  TempDir dir;
  std::string store = Unpack(dir, kClean);
  Output o = RunTool({"dump", store, "--topic", "GStore2"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  size_t expected = 0;
  for (const auto& m : ManifestMessages(kClean)) expected += Str(m, "topic") == "GStore2";
  ASSERT_GT(expected, 0u);
  std::istringstream in(o.out);
  std::string line;
  size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    EXPECT_EQ(line.rfind("topic=GStore2\tqueueId=", 0), 0u) << line;
    EXPECT_NE(line.find("\tbodySha256="), std::string::npos) << line;
  }
  EXPECT_EQ(lines, expected);
}

TEST(StoreToolVerifyTest, CleanSampleIsClean) {
  TempDir dir;
  std::string store = Unpack(dir, kClean);
  auto report = VerifyStore({.dir = store});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->log.records, 2479);
  EXPECT_EQ(report->log.segment_size, static_cast<uint64_t>(kSegmentSize));
  EXPECT_EQ(report->log.end_offset, 3204214);
  EXPECT_EQ(report->log.fillers, 3);
  EXPECT_EQ(report->log.corrupt_regions, 0);
  EXPECT_EQ(report->log.torn_tail_offset, -1);
  EXPECT_FALSE(report->abort_file);
  std::map<std::string, int> per_topic = {{"%RETRY%GStoreGroup", 1},
                                          {"GStore1", 4},
                                          {"GStore2", 2},
                                          {"RMQ_SYS_TRANS_HALF_TOPIC", 1},
                                          {"RMQ_SYS_TRANS_OP_HALF_TOPIC", 1},
                                          {"SCHEDULE_TOPIC_XXXX", 3}};
  EXPECT_EQ(report->QueuesPerTopic(), per_topic);
  std::map<std::string, int64_t> max_offsets;
  for (const auto& q : report->queues) {
    max_offsets[q.topic + "/" + std::to_string(q.queue_id)] = q.max_offset;
    EXPECT_EQ(q.min_offset, 0);
    EXPECT_EQ(q.entries, q.max_offset) << q.topic << "/" << q.queue_id;
    EXPECT_EQ(q.bad + q.ahead + q.blanks + q.expired, 0);
  }
  EXPECT_EQ(max_offsets["GStore1/1"], 427);
  EXPECT_EQ(max_offsets["GStore2/1"], 394);
  EXPECT_EQ(max_offsets["SCHEDULE_TOPIC_XXXX/2"], 1);
  ASSERT_EQ(report->index_files.size(), 2u);
  EXPECT_EQ(report->index_files[0].entries + report->index_files[1].entries, 3999 + 1685);
  EXPECT_EQ(report->findings.details().size(), 0u);

  Output o = RunTool({"verify", store, "--strict"});
  EXPECT_EQ(o.code, kExitOk) << o.out << o.err;
  EXPECT_NE(o.out.find("2479 records"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("GStore1: 4 queues, 1694 entries"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("GStore2: 2 queues, 767 entries"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("summary: OK - no corruption, no warnings"), std::string::npos) << o.out;
}

TEST(StoreToolVerifyTest, CrashedSamplePassesWithWarnings) {
  TempDir dir;
  std::string store = Unpack(dir, kCrash);
  auto before = Snapshot(store);
  Output o = RunTool({"verify", store});
  EXPECT_EQ(o.code, kExitOk) << o.out << o.err;
  EXPECT_NE(o.out.find("1007 records"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("GCrash/1: queue behind the log (recovery rebuilds it)"), std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("pre-allocated file 00000000000002097152"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("abort file present"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("summary: OK - no corruption, 3 warnings"), std::string::npos) << o.out;

  auto report = VerifyStore({.dir = store});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->log.end_offset, 1231563);
  EXPECT_EQ(report->log.preallocated_files, std::vector<std::string>{"00000000000002097152"});
  EXPECT_EQ(report->findings.Count(Severity::kCorruption), 0);
  EXPECT_EQ(report->findings.CountKind("cq-behind"), 1);
  EXPECT_EQ(report->findings.CountKind("index-behind"), 1);
  EXPECT_EQ(report->index_behind_records, 1);
  ASSERT_EQ(report->queues.size(), 2u);
  EXPECT_EQ(report->queues[1].max_offset, 502);
  EXPECT_EQ(report->queues[1].log_next_offset, 503);

  Output strict = RunTool({"verify", store, "--strict"});
  EXPECT_EQ(strict.code, kExitCorrupt) << strict.out;
  EXPECT_NE(strict.out.find("summary: FAILED (--strict)"), std::string::npos) << strict.out;

  // Neither command changed a byte (a broker's recovery would have).
  EXPECT_EQ(RunTool({"dump", store}).code, kExitOk);
  EXPECT_TRUE(before == Snapshot(store));
}

TEST(StoreToolVerifyTest, JavaRecoveredCrashSampleIsClean) {
  TempDir dir;
  std::string store = Unpack(dir, kCrash, "java-recovered-store.tar.zst");
  Output o = RunTool({"verify", store, "--strict"});
  EXPECT_EQ(o.code, kExitOk) << o.out << o.err;
  EXPECT_NE(o.out.find("GCrash: 2 queues, 1007 entries"), std::string::npos) << o.out;
}

TEST(StoreToolVerifyTest, TornTailIsAWarning) {
  TempDir dir;
  std::string store = Unpack(dir, kCrash);
  // Half a record after the last one, as a write cut short leaves it.
  std::string partial("\x00\x00\x01\x2C\xDA\xA3\x20\xA7", 8);
  partial += std::string(40, '\x11');
  WriteBytes(store + "/commitlog/" + SegmentName(kSegmentSize), 1231563 - kSegmentSize, partial);
  auto report = VerifyStore({.dir = store});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->log.records, 1007);
  EXPECT_EQ(report->log.torn_tail_offset, 1231563);
  EXPECT_EQ(report->log.torn_tail_bytes, 48);
  EXPECT_EQ(report->findings.CountKind("torn-tail"), 1);
  EXPECT_EQ(VerifyExitCode(*report, false), kExitOk);
  EXPECT_EQ(VerifyExitCode(*report, true), kExitCorrupt);
}

TEST(StoreToolVerifyTest, FlippedBodyByteIsCorruption) {
  TempDir dir;
  std::string store = Unpack(dir, kClean);
  // A record in the middle of the log, so that valid records follow it.
  const JsonValue& victim = ManifestMessages(kClean).at(1000);
  int64_t offset = Int(victim, "commitLogOffset");
  ASSERT_GT(Int(victim, "storedBodyLength"), 10);
  int64_t segment = offset / kSegmentSize * kSegmentSize;
  FlipByte(store + "/commitlog/" + SegmentName(segment), offset - segment + 88 + 5);

  Output o = RunTool({"verify", store});
  EXPECT_EQ(o.code, kExitCorrupt) << o.out;
  std::string where = "corrupt commit-log data at offset " + std::to_string(offset) +
                      " (commitlog/" + SegmentName(segment) + " position " +
                      std::to_string(offset - segment) + ")";
  EXPECT_NE(o.out.find(where), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("body CRC"), std::string::npos) << o.out;
  // The queue entry and the index entries of that record point into the damage.
  std::string queue = Str(victim, "topic") + "/" + std::to_string(Int(victim, "queueId")) +
                      " entry " + std::to_string(Int(victim, "queueOffset"));
  EXPECT_NE(o.out.find(queue), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("summary: CORRUPT"), std::string::npos) << o.out;

  Output dump = RunTool({"dump", store, "--json"});
  EXPECT_EQ(dump.code, kExitCorrupt);
  EXPECT_EQ(ParseLines(dump.out).size(), 2478u);
  EXPECT_EQ(dump.out.find("\"commitLogOffset\":" + std::to_string(offset) + ","),
            std::string::npos);
  EXPECT_NE(dump.err.find("skipped corrupt data at offset " + std::to_string(offset)),
            std::string::npos)
      << dump.err;
}

TEST(StoreToolVerifyTest, WrongQueueEntrySizeIsCorruption) {
  TempDir dir;
  std::string store = Unpack(dir, kClean);
  // GStore2/0 entry 10: bytes 8..11 of the 20-byte entry hold the record size.
  WriteBytes(store + "/consumequeue/GStore2/0/" + SegmentName(0), 10 * 20 + 8,
             std::string("\x00\x00\x30\x39", 4));
  Output o = RunTool({"verify", store});
  EXPECT_EQ(o.code, kExitCorrupt) << o.out;
  EXPECT_NE(o.out.find("GStore2/0 entry 10 (consumequeue/GStore2/0/" + SegmentName(0) +
                       " position 200): size 12345, but the record at"),
            std::string::npos)
      << o.out;
}

TEST(StoreToolVerifyTest, QueueFileOfAnotherSizeIsCorruption) {
  TempDir dir;
  std::string store = Unpack(dir, kClean);
  std::filesystem::resize_file(store + "/consumequeue/GStore1/3/" + SegmentName(kCqFileSize),
                               kCqFileSize - 20);
  auto report = VerifyStore({.dir = store});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->findings.CountKind("segment-size"), 1);
  EXPECT_EQ(VerifyExitCode(*report, false), kExitCorrupt);
}

TEST(StoreToolVerifyTest, GarbageIsReportedNotFatal) {
  TempDir dir;
  std::string store = Unpack(dir, kClean);
  std::mt19937 rng(7);
  auto garbage = [&](size_t n) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    return bytes;
  };
  WriteBytes(store + "/commitlog/" + SegmentName(kSegmentSize), 100000, garbage(4096));
  WriteBytes(store + "/consumequeue/GStore1/0/" + SegmentName(0), 0, garbage(600));
  std::vector<std::string> index_files;
  for (const auto& e : std::filesystem::directory_iterator(store + "/index")) {
    index_files.push_back(e.path().string());
  }
  std::sort(index_files.begin(), index_files.end());
  ASSERT_EQ(index_files.size(), 2u);
  WriteBytes(index_files[0], 0, garbage(40));                      // header
  WriteBytes(index_files[1], 40 + 4000 + 20 * 10, garbage(2000));  // entries

  Output o = RunTool({"verify", store, "--max-details", "3"});
  EXPECT_EQ(o.code, kExitCorrupt) << o.out;
  EXPECT_NE(o.out.find("[corrupt-record]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("[cq-entry]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("[index-header]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("[index-entry]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("more [cq-entry]"), std::string::npos) << o.out;
  EXPECT_EQ(RunTool({"dump", store}).code, kExitCorrupt);
}

TEST(StoreToolCommandLineTest, HelpAndBadArguments) {
  Output help = RunTool({"--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("verify"), std::string::npos);
  EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
  Output verify_help = RunTool({"verify", "--help"});
  EXPECT_EQ(verify_help.code, kExitOk);
  EXPECT_NE(verify_help.out.find("torn tail"), std::string::npos) << verify_help.out;
  EXPECT_NE(verify_help.out.find("--strict"), std::string::npos);
  Output dump_help = RunTool({"dump", "--help"});
  EXPECT_EQ(dump_help.code, kExitOk);
  EXPECT_NE(dump_help.out.find("--topic"), std::string::npos);

  EXPECT_EQ(RunTool({}).code, kExitUsage);
  EXPECT_EQ(RunTool({"verify"}).code, kExitUsage);
  EXPECT_EQ(RunTool({"verify", "/tmp", "--bogus"}).code, kExitUsage);
  EXPECT_EQ(RunTool({"verify", "/tmp", "--max-hash-slot-num", "-3"}).code, kExitUsage);
  Output missing = RunTool({"verify", "/nonexistent/orbit-store-dir"});
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_NE(missing.err.find("not a directory"), std::string::npos);
  TempDir empty;
  Output not_store = RunTool({"dump", empty.path()});
  EXPECT_EQ(not_store.code, kExitUsage);
  EXPECT_NE(not_store.err.find("no commitlog directory"), std::string::npos) << not_store.err;
  EXPECT_EQ(RunTool({"dump", empty.path(), "--topic", ""}).code, kExitUsage);
}

}  // namespace
}  // namespace orbit::store_tool
