// Delayed delivery (ScheduleMessageService) and CONSUMER_SEND_MSG_BACK on a real broker on a
// loopback ephemeral port, with short delay levels (1 s, 2 s, 3 s) so that every delivery comes
// within seconds. Waits are bounded polls; timing asserts only say "not before" with a margin.

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "broker/broker.h"
#include "broker/schedule_message_service.h"
#include "broker/tests/broker_test_support.h"
#include "golden/golden.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message.h"
#include "protocol/properties.h"
#include "store/config_files.h"
#include "store/fault_file_system.h"

namespace orbit::broker {
namespace {

using protocol::MessageRecord;
using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;
using test_support::BrokerFixture;
using test_support::kBornTimestamp;
using test_support::Request;
using test_support::SendRequestV2;
using Millis = std::chrono::milliseconds;

int64_t SinceMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start).count();
}

std::set<std::string> Names(const protocol::MessageProperties& props) {
  std::set<std::string> out;
  for (const auto& [name, value] : props) out.insert(name);
  return out;
}

class DelayTest : public BrokerFixture {
 protected:
  DelayTest() : BrokerFixture("broker-d", "orbit-delay-test-") {}

  void Configure(BrokerConfig& config) override {
    config.auto_create_subscription_group = auto_create_group_;
    config.store.message_delay_level = "1s 2s 3s";
  }

  // Stops broker and client (returns how long the broker's shutdown took) and starts both again
  // on the same store.
  int64_t Restart(bool auto_create_group = true) {
    auto_create_group_ = auto_create_group;
    return RestartBroker();
  }

  // Sends one message (WAIT=true, as a Java producer) and returns its offset msgId.
  std::string Send(const std::string& topic, const std::string& body, const std::string& tags,
                   int delay_level = 0) {
    protocol::MessageProperties props;
    props.Set(protocol::kPropertyKeys, "K-" + body);
    props.Set(protocol::kPropertyUniqKey, "U-" + body);
    props.Set(protocol::kPropertyWaitStoreMsgOk, "true");
    if (delay_level > 0) props.Set(protocol::kPropertyDelayTimeLevel, std::to_string(delay_level));
    props.Set(protocol::kPropertyTags, tags);
    return SendAndWait(SendRequestV2(topic, body, props)).msg_id;
  }

  RemotingCommand SendBackRequest(const std::string& offset_msg_id, const std::string& group,
                                  int32_t delay_level, int32_t max_reconsume_times = 16) {
    auto id = protocol::DecodeOffsetMessageId(offset_msg_id);
    EXPECT_TRUE(id.ok());
    protocol::ConsumerSendMsgBackRequestHeader h;
    h.offset = id.ok() ? id->commit_log_offset : -1;
    h.group = group;
    h.delay_level = delay_level;
    h.origin_msg_id = "ORIGIN-FROM-CLIENT";
    h.origin_topic = "whatever";
    h.max_reconsume_times = max_reconsume_times;
    return Request(RequestCode::kConsumerSendMsgBack, h);
  }

  // Polls until a pull finds something (at most `timeout_ms`).
  std::vector<MessageRecord> PullWhenThere(const std::string& topic, int32_t queue_id,
                                           int64_t offset, int64_t timeout_ms = 10000) {
    auto start = std::chrono::steady_clock::now();
    for (;;) {
      auto recs = Pull(topic, queue_id, offset);
      if (!recs.empty() || SinceMs(start) > timeout_ms) return recs;
      std::this_thread::sleep_for(Millis(50));
    }
  }

  // The schedule service's offset of `level` once it reaches `want` (the pull may see a delivered
  // message a moment before the service records its progress); -1 when absent.
  int64_t WaitOffset(int32_t level, int64_t want) {
    int64_t got = -1;
    for (int i = 0; i < 100; ++i) {
      auto table = broker_->schedule().OffsetTable();
      got = table.count(level) ? table.at(level) : -1;
      if (got == want) break;
      std::this_thread::sleep_for(Millis(20));
    }
    return got;
  }

  bool auto_create_group_ = true;
};

