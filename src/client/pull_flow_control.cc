#include "client/pull_flow_control.h"

#include <algorithm>

namespace orbit::client {

int64_t ThresholdPerQueue(int64_t per_topic, int64_t queues, int64_t per_queue) {
  if (per_topic <= 0 || queues <= 0) return per_queue;
  return std::max<int64_t>(1, per_topic / queues);
}

const char* PullDecisionName(PullDecision decision) {
  switch (decision) {
    case PullDecision::kPull:
      return "PULL";
    case PullDecision::kDropped:
      return "DROPPED";
    case PullDecision::kPaused:
      return "PAUSED";
    case PullDecision::kCountLimit:
      return "COUNT_LIMIT";
    case PullDecision::kSizeLimit:
      return "SIZE_LIMIT";
    case PullDecision::kSpanLimit:
      return "SPAN_LIMIT";
    case PullDecision::kNotLocked:
      return "NOT_LOCKED";
  }
  return "UNKNOWN";
}

int64_t PullDelayMs(PullDecision decision) {
  switch (decision) {
    case PullDecision::kPull:
    case PullDecision::kDropped:
      return 0;
    case PullDecision::kPaused:
      return kPullDelayWhenSuspendMs;
    case PullDecision::kCountLimit:
    case PullDecision::kSizeLimit:
    case PullDecision::kSpanLimit:
      return kPullDelayWhenFlowControlMs;
    case PullDecision::kNotLocked:
      return kPullDelayWhenExceptionMs;
  }
  return kPullDelayWhenExceptionMs;
}

PullDecision DecidePull(const ProcessQueue& pq, const PullThresholds& thresholds, bool orderly,
                        bool paused) {
  if (pq.dropped()) return PullDecision::kDropped;
  if (paused) return PullDecision::kPaused;
  // Java compares with ">": exactly the threshold still pulls.
  if (pq.msg_count() > thresholds.max_messages) return PullDecision::kCountLimit;
  if (pq.msg_size() / (1024 * 1024) > thresholds.max_size_mib) return PullDecision::kSizeLimit;
  if (!orderly) {
    if (pq.GetMaxSpan() > thresholds.max_span) return PullDecision::kSpanLimit;
  } else if (!pq.locked()) {
    return PullDecision::kNotLocked;
  }
  return PullDecision::kPull;
}

}  // namespace orbit::client
