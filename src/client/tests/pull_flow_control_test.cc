// The push consumer's pull-or-wait decision (pullMessage's flow control).

#include "client/pull_flow_control.h"

#include <gtest/gtest.h>

namespace orbit::client {
namespace {

std::vector<MessageExt> Messages(int64_t first, int64_t count, size_t body_size) {
  std::vector<MessageExt> out;
  for (int64_t i = 0; i < count; ++i) {
    MessageExt m;
    m.set_topic("T");
    m.set_body(std::string(body_size, 'x'));
    m.queue_offset = first + i;
    out.push_back(std::move(m));
  }
  return out;
}

TEST(PullFlowControlTest, EachLimitInJavasOrder) {
  PullThresholds t;
  t.max_messages = 10;
  t.max_size_mib = 1;
  t.max_span = 100;
  ProcessQueue pq;
  EXPECT_EQ(DecidePull(pq, t, false, false), PullDecision::kPull);
  EXPECT_EQ(DecidePull(pq, t, false, true), PullDecision::kPaused);

  pq.PutMessage(Messages(0, 10, 10));
  EXPECT_EQ(DecidePull(pq, t, false, false), PullDecision::kPull) << "exactly the limit pulls";
  pq.PutMessage(Messages(10, 1, 10));
  EXPECT_EQ(DecidePull(pq, t, false, false), PullDecision::kCountLimit);

  ProcessQueue big;
  big.PutMessage(Messages(0, 2, 1024 * 1024 + 1));  // 2 MiB and a bit: 2 > 1
  EXPECT_EQ(DecidePull(big, t, false, false), PullDecision::kSizeLimit);

  ProcessQueue wide;
  wide.PutMessage(Messages(0, 1, 1));
  wide.PutMessage(Messages(101, 1, 1));
  EXPECT_EQ(DecidePull(wide, t, false, false), PullDecision::kSpanLimit);
  EXPECT_EQ(DecidePull(wide, t, true, false), PullDecision::kNotLocked)
      << "orderly ignores the span but needs the lock";
  wide.set_locked(true);
  EXPECT_EQ(DecidePull(wide, t, true, false), PullDecision::kPull);

  wide.set_dropped(true);
  EXPECT_EQ(DecidePull(wide, t, true, true), PullDecision::kDropped) << "dropped comes first";
}

TEST(PullFlowControlTest, DelaysAndTopicThresholds) {
  EXPECT_EQ(PullDelayMs(PullDecision::kPull), 0);
  EXPECT_EQ(PullDelayMs(PullDecision::kDropped), 0);
  EXPECT_EQ(PullDelayMs(PullDecision::kPaused), 1000);
  EXPECT_EQ(PullDelayMs(PullDecision::kCountLimit), 50);
  EXPECT_EQ(PullDelayMs(PullDecision::kSizeLimit), 50);
  EXPECT_EQ(PullDelayMs(PullDecision::kSpanLimit), 50);
  EXPECT_EQ(PullDelayMs(PullDecision::kNotLocked), 3000);
  EXPECT_STREQ(PullDecisionName(PullDecision::kSpanLimit), "SPAN_LIMIT");

  EXPECT_EQ(ThresholdPerQueue(-1, 4, 1000), 1000) << "off";
  EXPECT_EQ(ThresholdPerQueue(1000, 4, 1000), 250);
  EXPECT_EQ(ThresholdPerQueue(3, 8, 1000), 1) << "at least one";
  EXPECT_EQ(ThresholdPerQueue(1000, 0, 1000), 1000) << "no queue held";
}

}  // namespace
}  // namespace orbit::client