TEST_F(DelayTest, DelayedMessageIsPullableOnlyAfterItsLevel) {
  auto start = std::chrono::steady_clock::now();
  std::string msg_id = Send("TopicD", "later", "TagD", /*delay_level=*/2);
  ASSERT_FALSE(msg_id.empty());
  auto parked = StoredRecords(kScheduleTopic, 1);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].OffsetMsgId(), msg_id);

  // Not there during the first second (the level is 2 s).
  while (SinceMs(start) < 1000) {
    ASSERT_TRUE(Pull("TopicD", 0, 0).empty()) << "delivered after " << SinceMs(start) << " ms";
    std::this_thread::sleep_for(Millis(100));
  }
  auto recs = PullWhenThere("TopicD", 0, 0);
  ASSERT_EQ(recs.size(), 1u) << "not delivered within 10 s";
  EXPECT_GE(SinceMs(start), 1900);

  const MessageRecord& r = recs[0];
  EXPECT_EQ(r.topic, "TopicD");
  EXPECT_EQ(r.queue_id, 0);
  EXPECT_EQ(r.queue_offset, 0);
  EXPECT_EQ(r.body, "later");
  EXPECT_EQ(r.born_timestamp, kBornTimestamp);
  EXPECT_EQ(r.born_host.ToString(), parked[0].born_host.ToString());
  EXPECT_EQ(r.reconsume_times, 0);
  EXPECT_GE(r.store_timestamp, parked[0].store_timestamp + 2000);
  // Apache's messageTimeup keeps the stored property string: DELAY, REAL_TOPIC and REAL_QID stay.
  EXPECT_EQ(r.properties, parked[0].properties);
  EXPECT_EQ(r.properties.Get("DELAY"), "2");
  EXPECT_EQ(r.properties.Get("REAL_TOPIC"), "TopicD");
  EXPECT_EQ(r.properties.Get("REAL_QID"), "0");
  EXPECT_EQ(r.properties.Get("WAIT"), "true");  // as the producer sent it (Apache 4.9.8)
  // The new consume-queue entry carries the tag's hash again: a tag filter finds it.
  EXPECT_EQ(Pull("TopicD", 0, 0, "TagD").size(), 1u);
  EXPECT_TRUE(Pull("TopicD", 0, 0, "OtherTag").empty());
  EXPECT_EQ(WaitOffset(2, 1), 1);
}

TEST_F(DelayTest, LevelsAreDeliveredIndependentlyAndInOrder) {
  auto start = std::chrono::steady_clock::now();
  Send("TopicO", "slow", "T", 3);
  Send("TopicO", "fast-1", "T", 1);
  Send("TopicO", "fast-2", "T", 1);
  auto first = PullWhenThere("TopicO", 0, 0);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first[0].body, "fast-1");
  auto all = first;
  while (all.size() < 3 && SinceMs(start) < 10000) {
    auto more = Pull("TopicO", 0, static_cast<int64_t>(all.size()));
    all.insert(all.end(), more.begin(), more.end());
    std::this_thread::sleep_for(Millis(50));
  }
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].body, "fast-2");
  EXPECT_EQ(all[2].body, "slow");
  EXPECT_GE(SinceMs(start), 2900);
}

TEST_F(DelayTest, DelayOffsetsPersistAcrossARestartWithoutRedelivery) {
  Send("TopicP", "a", "T", 1);
  Send("TopicP", "b", "T", 1);
  ASSERT_EQ(PullWhenThere("TopicP", 0, 1).size(), 1u);
  Send("TopicP", "c", "T", 3);     // due 3 s from now, after the restart
  ASSERT_EQ(WaitOffset(3, 0), 0);  // the service has looked at level 3

  int64_t shutdown_ms = Restart();
  EXPECT_LT(shutdown_ms, 3000) << "the delivery thread did not stop promptly";
  // Written at shutdown in Apache's format, and loaded again.
  auto file =
      store::LoadDelayOffsets(*store::FileSystem::Default(), broker_->config().store.ConfigDir());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->source, store::ConfigSource::kMain);
  EXPECT_EQ(file->table.offset_table, (std::map<int32_t, int64_t>{{1, 2}, {3, 0}}));
  auto table = broker_->schedule().OffsetTable();
  EXPECT_EQ(table.at(1), 2);
  EXPECT_EQ(table.at(3), 0);

  auto recs = PullWhenThere("TopicP", 0, 2);
  ASSERT_EQ(recs.size(), 1u) << "the message parked before the restart was not delivered";
  EXPECT_EQ(recs[0].body, "c");
  // Give the service time to deliver anything twice, then look at the whole queue.
  std::this_thread::sleep_for(Millis(1500));
  auto all = Pull("TopicP", 0, 0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].body, "a");
  EXPECT_EQ(all[1].body, "b");
  EXPECT_EQ(all[2].body, "c");

  // And once more: a second restart delivers nothing.
  Restart();
  std::this_thread::sleep_for(Millis(1500));
  EXPECT_EQ(broker_->store().GetMaxOffsetInQueue("TopicP", 0), 3);
  auto after = broker_->schedule().OffsetTable();
  EXPECT_EQ(after.at(1), 2);
  EXPECT_EQ(after.at(3), 1);
}

