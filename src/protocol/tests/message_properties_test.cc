#include <gtest/gtest.h>

#include "protocol/properties.h"

namespace orbit::protocol {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs ToPairs(const MessageProperties& p) { return Pairs(p.begin(), p.end()); }

TEST(MessagePropertiesTest, EncodeHasNoTrailingSeparator) {
  MessageProperties p{{"KEYS", "KEY-SYNC-1"}, {"ukey", "uval"}, {"TAGS", "TagA"}};
  EXPECT_EQ(EncodeProperties(p), "KEYS\x01KEY-SYNC-1\x02ukey\x01uval\x02TAGS\x01TagA");
  EXPECT_EQ(EncodedPropertiesSize(p), EncodeProperties(p).size());
  EXPECT_EQ(EncodeProperties(MessageProperties()), "");
  EXPECT_EQ(EncodedPropertiesSize(MessageProperties()), 0u);
}

TEST(MessagePropertiesTest, DecodeKeepsOrderAndReencodesExactly) {
  std::string s =
      "REAL_TOPIC\x01GoldenDelay\x02KEYS\x01KEY-DELAY-1\x02"
      "DELAY\x01"
      "2";
  MessageProperties p = DecodeProperties(s);
  EXPECT_EQ(ToPairs(p),
            (Pairs{{"REAL_TOPIC", "GoldenDelay"}, {"KEYS", "KEY-DELAY-1"}, {"DELAY", "2"}}));
  EXPECT_EQ(EncodeProperties(p), s);
}

TEST(MessagePropertiesTest, DecodeDropsShortAndEmptyPieces) {
  // Pieces: "a\x01" (value empty), "\x01" "b" (name empty), "ab" (no separator), "" (empty),
  // "x\x01y" (kept, 3 bytes), "k\x01\x01v" (first 0x01 splits: value "\x01v").
  std::string s =
      "a\x01\x02\x01"
      "b\x02"
      "ab\x02\x02x\x01y\x02k\x01\x01v";
  MessageProperties p = DecodeProperties(s);
  EXPECT_EQ(ToPairs(p), (Pairs{{"x", "y"}, {"k", "\x01v"}}));
}

TEST(MessagePropertiesTest, DecodeToleratesTrailingSeparator) {
  // ali-ons sends "TAGS\x01TagNode\x02KEYS\x01k0\x02".
  MessageProperties p = DecodeProperties("TAGS\x01TagNode\x02KEYS\x01k0\x02");
  EXPECT_EQ(ToPairs(p), (Pairs{{"TAGS", "TagNode"}, {"KEYS", "k0"}}));
  EXPECT_TRUE(DecodeProperties("").empty());
  EXPECT_TRUE(DecodeProperties("\x02\x02\x02").empty());
}

TEST(MessagePropertiesTest, RepeatedNameKeepsLastValueAtFirstPosition) {
  MessageProperties p = DecodeProperties(
      "A\x01"
      "1\x02"
      "B\x01"
      "2\x02"
      "A\x01"
      "3");
  EXPECT_EQ(ToPairs(p), (Pairs{{"A", "3"}, {"B", "2"}}));
}

TEST(MessagePropertiesTest, SetFindErase) {
  MessageProperties p;
  p.Set("A", "1");
  p.Set("B", "2");
  p.Set("A", "3");
  EXPECT_EQ(p.size(), 2u);
  ASSERT_NE(p.Find("A"), nullptr);
  EXPECT_EQ(*p.Find("A"), "3");
  EXPECT_EQ(p.Get("B"), "2");
  EXPECT_EQ(p.Get("C"), "");
  EXPECT_FALSE(p.Contains("C"));
  EXPECT_TRUE(p.Erase("A"));
  EXPECT_FALSE(p.Erase("A"));
  EXPECT_EQ(EncodeProperties(p),
            "B\x01"
            "2");
}

TEST(MessagePropertiesTest, CheckPropertiesFlagsEntriesThatWouldBeLost) {
  EXPECT_TRUE(CheckProperties({{"a", "b"}}).ok());
  EXPECT_EQ(CheckProperties({{"", "b"}}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckProperties({{"a", ""}}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckProperties({{"a", "x\x02y"}}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckProperties({{"a\x01", "y"}}).code(), ErrorCode::kInvalidArgument);
}

TEST(MessagePropertiesTest, ReservedKeys) {
  EXPECT_TRUE(IsReservedPropertyKey(kPropertyKeys));
  EXPECT_TRUE(IsReservedPropertyKey("UNIQ_KEY"));
  EXPECT_TRUE(IsReservedPropertyKey(kPropertyCluster));
  EXPECT_TRUE(IsReservedPropertyKey(kPropertyInnerMultiQueueOffset));
  EXPECT_FALSE(IsReservedPropertyKey(kPropertyTransactionCheckTimes));
  EXPECT_FALSE(IsReservedPropertyKey(kPropertyInnerMultiDispatch));
  EXPECT_FALSE(IsReservedPropertyKey(kPropertyCheckImmunityTimeInSeconds));
  EXPECT_FALSE(IsReservedPropertyKey("ukey"));
}

TEST(MessagePropertiesTest, KeyConstantsAreVerbatim) {
  EXPECT_EQ(kPropertyWaitStoreMsgOk, "WAIT");
  EXPECT_EQ(kPropertyRealQueueId, "REAL_QID");
  EXPECT_EQ(kPropertyTransactionPrepared, "TRAN_MSG");
  EXPECT_EQ(kPropertyProducerGroup, "PGROUP");
  EXPECT_EQ(kPropertyTraceSwitch, "TRACE_ON");
  EXPECT_EQ(kPropertyMessageReplyToClient, "REPLY_TO_CLIENT");
  EXPECT_EQ(kPropertyMessageTtl, "TTL");
  EXPECT_EQ(kPropertyMessageType, "MSG_TYPE");
}

TEST(MessagePropertiesTest, SplitKeys) {
  EXPECT_EQ(SplitKeys("k1 k2  k3"), (std::vector<std::string_view>{"k1", "k2", "k3"}));
  EXPECT_TRUE(SplitKeys("").empty());
  EXPECT_EQ(SplitKeys(" a "), (std::vector<std::string_view>{"a"}));
}

}  // namespace
}  // namespace orbit::protocol
