// The config/*.json files: the tables of the golden Apache 4.9.8 stores load with the values
// their manifests record and re-encode to Apache's bytes; persist keeps a .bak; load falls back
// to it and refuses to drop content it cannot decode.

#include "store/config_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "golden/golden_store.h"
#include "protocol/json.h"

namespace orbit::store {
namespace {

using orbit::testing::ReadGoldenManifest;
using orbit::testing::TempDir;
using orbit::testing::UnpackGoldenStore;
using protocol::ConsumerOffsetSerializeWrapper;
using protocol::DelayOffsetSerializeWrapper;
using protocol::SubscriptionGroupWrapper;
using protocol::TopicConfig;
using protocol::TopicConfigSerializeWrapper;

std::string ReadText(const std::string& path) {
  auto text = ReadWholeFile(*FileSystem::Default(), path);
  EXPECT_TRUE(text.ok()) << path << ": " << text.status().ToString();
  return text.ok() ? *text : std::string();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A member of the manifest's brokerStateBeforeShutdown, as compact JSON.
std::string ManifestState(std::string_view sample, std::string_view member) {
  auto manifest = ReadGoldenManifest(sample);
  EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
  if (!manifest.ok()) return {};
  auto json = protocol::ParseJson(*manifest);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  if (!json.ok()) return {};
  const protocol::JsonValue* state = json->Find("brokerStateBeforeShutdown");
  const protocol::JsonValue* value = state != nullptr ? state->Find(member) : nullptr;
  EXPECT_NE(value, nullptr) << member;
  return value != nullptr ? value->Dump() : std::string();
}

// A golden store unpacked into a temporary directory.
class GoldenConfigTest : public ::testing::Test {
 protected:
  void Unpack(std::string_view sample, std::string_view tarball = "store.tar.zst") {
    auto store = UnpackGoldenStore(sample, tarball, tmp_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    config_dir_ = *store + "/config";
  }
  std::string ConfigPath(std::string_view name) const { return JoinPath(config_dir_, name); }

  FileSystem& fs_ = *FileSystem::Default();
  TempDir tmp_;
  std::string config_dir_;
};

TEST_F(GoldenConfigTest, SampleAEveryConfigFileLoads) {
  Unpack("sample-a-clean");
  auto names = fs_.List(config_dir_);
  ASSERT_TRUE(names.ok());
  std::vector<std::string> expected = {"consumerFilter.json",    "consumerFilter.json.bak",
                                       "consumerOffset.json",    "consumerOffset.json.bak",
                                       "delayOffset.json",       "delayOffset.json.bak",
                                       "subscriptionGroup.json", "topics.json",
                                       "topics.json.bak"};
  EXPECT_EQ(*names, expected);

  auto topics = LoadTopics(fs_, config_dir_);
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_EQ(topics->source, ConfigSource::kMain);
  auto groups = LoadSubscriptionGroups(fs_, config_dir_);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(groups->source, ConfigSource::kMain);
  auto offsets = LoadConsumerOffsets(fs_, config_dir_);
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  EXPECT_EQ(offsets->source, ConfigSource::kMain);
  auto delays = LoadDelayOffsets(fs_, config_dir_);
  ASSERT_TRUE(delays.ok()) << delays.status().ToString();
  EXPECT_EQ(delays->source, ConfigSource::kMain);

  // consumerFilter.json (SQL92 filter data) has no typed table in the store; the generic file
  // still reads it: {"filterDataByTopic":{}}.
  ConfigFile filter(fs_, ConfigPath("consumerFilter.json"));
  std::string filter_json;
  auto source = filter.Load([&](std::string_view content) -> Status {
    ORBIT_ASSIGN_OR_RETURN(auto json, protocol::ParseJson(content));
    filter_json = json.Dump();
    return Status::Ok();
  });
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_EQ(filter_json, R"({"filterDataByTopic":{}})");
}

TEST_F(GoldenConfigTest, SampleAConsumerOffsets) {
  Unpack("sample-a-clean");
  auto offsets = LoadConsumerOffsets(fs_, config_dir_);
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  // README "Consumer offsets in config/consumerOffset.json".
  std::map<std::string, std::map<int32_t, int64_t>> readme = {
      {"GStore1@GStoreGroup", {{0, 202}, {1, 202}, {2, 201}, {3, 201}}},
      {"RMQ_SYS_TRANS_HALF_TOPIC@CID_RMQ_SYS_TRANS", {{0, 2}}},
      {"%RETRY%GStoreGroup@GStoreGroup", {{0, 1}}},
      {"RMQ_SYS_TRANS_OP_HALF_TOPIC@CID_RMQ_SYS_TRANS", {{0, 2}}}};
  EXPECT_EQ(offsets->table.offset_table, readme);
  // MANIFEST: GET_ALL_CONSUMER_OFFSET before shutdown (quoted keys; same wrapper).
  auto manifest = ConsumerOffsetSerializeWrapper::Decode(
      ManifestState("sample-a-clean", "consumerOffsetTable(GET_ALL_CONSUMER_OFFSET)"));
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(offsets->table, *manifest);
}

TEST_F(GoldenConfigTest, SampleADelayOffsets) {
  Unpack("sample-a-clean");
  auto delays = LoadDelayOffsets(fs_, config_dir_);
  ASSERT_TRUE(delays.ok()) << delays.status().ToString();
  std::map<int32_t, int64_t> expected = {{1, 6}, {2, 6}, {3, 1}};
  EXPECT_EQ(delays->table.offset_table, expected);
  auto manifest = DelayOffsetSerializeWrapper::Decode(
      ManifestState("sample-a-clean", "delayOffsetTable(GET_ALL_DELAY_OFFSET)"));
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(delays->table, *manifest);
}

TEST_F(GoldenConfigTest, SampleATopics) {
  Unpack("sample-a-clean");
  auto topics = LoadTopics(fs_, config_dir_);
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  const auto& table = topics->table.topic_config_table;
  ASSERT_TRUE(table.contains("GStore1"));
  ASSERT_TRUE(table.contains("GStore2"));
  TopicConfig gstore1;
  gstore1.topic_name = "GStore1";
  gstore1.read_queue_nums = 4;
  gstore1.write_queue_nums = 4;
  gstore1.perm = 6;
  EXPECT_EQ(table.at("GStore1"), gstore1);
  TopicConfig gstore2 = gstore1;
  gstore2.topic_name = "GStore2";
  gstore2.read_queue_nums = 2;
  gstore2.write_queue_nums = 2;
  EXPECT_EQ(table.at("GStore2"), gstore2);
  // The op topic has a consume queue but no topic config (README).
  EXPECT_FALSE(table.contains("RMQ_SYS_TRANS_OP_HALF_TOPIC"));
  EXPECT_EQ(topics->table.data_version, (protocol::DataVersion{1795269318279, 4}));

  // Every topic with every field as GET_ALL_TOPIC_CONFIG returned it before shutdown.
  auto manifest = TopicConfigSerializeWrapper::Decode(
      R"({"topicConfigTable":)" +
      ManifestState("sample-a-clean", "topicConfigTable(GET_ALL_TOPIC_CONFIG)") + "}");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(table.size(), 12u);
  EXPECT_EQ(table, manifest->topic_config_table);
}

TEST_F(GoldenConfigTest, SampleASubscriptionGroups) {
  Unpack("sample-a-clean");
  auto groups = LoadSubscriptionGroups(fs_, config_dir_);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  std::set<std::string> names;
  for (const auto& [name, config] : groups->table.subscription_group_table) {
    names.insert(name);
    EXPECT_EQ(config.group_name, name);
  }
  // MANIFEST: the group names from GET_ALL_SUBSCRIPTIONGROUP_CONFIG.
  auto listed = protocol::ParseJson(
      ManifestState("sample-a-clean", "subscriptionGroupTable(GET_ALL_SUBSCRIPTIONGROUP_CONFIG)"));
  ASSERT_TRUE(listed.ok());
  std::set<std::string> manifest_names;
  for (const auto& item : listed->items()) manifest_names.insert(item.text());
  EXPECT_EQ(names, manifest_names);
  ASSERT_TRUE(names.contains("GStoreGroup"));
  protocol::SubscriptionGroupConfig expected;  // Apache's defaults
  expected.group_name = "GStoreGroup";
  EXPECT_EQ(groups->table.subscription_group_table.at("GStoreGroup"), expected);
  EXPECT_EQ(groups->table.data_version, (protocol::DataVersion{1795269263416, 1}));
}

// Decodes `path` with T and encodes it again with EncodePretty.
template <typename T>
std::string Reencode(const std::string& path) {
  auto decoded = T::Decode(ReadText(path));
  EXPECT_TRUE(decoded.ok()) << path << ": " << decoded.status().ToString();
  return decoded.ok() ? decoded->EncodePretty() : std::string();
}

// The bin of a String key in a Java ConcurrentHashMap with `bins` bins (a power of two).
uint32_t JavaBin(std::string_view key, uint32_t bins) {
  auto h = static_cast<uint32_t>(protocol::JavaStringHash(key));
  return (h ^ (h >> 16)) & 0x7fffffffu & (bins - 1);
}

// The entries of the string-keyed table `member` of a pretty (TAB-indented) wrapper file: one
// block of lines per entry, from `\t\t"key":{` to its closing `\t\t}` (comma dropped).
struct PrettyTable {
  std::vector<std::string> head;  // lines up to and including `\t"member":{`
  std::vector<std::pair<std::string, std::vector<std::string>>> entries;  // key, lines
  std::vector<std::string> tail;                                          // `\t}` onwards

  std::string Join() const {
    std::string out;
    auto add = [&out](const std::string& line) {
      if (!out.empty()) out.push_back('\n');
      out += line;
    };
    for (const auto& line : head) add(line);
    for (size_t i = 0; i < entries.size(); ++i) {
      for (const auto& line : entries[i].second) add(line);
      if (i + 1 < entries.size()) out.push_back(',');
    }
    for (const auto& line : tail) add(line);
    return out;
  }
};

PrettyTable SplitPrettyTable(const std::string& text, std::string_view member) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  PrettyTable table;
  std::string open = "\t\"" + std::string(member) + "\":{";
  size_t i = 0;
  while (i < lines.size() && lines[i] != open) table.head.push_back(lines[i++]);
  EXPECT_LT(i, lines.size()) << "no " << member;
  if (i < lines.size()) table.head.push_back(lines[i++]);
  while (i < lines.size() && lines[i].rfind("\t\t\"", 0) == 0) {
    std::string key = lines[i].substr(3, lines[i].rfind("\":{") - 3);
    std::vector<std::string> block;
    while (i < lines.size() && lines[i] != "\t\t}" && lines[i] != "\t\t},") {
      block.push_back(lines[i++]);
    }
    if (i < lines.size()) {
      block.push_back("\t\t}");
      ++i;
    }
    table.entries.emplace_back(std::move(key), std::move(block));
  }
  while (i < lines.size()) table.tail.push_back(lines[i++]);
  return table;
}

// Checks Orbit's re-encoding of an Apache file whose string-keyed table `member` is a Java
// ConcurrentHashMap with `bins` bins.
//
// Why not always byte for byte: the codec reproduces the HashMap iteration order (bin by bin)
// from the keys' hashes, but keys that share a bin are listed by Java in the order they were
// inserted, a history the file does not record; Orbit lists them in byte order. In sample-a's
// topics.json, "TBW102" and "GStore2" share bin 1675 of 2048: the broker inserted its built-in
// TBW102 at start-up, before GStore2 was created, so Apache wrote TBW102 first; Orbit writes
// GStore2 first. Readers ignore the order (fastjson builds a map), so the files are equivalent.
//
// What holds and is asserted: Apache's entries come bin by bin (the hash model is right), and
// Orbit's bytes equal Apache's once the entries inside each shared bin are put in byte order:
// every other byte (data version, every field, indentation, commas, no final newline) matches.
void ExpectSameUpToBinOrder(const std::string& orbit, const std::string& apache,
                            std::string_view member, uint32_t bins) {
  PrettyTable table = SplitPrettyTable(apache, member);
  ASSERT_FALSE(table.entries.empty());
  for (size_t i = 1; i < table.entries.size(); ++i) {
    EXPECT_LE(JavaBin(table.entries[i - 1].first, bins), JavaBin(table.entries[i].first, bins))
        << table.entries[i - 1].first << " before " << table.entries[i].first;
  }
  std::stable_sort(table.entries.begin(), table.entries.end(), [&](const auto& a, const auto& b) {
    uint32_t bin_a = JavaBin(a.first, bins);
    uint32_t bin_b = JavaBin(b.first, bins);
    return bin_a != bin_b ? bin_a < bin_b : a.first < b.first;
  });
  EXPECT_EQ(orbit, table.Join());
}

// Every config file of a store (and each .bak) re-encodes to the bytes Apache wrote; for
// topics.json up to the order of keys that share a hash bin (see ExpectSameUpToBinOrder).
void ExpectRoundTrip(const std::string& config_dir) {
  FileSystem& fs = *FileSystem::Default();
  for (std::string suffix : {"", ".bak"}) {
    auto path = [&](std::string_view name) { return JoinPath(config_dir, name) + suffix; };
    if (fs.Exists(path(kTopicsFile))) {
      SCOPED_TRACE(path(kTopicsFile));
      ExpectSameUpToBinOrder(Reencode<TopicConfigSerializeWrapper>(path(kTopicsFile)),
                             ReadText(path(kTopicsFile)), "topicConfigTable", 2048);
    }
    if (fs.Exists(path(kSubscriptionGroupFile))) {
      EXPECT_EQ(Reencode<SubscriptionGroupWrapper>(path(kSubscriptionGroupFile)),
                ReadText(path(kSubscriptionGroupFile)));
    }
    if (fs.Exists(path(kConsumerOffsetFile))) {
      EXPECT_EQ(Reencode<ConsumerOffsetSerializeWrapper>(path(kConsumerOffsetFile)),
                ReadText(path(kConsumerOffsetFile)));
    }
    if (fs.Exists(path(kDelayOffsetFile))) {
      EXPECT_EQ(Reencode<DelayOffsetSerializeWrapper>(path(kDelayOffsetFile)),
                ReadText(path(kDelayOffsetFile)));
    }
  }
}

TEST_F(GoldenConfigTest, SampleAReencodesToApachesBytes) {
  Unpack("sample-a-clean");
  ExpectRoundTrip(config_dir_);

  // The one difference, pinned down: the two keys of the shared bin, in Apache's order.
  EXPECT_EQ(JavaBin("TBW102", 2048), 1675u);
  EXPECT_EQ(JavaBin("GStore2", 2048), 1675u);
  std::string apache = ReadText(ConfigPath(kTopicsFile));
  EXPECT_LT(apache.find("\"TBW102\":{"), apache.find("\"GStore2\":{"));
  // Structurally the re-encoding is the same table.
  auto reread = TopicConfigSerializeWrapper::Decode(
      Reencode<TopicConfigSerializeWrapper>(ConfigPath(kTopicsFile)));
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(*reread, TopicConfigSerializeWrapper::Decode(apache).value());
}

TEST_F(GoldenConfigTest, SampleBCrashedStore) {
  Unpack("sample-b-crash");
  auto topics = LoadTopics(fs_, config_dir_);
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_EQ(topics->source, ConfigSource::kMain);
  ASSERT_TRUE(topics->table.topic_config_table.contains("GCrash"));
  EXPECT_EQ(topics->table.topic_config_table.at("GCrash").read_queue_nums, 2);
  EXPECT_EQ(topics->table.topic_config_table.at("GCrash").write_queue_nums, 2);
  // No consumer ran: both offset tables exist and are empty.
  auto offsets = LoadConsumerOffsets(fs_, config_dir_);
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  EXPECT_EQ(offsets->source, ConfigSource::kMain);
  EXPECT_TRUE(offsets->table.offset_table.empty());
  auto delays = LoadDelayOffsets(fs_, config_dir_);
  ASSERT_TRUE(delays.ok()) << delays.status().ToString();
  EXPECT_EQ(delays->source, ConfigSource::kMain);
  EXPECT_TRUE(delays->table.offset_table.empty());
  // The broker was killed before it ever wrote subscriptionGroup.json: an empty table.
  auto groups = LoadSubscriptionGroups(fs_, config_dir_);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(groups->source, ConfigSource::kNone);
  EXPECT_TRUE(groups->table.subscription_group_table.empty());
  ExpectRoundTrip(config_dir_);
}

TEST_F(GoldenConfigTest, SampleBJavaRecoveredStore) {
  Unpack("sample-b-crash", "java-recovered-store.tar.zst");
  auto groups = LoadSubscriptionGroups(fs_, config_dir_);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(groups->source, ConfigSource::kMain);
  EXPECT_TRUE(groups->table.subscription_group_table.contains("TOOLS_CONSUMER"));
  ExpectRoundTrip(config_dir_);
}

// --- Persist and the fallbacks, on the POSIX file system in a temporary directory. ---

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string Path(std::string_view name) const { return JoinPath(dir_, name); }

  static DelayOffsetSerializeWrapper Delays(std::map<int32_t, int64_t> table) {
    DelayOffsetSerializeWrapper w;
    w.offset_table = std::move(table);
    return w;
  }

  FileSystem& fs_ = *FileSystem::Default();
  TempDir tmp_;
  std::string dir_ = tmp_.path() + "/store/config";  // created by the first persist
};

TEST_F(ConfigFileTest, MissingFilesAreAnEmptyTable) {
  auto delays = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(delays.ok()) << delays.status().ToString();
  EXPECT_EQ(delays->source, ConfigSource::kNone);
  EXPECT_TRUE(delays->table.offset_table.empty());
  auto topics = LoadTopics(fs_, dir_);
  ASSERT_TRUE(topics.ok());
  EXPECT_EQ(topics->source, ConfigSource::kNone);
  EXPECT_EQ(topics->table, TopicConfigSerializeWrapper{});

  // The generic file says "not found".
  ConfigFile file(fs_, Path("delayOffset.json"));
  auto source = file.Load([](std::string_view) { return Status::Ok(); });
  EXPECT_EQ(source.status().code(), ErrorCode::kNotFound);

  // Empty files (a writer that never synced) count as missing, as in Apache.
  ASSERT_TRUE(fs_.CreateDirs(dir_).ok());
  WriteText(Path("delayOffset.json"), "");
  WriteText(Path("delayOffset.json.bak"), "");
  delays = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(delays.ok()) << delays.status().ToString();
  EXPECT_EQ(delays->source, ConfigSource::kNone);
}

TEST_F(ConfigFileTest, PersistTwiceKeepsTheFirstVersionInBak) {
  auto first = Delays({{1, 5}});
  auto second = Delays({{1, 6}, {3, 0}});
  ASSERT_TRUE(PersistDelayOffsets(fs_, dir_, first).ok());
  EXPECT_FALSE(fs_.Exists(Path("delayOffset.json.bak")));
  ASSERT_TRUE(PersistDelayOffsets(fs_, dir_, second).ok());
  EXPECT_EQ(ReadText(Path("delayOffset.json")), second.EncodePretty());
  EXPECT_EQ(ReadText(Path("delayOffset.json.bak")), first.EncodePretty());
  EXPECT_EQ(ReadText(Path("delayOffset.json")), "{\n\t\"offsetTable\":{1:6,3:0\n\t}\n}");
  EXPECT_FALSE(fs_.Exists(Path("delayOffset.json.tmp")));

  auto loaded = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->source, ConfigSource::kMain);
  EXPECT_EQ(loaded->table, second);
}

TEST_F(ConfigFileTest, EveryTypedTableRoundTrips) {
  TopicConfigSerializeWrapper topics;
  topics.data_version = {1700000000000, 7};
  topics.topic_config_table["T1"].topic_name = "T1";
  topics.topic_config_table["T2"].topic_name = "T2";
  topics.topic_config_table["T2"].order = true;
  SubscriptionGroupWrapper groups;
  groups.data_version = {1700000000001, 2};
  groups.subscription_group_table["G"].group_name = "G";
  groups.subscription_group_table["G"].retry_max_times = 3;
  ConsumerOffsetSerializeWrapper offsets;
  offsets.offset_table["T1@G"] = {{0, 10}, {1, 11}};
  auto delays = Delays({{2, 4}});
  ASSERT_TRUE(PersistTopics(fs_, dir_, topics).ok());
  ASSERT_TRUE(PersistSubscriptionGroups(fs_, dir_, groups).ok());
  ASSERT_TRUE(PersistConsumerOffsets(fs_, dir_, offsets).ok());
  ASSERT_TRUE(PersistDelayOffsets(fs_, dir_, delays).ok());
  EXPECT_EQ(LoadTopics(fs_, dir_)->table, topics);
  EXPECT_EQ(LoadSubscriptionGroups(fs_, dir_)->table, groups);
  EXPECT_EQ(LoadConsumerOffsets(fs_, dir_)->table, offsets);
  EXPECT_EQ(LoadDelayOffsets(fs_, dir_)->table, delays);
  EXPECT_EQ(ReadText(Path(kTopicsFile)), topics.EncodePretty());
}

TEST_F(ConfigFileTest, CorruptMainFileFallsBackToBak) {
  auto first = Delays({{1, 5}});
  ASSERT_TRUE(PersistDelayOffsets(fs_, dir_, first).ok());
  ASSERT_TRUE(PersistDelayOffsets(fs_, dir_, Delays({{1, 9}})).ok());
  // Torn main file.
  WriteText(Path("delayOffset.json"), "{\n\t\"offsetTable\":{1:");
  auto loaded = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->source, ConfigSource::kBackup);
  EXPECT_EQ(loaded->table, first);
  // A main file of the wrong shape is as bad as a torn one.
  WriteText(Path("delayOffset.json"), R"({"offsetTable":{1:"x"}})");
  loaded = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->source, ConfigSource::kBackup);
  // Missing or empty main file.
  WriteText(Path("delayOffset.json"), "");
  loaded = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->source, ConfigSource::kBackup);
  ASSERT_TRUE(fs_.Remove(Path("delayOffset.json")).ok());
  loaded = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->source, ConfigSource::kBackup);
  EXPECT_EQ(loaded->table, first);
}