// A due message whose append fails (the disk is full) stays at its offset and is appended once
// the store accepts writes again: not skipped, not repeated.
TEST_F(DelayTest, FailedAppendIsRetriedNotSkipped) {
  store::FaultFileSystem fault;
  options_.fs = &fault;
  Restart();
  auto start = std::chrono::steady_clock::now();
  Send("TopicF", "retry me", "T", 1);
  fault.SetCapacity(1);
  ASSERT_TRUE(broker_->store().RunRetention(false).ok());
  ASSERT_TRUE(broker_->store().disk_full());

  std::this_thread::sleep_for(Millis(2000) - Millis(SinceMs(start)));
  EXPECT_TRUE(Pull("TopicF", 0, 0).empty());
  EXPECT_EQ(WaitOffset(1, 0), 0);  // tried (due after 1 s) and failed: the offset stays

  fault.SetCapacity(uint64_t{1} << 40);
  ASSERT_TRUE(broker_->store().RunRetention(false).ok());
  ASSERT_FALSE(broker_->store().disk_full());
  auto recs = PullWhenThere("TopicF", 0, 0, ScheduleMessageService::kRetryAfterFailureMs + 5000);
  ASSERT_EQ(recs.size(), 1u) << "not delivered after the store accepted writes again";
  EXPECT_EQ(recs[0].body, "retry me");
  EXPECT_EQ(WaitOffset(1, 1), 1);
  std::this_thread::sleep_for(Millis(500));
  EXPECT_EQ(Pull("TopicF", 0, 0).size(), 1u);
  client_->Shutdown();
  broker_->Shutdown();  // before `fault` goes away
  broker_.reset();
}

TEST_F(DelayTest, SlaveDoesNotDeliver) {
  tweak_ = [](BrokerConfig& c) {
    c.broker_role = "SLAVE";
    c.broker_id = 1;
  };
  Restart();
  EXPECT_FALSE(broker_->schedule().started());
  Send("TopicZ", "parked", "T", 1);
  EXPECT_EQ(StoredRecords(kScheduleTopic, 0).size(), 1u);
  std::this_thread::sleep_for(Millis(1500));
  EXPECT_TRUE(Pull("TopicZ", 0, 0).empty());
  EXPECT_TRUE(broker_->schedule().OffsetTable().empty());

  tweak_ = nullptr;  // the same store as a master delivers it
  Restart();
  EXPECT_EQ(PullWhenThere("TopicZ", 0, 0).size(), 1u);
}

