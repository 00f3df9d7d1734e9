#pragma once

// Whether a push consumer pulls a queue now or later (the checks at the top of Java's
// DefaultMQPushConsumerImpl.pullMessage; consumer.md §1, §4): a dropped queue is not pulled
// again; a paused consumer waits 1 s; a queue holding more than pullThresholdForQueue messages
// or pullThresholdSizeForQueue MiB, or (concurrently) spanning more than
// consumeConcurrentlyMaxSpan offsets, waits 50 ms (flow control); an orderly queue not locked at
// the broker waits 3 s. Pure: the pull service acts on the answer.

#include <cstdint>

#include "client/process_queue.h"

namespace orbit::client {

// Java's delays (DefaultMQPushConsumerImpl constants).
inline constexpr int64_t kPullDelayWhenFlowControlMs = 50;
inline constexpr int64_t kPullDelayWhenSuspendMs = 1000;
inline constexpr int64_t kPullDelayWhenExceptionMs = 3000;

struct PullThresholds {
  int64_t max_messages = 1000;  // pullThresholdForQueue
  int64_t max_size_mib = 100;   // pullThresholdSizeForQueue
  int64_t max_span = 2000;      // consumeConcurrentlyMaxSpan
};

// pullThresholdForTopic / SizeForTopic spread over the queues this consumer holds of the topic
// (Java's messageQueueChanged): max(1, topic / queues); a value ≤ 0 (off) keeps `per_queue`.
int64_t ThresholdPerQueue(int64_t per_topic, int64_t queues, int64_t per_queue);

enum class PullDecision {
  kPull,        // pull now
  kDropped,     // the queue was given up: no more pulls
  kPaused,      // the consumer is paused: again in kPullDelayWhenSuspendMs
  kCountLimit,  // too many messages held: again in kPullDelayWhenFlowControlMs
  kSizeLimit,   // too many bytes held: again in kPullDelayWhenFlowControlMs
  kSpanLimit,   // concurrently: offsets held span too far: kPullDelayWhenFlowControlMs
  kNotLocked,   // orderly: the broker lock is not ours: again in kPullDelayWhenExceptionMs
};
const char* PullDecisionName(PullDecision decision);
// The delay before the next try, in ms (0 for kPull and kDropped).
int64_t PullDelayMs(PullDecision decision);

PullDecision DecidePull(const ProcessQueue& pq, const PullThresholds& thresholds, bool orderly,
                        bool paused);

}  // namespace orbit::client