TEST_F(ConfigFileTest, BothCorruptIsMalformedNamingBothFiles) {
  ASSERT_TRUE(fs_.CreateDirs(dir_).ok());
  WriteText(Path("topics.json"), "{\"topicConfigTable\":{");
  WriteText(Path("topics.json.bak"), "not json");
  auto topics = LoadTopics(fs_, dir_);
  ASSERT_FALSE(topics.ok());
  EXPECT_EQ(topics.status().code(), ErrorCode::kMalformed);
  const std::string& message = topics.status().message();
  EXPECT_NE(message.find(Path("topics.json") + ":"), std::string::npos) << message;
  EXPECT_NE(message.find(Path("topics.json.bak") + ":"), std::string::npos) << message;
  // The files are left as they were for the operator.
  EXPECT_EQ(ReadText(Path("topics.json.bak")), "not json");
}

TEST_F(ConfigFileTest, CorruptMainWithoutBakIsMalformed) {
  ASSERT_TRUE(fs_.CreateDirs(dir_).ok());
  WriteText(Path("consumerOffset.json"), "{\"offsetTable\":{\"T@G\":{0:}}}");
  auto offsets = LoadConsumerOffsets(fs_, dir_);
  EXPECT_EQ(offsets.status().code(), ErrorCode::kMalformed);
  EXPECT_NE(offsets.status().message().find("missing"), std::string::npos)
      << offsets.status().message();
  // Empty main, corrupt .bak: still content that cannot be used.
  WriteText(Path("consumerOffset.json"), "");
  WriteText(Path("consumerOffset.json.bak"), "{");
  EXPECT_EQ(LoadConsumerOffsets(fs_, dir_).status().code(), ErrorCode::kMalformed);
}

TEST_F(ConfigFileTest, UnreadableMainFallsBackToBak) {
  ASSERT_TRUE(PersistDelayOffsets(fs_, dir_, Delays({{1, 1}})).ok());
  ASSERT_TRUE(PersistDelayOffsets(fs_, dir_, Delays({{1, 2}})).ok());
  // A directory where the file should be cannot be read.
  ASSERT_TRUE(fs_.Remove(Path("delayOffset.json")).ok());
  ASSERT_TRUE(fs_.CreateDirs(Path("delayOffset.json")).ok());
  auto loaded = LoadDelayOffsets(fs_, dir_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->source, ConfigSource::kBackup);
  EXPECT_EQ(loaded->table, Delays({{1, 1}}));
  ASSERT_TRUE(fs_.Remove(Path("delayOffset.json.bak")).ok());
  EXPECT_FALSE(LoadDelayOffsets(fs_, dir_).ok());
}

}  // namespace
}  // namespace orbit::store