TEST_F(DelayTest, SendBackGoesToRetryThroughTheScheduleTopic) {
  std::string msg_id = Send("TopicS", "failed once", "TagS");
  auto original = StoredRecords("TopicS", 0);
  ASSERT_EQ(original.size(), 1u);

  auto start = std::chrono::steady_clock::now();
  RemotingCommand resp = Call(SendBackRequest(msg_id, "GSB", /*delay_level=*/0));
  // Apache answers SUCCESS with neither remark nor header (golden 13_consumer_send_back #40).
  EXPECT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  EXPECT_FALSE(resp.remark.has_value());
  EXPECT_TRUE(resp.ext_fields.empty());
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));

  // The retry topic exists with the group's one queue, and the copy is parked at level 3
  // (3 + reconsumeTimes 0) = queue 2 of SCHEDULE_TOPIC_XXXX.
  auto retry_topic = broker_->topics().Find("%RETRY%GSB");
  ASSERT_TRUE(retry_topic.has_value());
  EXPECT_EQ(retry_topic->write_queue_nums, 1);
  EXPECT_EQ(retry_topic->perm, 6);
  auto parked = StoredRecords(kScheduleTopic, 2);
  ASSERT_EQ(parked.size(), 1u);
  const MessageRecord& p = parked[0];
  EXPECT_EQ(p.body, "failed once");
  EXPECT_EQ(p.reconsume_times, 1);
  EXPECT_EQ(p.born_timestamp, original[0].born_timestamp);
  EXPECT_EQ(p.born_host.ToString(), original[0].born_host.ToString());
  EXPECT_EQ(p.flag, original[0].flag);
  EXPECT_EQ(p.sys_flag, original[0].sys_flag);
  // What Apache stores for a send-back (golden store MANIFEST, role schedule-copy-of-retry).
  EXPECT_EQ(Names(p.properties),
            (std::set<std::string>{"REAL_TOPIC", "ORIGIN_MESSAGE_ID", "RETRY_TOPIC", "KEYS",
                                   "UNIQ_KEY", "CLUSTER", "WAIT", "DELAY", "TAGS", "REAL_QID"}));
  EXPECT_EQ(p.properties.Get("REAL_TOPIC"), "%RETRY%GSB");
  EXPECT_EQ(p.properties.Get("REAL_QID"), "0");
  EXPECT_EQ(p.properties.Get("RETRY_TOPIC"), "TopicS");
  EXPECT_EQ(p.properties.Get("ORIGIN_MESSAGE_ID"), msg_id);  // the offset id, not the header's
  EXPECT_EQ(p.properties.Get("WAIT"), "false");
  EXPECT_EQ(p.properties.Get("DELAY"), "3");
  EXPECT_EQ(p.properties.Get("UNIQ_KEY"), "U-failed once");
  EXPECT_EQ(p.properties.Get("TAGS"), "TagS");

  // Delivered to %RETRY%GSB after 3 s, not before.
  while (SinceMs(start) < 2000) {
    ASSERT_TRUE(Pull("%RETRY%GSB", 0, 0).empty()) << "delivered after " << SinceMs(start);
    std::this_thread::sleep_for(Millis(100));
  }
  auto recs = PullWhenThere("%RETRY%GSB", 0, 0);
  ASSERT_EQ(recs.size(), 1u) << "the retry was not delivered within 10 s";
  EXPECT_GE(SinceMs(start), 2900);
  EXPECT_EQ(recs[0].topic, "%RETRY%GSB");
  EXPECT_EQ(recs[0].reconsume_times, 1);
  EXPECT_EQ(recs[0].properties, p.properties);
  EXPECT_EQ(recs[0].born_timestamp, original[0].born_timestamp);

  // A second failure: sent back from the retry topic, RETRY_TOPIC and ORIGIN_MESSAGE_ID are kept,
  // and level 3 + 1 = 4 is clamped to the highest level, 3.
  resp = Call(SendBackRequest(recs[0].OffsetMsgId(), "GSB", 0));
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  parked = StoredRecords(kScheduleTopic, 2);
  ASSERT_EQ(parked.size(), 2u);
  EXPECT_EQ(parked[1].reconsume_times, 2);
  EXPECT_EQ(parked[1].properties.Get("DELAY"), "3");
  EXPECT_EQ(parked[1].properties.Get("RETRY_TOPIC"), "TopicS");
  EXPECT_EQ(parked[1].properties.Get("ORIGIN_MESSAGE_ID"), msg_id);
  EXPECT_EQ(parked[1].properties.Get("REAL_TOPIC"), "%RETRY%GSB");
}

TEST_F(DelayTest, ExplicitDelayLevelIsUsed) {
  std::string msg_id = Send("TopicX", "explicit", "T");
  ASSERT_EQ(Call(SendBackRequest(msg_id, "GX", /*delay_level=*/1)).code, ResponseCode::kSuccess);
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  auto parked = StoredRecords(kScheduleTopic, 0);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].properties.Get("DELAY"), "1");
  EXPECT_EQ(PullWhenThere("%RETRY%GX", 0, 0).size(), 1u);
}

