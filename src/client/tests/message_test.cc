// Message accessors, reserved property names, SendResult/MessageQueue printing and the
// producer's validators.

#include "orbit/message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/validators.h"

namespace orbit {
namespace {

using Props = std::map<std::string, std::string, std::less<>>;

TEST(MessageTest, ConstructorsSetWaitLikeJava) {
  // Java's non-default constructors all set WAIT=true; TAGS and KEYS only when non-empty.
  EXPECT_EQ(Message("T", "body").properties(), (Props{{"WAIT", "true"}}));
  EXPECT_EQ(Message("T", "TagA", "body").properties(), (Props{{"TAGS", "TagA"}, {"WAIT", "true"}}));
  EXPECT_EQ(Message("T", "TagA", "k1 k2", "body").properties(),
            (Props{{"KEYS", "k1 k2"}, {"TAGS", "TagA"}, {"WAIT", "true"}}));
  EXPECT_EQ(Message("T", "", "", "body").properties(), (Props{{"WAIT", "true"}}));
  EXPECT_TRUE(Message().properties().empty());

  Message m("Topic", "TagA", "body");
  EXPECT_EQ(m.topic(), "Topic");
  EXPECT_EQ(m.body(), "body");
  EXPECT_EQ(m.tags(), "TagA");
  EXPECT_EQ(m.keys(), "");
  EXPECT_EQ(m.flag(), 0);
}

TEST(MessageTest, Accessors) {
  Message m;
  m.set_topic("T2");
  m.set_body("b2");
  m.set_flag(7);
  EXPECT_EQ(m.topic(), "T2");
  EXPECT_EQ(m.body(), "b2");
  EXPECT_EQ(m.flag(), 7);

  m.set_tags("TagB");
  EXPECT_EQ(m.GetProperty("TAGS"), "TagB");
  m.set_tags("");
  EXPECT_FALSE(m.GetProperty("TAGS").has_value());

  m.set_keys("a");
  EXPECT_EQ(m.keys(), "a");
  m.set_keys("");
  EXPECT_FALSE(m.GetProperty("KEYS").has_value());

  EXPECT_EQ(m.delay_time_level(), 0);
  m.set_delay_time_level(3);
  EXPECT_EQ(m.GetProperty("DELAY"), "3");
  EXPECT_EQ(m.delay_time_level(), 3);
  m.set_delay_time_level(0);
  EXPECT_FALSE(m.GetProperty("DELAY").has_value());
  m.PutPropertyUnchecked("DELAY", "x");
  EXPECT_EQ(m.delay_time_level(), 0);

  EXPECT_EQ(m.unique_id(), "");
  m.PutPropertyUnchecked("UNIQ_KEY", "ABC");
  EXPECT_EQ(m.unique_id(), "ABC");
  m.ClearProperty("UNIQ_KEY");
  EXPECT_EQ(m.unique_id(), "");
  m.ClearProperty("NOT_THERE");
}

TEST(MessageTest, WaitStoreMsgOkDefaultsToTrue) {
  Message m;
  EXPECT_TRUE(m.wait_store_msg_ok());
  m.set_wait_store_msg_ok(false);
  EXPECT_EQ(m.GetProperty("WAIT"), "false");
  EXPECT_FALSE(m.wait_store_msg_ok());
  m.set_wait_store_msg_ok(true);
  EXPECT_EQ(m.GetProperty("WAIT"), "true");
  EXPECT_TRUE(m.wait_store_msg_ok());
  // Boolean.parseBoolean: any case of "true", anything else is false.
  m.PutPropertyUnchecked("WAIT", "TRUE");
  EXPECT_TRUE(m.wait_store_msg_ok());
  m.PutPropertyUnchecked("WAIT", "yes");
  EXPECT_FALSE(m.wait_store_msg_ok());
}

TEST(MessageTest, KeysJoinWithSpace) {
  Message m;
  m.set_keys(std::vector<std::string>{"k1", "k2", "k3"});
  EXPECT_EQ(m.keys(), "k1 k2 k3");
  m.set_keys(std::vector<std::string>{"only"});
  EXPECT_EQ(m.keys(), "only");
  m.set_keys(std::vector<std::string>{"a", "", "b"});  // String.join keeps empty entries
  EXPECT_EQ(m.keys(), "a  b");
  m.set_keys(std::vector<std::string>{});
  EXPECT_FALSE(m.GetProperty("KEYS").has_value());
}

TEST(MessageTest, UserProperties) {
  Message m("T", "b");
  ASSERT_TRUE(m.PutUserProperty("ukey", "uval").ok());
  EXPECT_EQ(m.GetUserProperty("ukey"), "uval");
  EXPECT_EQ(m.GetProperty("ukey"), "uval");
  ASSERT_TRUE(m.PutUserProperty("ukey", "v2").ok());
  EXPECT_EQ(m.GetUserProperty("ukey"), "v2");
  EXPECT_FALSE(m.GetUserProperty("missing").has_value());
  // Not reserved, although the broker uses them.
  EXPECT_TRUE(m.PutUserProperty("CHECK_IMMUNITY_TIME_IN_SECONDS", "10").ok());
  EXPECT_TRUE(m.PutUserProperty("__STARTDELIVERTIME", "1").ok());
}

TEST(MessageTest, UserPropertyRefusals) {
  Message m("T", "b");
  for (const char* reserved : {"TAGS",
                               "KEYS",
                               "DELAY",
                               "WAIT",
                               "UNIQ_KEY",
                               "TRAN_MSG",
                               "PGROUP",
                               "RECONSUME_TIME",
                               "MAX_RECONSUME_TIMES",
                               "INSTANCE_ID",
                               "MSG_TYPE",
                               "CLUSTER",
                               "TRACE_ON",
                               "MSG_REGION",
                               "REAL_TOPIC",
                               "REAL_QID",
                               "RETRY_TOPIC",
                               "CORRELATION_ID",
                               "REPLY_TO_CLIENT",
                               "TTL"}) {
    Status s = m.PutUserProperty(reserved, "x");
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << reserved;
    EXPECT_NE(s.message().find(reserved), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("reserved"), std::string::npos) << s.message();
    EXPECT_TRUE(IsReservedPropertyName(reserved)) << reserved;
  }
  EXPECT_EQ(m.GetProperty("TAGS"), std::nullopt);
  EXPECT_EQ(m.GetProperty("WAIT"), "true");  // unchanged by the refused put

  for (auto [name, value] : std::vector<std::pair<const char*, const char*>>{
           {"", "v"}, {"n", ""}, {"  ", "v"}, {"n", " \t"}}) {
    Status s = m.PutUserProperty(name, value);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << "'" << name << "'='" << value << "'";
    EXPECT_NE(s.message().find("empty or blank"), std::string::npos) << s.message();
  }
  Status sep = m.PutUserProperty("a\x01", "v");
  EXPECT_EQ(sep.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.PutUserProperty("a", "v\x02").code(), ErrorCode::kInvalidArgument);

  EXPECT_FALSE(IsReservedPropertyName("ukey"));
  EXPECT_FALSE(IsReservedPropertyName("TRAN_PREPARED_QUEUE_OFFSET"));
  EXPECT_FALSE(IsReservedPropertyName("tags"));  // case-sensitive
}

TEST(MessageTest, UncheckedPutAllowsReserved) {
  Message m;
  m.PutPropertyUnchecked("TRAN_MSG", "true");
  EXPECT_EQ(m.GetProperty("TRAN_MSG"), "true");
}

TEST(MessageTest, Equality) {
  Message a("T", "TagA", "b");
  Message b("T", "TagA", "b");
  EXPECT_EQ(a, b);
  b.set_flag(1);
  EXPECT_NE(a, b);
}

TEST(MessageQueueTest, ToStringAndOrder) {
  MessageQueue q{"TopicTest", "broker-a", 3};
  EXPECT_EQ(q.ToString(), "MessageQueue [topic=TopicTest, brokerName=broker-a, queueId=3]");
  EXPECT_LT((MessageQueue{"A", "b", 1}), (MessageQueue{"A", "b", 2}));
  EXPECT_LT((MessageQueue{"A", "a", 9}), (MessageQueue{"A", "b", 0}));
}

TEST(SendResultTest, Names) {
  EXPECT_STREQ(SendStatusName(SendStatus::kSendOk), "SEND_OK");
  EXPECT_STREQ(SendStatusName(SendStatus::kFlushDiskTimeout), "FLUSH_DISK_TIMEOUT");
  EXPECT_STREQ(SendStatusName(SendStatus::kFlushSlaveTimeout), "FLUSH_SLAVE_TIMEOUT");
  EXPECT_STREQ(SendStatusName(SendStatus::kSlaveNotAvailable), "SLAVE_NOT_AVAILABLE");

  SendResult r;
  r.msg_id = "U1";
  r.offset_msg_id = "O1";
  r.queue = {"T", "broker-a", 0};
  r.queue_offset = 42;
  EXPECT_EQ(r.ToString(),
            "SendResult [sendStatus=SEND_OK, msgId=U1, offsetMsgId=O1, messageQueue=MessageQueue "
            "[topic=T, brokerName=broker-a, queueId=0], queueOffset=42]");
  EXPECT_EQ(r.region_id, "DefaultRegion");
  EXPECT_TRUE(r.trace_on);
}

// ---- validators ----

bool Mentions(const Status& s, const std::string& text) {
  return s.message().find(text) != std::string::npos;
}

TEST(ValidatorsTest, Group) {
  EXPECT_TRUE(client::ValidateGroup("GID_golden_send").ok());
  EXPECT_TRUE(client::ValidateGroup("a%b|c-d_e09").ok());
  EXPECT_TRUE(client::ValidateGroup(std::string(255, 'g')).ok());

  Status blank = client::ValidateGroup("");
  EXPECT_EQ(blank.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(blank, "blank")) << blank.message();
  EXPECT_EQ(client::ValidateGroup(" \t ").code(), ErrorCode::kInvalidArgument);

  Status longer = client::ValidateGroup(std::string(256, 'g'));
  EXPECT_EQ(longer.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(longer, "255")) << longer.message();
  EXPECT_TRUE(Mentions(longer, "256")) << longer.message();

  for (const char* bad : {"a b", "a.b", "a/b", "grp:1", "g\xc3\xa9"}) {
    Status s = client::ValidateGroup(bad);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_TRUE(Mentions(s, bad)) << s.message();
    EXPECT_TRUE(Mentions(s, "illegal characters")) << s.message();
  }

  // The producer additionally refuses the broker's own group.
  EXPECT_TRUE(client::ValidateGroup("DEFAULT_PRODUCER").ok());
  Status dp = client::ValidateProducerGroup("DEFAULT_PRODUCER");
  EXPECT_EQ(dp.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(dp, "DEFAULT_PRODUCER")) << dp.message();
  EXPECT_TRUE(client::ValidateProducerGroup("pg").ok());
  EXPECT_EQ(client::ValidateProducerGroup("").code(), ErrorCode::kInvalidArgument);
}

TEST(ValidatorsTest, Topic) {
  EXPECT_TRUE(client::ValidateTopic("TopicTest").ok());
  EXPECT_TRUE(client::ValidateTopic("%RETRY%group").ok());
  EXPECT_TRUE(client::ValidateTopic("ns%Topic").ok());
  EXPECT_TRUE(client::ValidateTopic(std::string(127, 't')).ok());
  EXPECT_TRUE(client::ValidateTopic("TBW102").ok());

  Status blank = client::ValidateTopic("  ");
  EXPECT_EQ(blank.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(blank, "blank")) << blank.message();

  Status longer = client::ValidateTopic(std::string(128, 't'));
  EXPECT_EQ(longer.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(longer, "127")) << longer.message();

  Status chars = client::ValidateTopic("Topic.Test");
  EXPECT_EQ(chars.code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(chars, "Topic.Test")) << chars.message();
  EXPECT_TRUE(Mentions(chars, "illegal characters")) << chars.message();

  for (std::string_view system : client::kNotAllowedSendTopics) {
    Status s = client::ValidateTopic(system);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << system;
    EXPECT_TRUE(Mentions(s, std::string(system))) << s.message();
    EXPECT_TRUE(Mentions(s, "forbidden")) << s.message();
  }
  EXPECT_EQ(std::size(client::kNotAllowedSendTopics), 6u);
  EXPECT_EQ(client::ValidateTopic("SCHEDULE_TOPIC_XXXX").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(client::ValidateTopic("RMQ_SYS_TRANS_HALF_TOPIC").code(), ErrorCode::kInvalidArgument);
}

TEST(ValidatorsTest, Message) {
  EXPECT_TRUE(client::ValidateMessage(Message("T", "x"), 4 * 1024 * 1024).ok());
  EXPECT_TRUE(client::ValidateMessage(Message("T", std::string(10, 'x')), 10).ok());

  Status topic = client::ValidateMessage(Message("bad topic", "x"), 100);
  EXPECT_EQ(topic.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(client::ValidateMessage(Message("OFFSET_MOVED_EVENT", "x"), 100).code(),
            ErrorCode::kInvalidArgument);

  Status empty = client::ValidateMessage(Message("T", ""), 100);
  EXPECT_EQ(empty.code(), ErrorCode::kMessageIllegal);
  EXPECT_TRUE(Mentions(empty, "empty")) << empty.message();

  Status big = client::ValidateMessage(Message("T", std::string(11, 'x')), 10);
  EXPECT_EQ(big.code(), ErrorCode::kMessageIllegal);
  EXPECT_TRUE(Mentions(big, "11 bytes")) << big.message();
  EXPECT_TRUE(Mentions(big, "10 bytes")) << big.message();
}

}  // namespace
}  // namespace orbit