TEST_F(DelayTest, PastMaxReconsumeTimesGoesToTheDlqAtOnce) {
  std::string msg_id = Send("TopicQ", "dead", "T");
  RemotingCommand resp = Call(SendBackRequest(msg_id, "GDLQ", 0, /*max_reconsume_times=*/0));
  ASSERT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  auto dlq = broker_->topics().Find("%DLQ%GDLQ");
  ASSERT_TRUE(dlq.has_value());
  EXPECT_EQ(dlq->read_queue_nums, 1);
  EXPECT_EQ(dlq->write_queue_nums, 1);
  EXPECT_EQ(dlq->perm, 6);
  auto recs = StoredRecords("%DLQ%GDLQ", 0);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].body, "dead");
  EXPECT_EQ(recs[0].reconsume_times, 1);
  EXPECT_EQ(recs[0].properties.Get("DELAY"), "0");
  EXPECT_EQ(recs[0].properties.Get("RETRY_TOPIC"), "TopicQ");
  EXPECT_EQ(recs[0].properties.Get("ORIGIN_MESSAGE_ID"), msg_id);
  EXPECT_FALSE(recs[0].properties.Contains("REAL_TOPIC"));
  EXPECT_EQ(broker_->store().GetMaxOffsetInQueue(kScheduleTopic, 2), 0);

  // delayLevel -1 also means the DLQ, whatever the reconsume count.
  ASSERT_EQ(Call(SendBackRequest(msg_id, "GDLQ", -1)).code, ResponseCode::kSuccess);
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  EXPECT_EQ(broker_->store().GetMaxOffsetInQueue("%DLQ%GDLQ", 0), 2);
}

TEST_F(DelayTest, GroupWithoutRetryQueuesDropsTheMessage) {
  protocol::SubscriptionGroupConfig g;
  g.group_name = "GNONE";
  g.retry_queue_nums = 0;
  ASSERT_TRUE(broker_->groups().Update(g).ok());
  std::string msg_id = Send("TopicN", "dropped", "T");
  RemotingCommand resp = Call(SendBackRequest(msg_id, "GNONE", 0));
  EXPECT_EQ(resp.code, ResponseCode::kSuccess);
  EXPECT_FALSE(broker_->topics().Find("%RETRY%GNONE").has_value());
}

TEST_F(DelayTest, UnknownGroupIsRefused) {
  Restart(/*auto_create_group=*/false);
  std::string msg_id = Send("TopicU", "x", "T");
  RemotingCommand resp = Call(SendBackRequest(msg_id, "NoSuchGroup", 0));
  EXPECT_EQ(resp.code, ResponseCode::kSubscriptionGroupNotExist);
  EXPECT_EQ(resp.remark.value_or(""),
            "subscription group not exist, NoSuchGroup \nSee "
            "http://rocketmq.apache.org/docs/faq/ for further details.");
}

TEST_F(DelayTest, BadOffsetIsASystemError) {
  Send("TopicB", "x", "T");
  protocol::ConsumerSendMsgBackRequestHeader h;
  h.offset = 123456789;
  h.group = "GB";
  RemotingCommand req = RemotingCommand::Request(RequestCode::kConsumerSendMsgBack);
  h.Encode(&req.ext_fields);
  RemotingCommand resp = Call(std::move(req));
  EXPECT_EQ(resp.code, ResponseCode::kSystemError);
  EXPECT_EQ(resp.remark.value_or(""), "look message by offset failed, 123456789");
  // An offset inside a record is no record either.
  h.offset = 1;
  RemotingCommand inside = RemotingCommand::Request(RequestCode::kConsumerSendMsgBack);
  h.Encode(&inside.ext_fields);
  EXPECT_EQ(Call(std::move(inside)).code, ResponseCode::kSystemError);
}

// The golden capture replayed: the producer's SEND_MESSAGE_V2 (#7), then the consumer's
// CONSUMER_SEND_MSG_BACK (#39, its offset replaced by where this broker stored #7). The answer
// must be #40 field by field, and the record later pulled from %RETRY%GID_golden_retry must be
// the one Apache served (#57), but for what depends on the store's address and offsets.
TEST_F(DelayTest, SendBackMatchesTheGoldenCapture) {
  auto frames = orbit::testing::LoadGoldenFile("13_consumer_send_back");
  auto frame = [&](int index) -> const orbit::testing::GoldenFrame& {
    for (const auto& f : frames) {
      if (f.index == index) return f;
    }
    ADD_FAILURE() << "no frame " << index;
    return frames.front();
  };
  auto decode = [](const orbit::testing::GoldenFrame& f) {
    auto cmd = protocol::DecodeFramePayload(std::string_view(f.bytes).substr(4));
    EXPECT_TRUE(cmd.ok()) << f.Name();
    return cmd.ok() ? std::move(*cmd) : RemotingCommand{};
  };
  ASSERT_EQ(frame(7).code, RequestCode::kSendMessageV2);
  ASSERT_EQ(frame(39).code, RequestCode::kConsumerSendMsgBack);
  ASSERT_EQ(frame(40).request_code, RequestCode::kConsumerSendMsgBack);
  ASSERT_EQ(frame(57).request_code, RequestCode::kPullMessage);

  RemotingCommand sent = Call(decode(frame(7)));
  ASSERT_EQ(sent.code, ResponseCode::kSuccess) << sent.remark.value_or("");
  ASSERT_TRUE(broker_->store().WaitDispatched(5000));
  std::string msg_id = protocol::SendMessageResponseHeader::Decode(sent.ext_fields)->msg_id;
  auto id = protocol::DecodeOffsetMessageId(msg_id);
  ASSERT_TRUE(id.ok());

  RemotingCommand back = decode(frame(39));
  EXPECT_EQ(back.version, 409);
  back.ext_fields.Set("offset", std::to_string(id->commit_log_offset));
  auto start = std::chrono::steady_clock::now();
  RemotingCommand resp = Call(back);
  RemotingCommand want = decode(frame(40));
  EXPECT_EQ(resp.code, want.code);
  EXPECT_EQ(resp.code, ResponseCode::kSuccess);
  EXPECT_EQ(resp.flag, want.flag);
  EXPECT_EQ(resp.remark, want.remark);
  EXPECT_EQ(resp.ext_fields.empty(), want.ext_fields.empty());
  EXPECT_EQ(resp.body, want.body);

  // Apache's record as the consumer pulled it from the retry topic.
  std::vector<MessageRecord> golden;
  ASSERT_TRUE(protocol::DecodeRecords(decode(frame(57)).body, &golden).ok());
  ASSERT_EQ(golden.size(), 1u);
  const MessageRecord& g = golden[0];
  // In the capture too, ORIGIN_MESSAGE_ID is the offset id the send answered (#8), not the
  // header's originMsgId (the UNIQ_KEY).
  auto golden_send = protocol::SendMessageResponseHeader::Decode(decode(frame(8)).ext_fields);
  ASSERT_TRUE(golden_send.ok());
  EXPECT_EQ(g.properties.Get("ORIGIN_MESSAGE_ID"), golden_send->msg_id);

  auto recs = PullWhenThere("%RETRY%GID_golden_retry", 0, 0);
  ASSERT_EQ(recs.size(), 1u) << "the retry was not delivered within 10 s";
  EXPECT_GE(SinceMs(start), 2900);  // level 3 = 3 s here (10 s in the capture)
  const MessageRecord& r = recs[0];
  EXPECT_EQ(r.topic, g.topic);
  EXPECT_EQ(r.queue_id, g.queue_id);
  EXPECT_EQ(r.queue_offset, g.queue_offset);
  EXPECT_EQ(r.body, g.body);
  EXPECT_EQ(r.flag, g.flag);
  EXPECT_EQ(r.sys_flag, g.sys_flag);
  EXPECT_EQ(r.born_timestamp, g.born_timestamp);
  EXPECT_EQ(r.reconsume_times, g.reconsume_times);
  EXPECT_EQ(r.prepared_transaction_offset, g.prepared_transaction_offset);
  EXPECT_EQ(Names(r.properties), Names(g.properties));
  for (const auto& [name, value] : g.properties) {
    if (name == "ORIGIN_MESSAGE_ID") {
      EXPECT_EQ(r.properties.Get(name), msg_id);
    } else {
      EXPECT_EQ(r.properties.Get(name), value) << name;
    }
  }
}

}  // namespace
}  // namespace orbit::broker
