#pragma once

// Which queues a consumer of a group works on (Java's RebalanceImpl, as the push consumer uses
// it; consumer.md §4): on each rebalance, for every subscribed topic,
//   - clustering: the topic's readable queues and the group's consumer ids (both sorted) go to
//     the allocation strategy, which answers this consumer's share;
//   - broadcasting: every readable queue;
// then the process-queue table follows that set: a queue no longer ours is dropped and, once
// its offset is persisted (and, orderly, its broker lock given back), removed; a queue newly
// ours gets a fresh ProcessQueue, its start offset (consumeFromWhere) and a pull request. A
// push consumer's queue whose pulls stopped for 120 s is dropped and taken again on the next
// rebalance. Queues of topics no longer subscribed are dropped.
//
// Threads: DoRebalance runs on the client instance's scheduler thread, one at a time; the
// table is read from the pull and consume threads (ProcessQueueOf, ProcessQueues). The
// dependencies are called without the table's lock held.

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "client/process_queue.h"
#include "orbit/allocate_strategy.h"
#include "orbit/message.h"
#include "orbit/status.h"
#include "protocol/bodies_heartbeat.h"

namespace orbit::client {

struct PullRequest {
  std::string consumer_group;
  MessageQueue queue;
  std::shared_ptr<ProcessQueue> process_queue;
  int64_t next_offset = 0;
};

// What the rebalance needs from its consumer and the client instance.
class RebalanceDeps {
 public:
  virtual ~RebalanceDeps() = default;
  // GET_CONSUMER_LIST_BY_GROUP (clustering only).
  virtual Result<std::vector<std::string>> FindConsumerIdList(const std::string& topic,
                                                              const std::string& group) = 0;
  // Where a newly assigned queue starts (consumeFromWhere and the stored offset); negative when
  // it cannot be known now (the queue is then tried again at the next rebalance).
  virtual int64_t ComputePullFromWhere(const MessageQueue& queue) = 0;
  // Forgets an offset the store may still hold for a queue about to be taken.
  virtual void RemoveDirtyOffset(const MessageQueue& queue) = 0;
  // A queue leaves this consumer: persist its offset and forget it (orderly: unlock it at the
  // broker). False keeps it in the table (dropped) to be tried again.
  virtual bool RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue& pq) = 0;
  // Orderly only: LOCK_BATCH_MQ for one queue; false when another consumer holds it.
  virtual bool Lock(const MessageQueue& queue) = 0;
  // The pull requests of the newly taken queues.
  virtual void DispatchPullRequests(std::vector<PullRequest> requests) = 0;
  // The share of `topic` changed (all its queues, this consumer's).
  virtual void MessageQueueChanged(const std::string& topic, const std::set<MessageQueue>& all,
                                   const std::set<MessageQueue>& mine) = 0;
};

// Where a push consumer's newly taken queue starts (Java's RebalancePushImpl.computePullFromWhere;
// consumer.md §5): the offset store's offset for the queue when the broker (or file) has one;
// when it has none (-1): LAST_OFFSET (and its deprecated variants) → 0 for a %RETRY% topic,
// else the queue's max offset; FIRST_OFFSET → 0; TIMESTAMP → the max offset for a %RETRY%
// topic, else the offset of `consume_timestamp_ms`. -1 (try again at the next rebalance) when
// the store could not be read (-2) or a broker lookup failed.
struct StartOffsetLookups {
  std::function<Result<int64_t>(const MessageQueue&)> max_offset;  // GET_MAX_OFFSET
  // SEARCH_OFFSET_BY_TIMESTAMP
  std::function<Result<int64_t>(const MessageQueue&, int64_t timestamp_ms)> search_offset;
};
class OffsetStore;
int64_t ComputePullFromWhere(protocol::ConsumeFromWhere where, const MessageQueue& queue,
                             OffsetStore& store, const StartOffsetLookups& lookups,
                             int64_t consume_timestamp_ms);

// Java's consumeTimestamp ("yyyyMMddHHmmss", local time) as milliseconds since the epoch;
// kInvalidArgument for anything else.
Result<int64_t> ParseConsumeTimestamp(std::string_view text);

class Rebalancer {
 public:
  // `consume_type`: passive for push consumers (pull-expired queues are dropped), active for
  // pull consumers.
  Rebalancer(std::string group, protocol::MessageModel model, protocol::ConsumeType consume_type,
             std::shared_ptr<AllocateStrategy> strategy, std::string client_id, RebalanceDeps* deps,
             const Clock& clock = Clock::System());

  // A topic's readable queues (from the client instance's route updates).
  void SetSubscribeInfo(const std::string& topic, const std::vector<MessageQueue>& queues)
      ORBIT_EXCLUDES(mu_);
  std::set<MessageQueue> SubscribeInfo(const std::string& topic) const ORBIT_EXCLUDES(mu_);

  // One rebalance of `topics` (the subscribed ones). Scheduler thread.
  void DoRebalance(const std::vector<std::string>& topics, bool orderly) ORBIT_EXCLUDES(mu_);

  // Java's removeProcessQueue: forgets the queue (dropped) and lets the consumer let it go;
  // taken again at the next rebalance if still ours. Any thread.
  void RemoveProcessQueue(const MessageQueue& queue) ORBIT_EXCLUDES(mu_);

  std::shared_ptr<ProcessQueue> ProcessQueueOf(const MessageQueue& queue) const ORBIT_EXCLUDES(mu_);
  std::map<MessageQueue, std::shared_ptr<ProcessQueue>> ProcessQueues() const ORBIT_EXCLUDES(mu_);

 private:
  void RebalanceTopic(const std::string& topic, bool orderly) ORBIT_EXCLUDES(mu_);
  // Java's updateProcessQueueTableInRebalance: whether the table changed.
  bool UpdateProcessQueueTable(const std::string& topic, const std::set<MessageQueue>& mine,
                               bool orderly) ORBIT_EXCLUDES(mu_);
  // Drops and removes (when the consumer lets go) the queues of topics not in `topics`.
  void TruncateQueuesNotSubscribed(const std::set<std::string>& topics) ORBIT_EXCLUDES(mu_);
  // Drops `pq` and removes it from the table when the consumer lets the queue go.
  bool DropQueue(const MessageQueue& queue, const std::shared_ptr<ProcessQueue>& pq)
      ORBIT_EXCLUDES(mu_);

  const std::string group_;
  const protocol::MessageModel model_;
  const protocol::ConsumeType consume_type_;
  const std::shared_ptr<AllocateStrategy> strategy_;
  const std::string client_id_;
  RebalanceDeps* const deps_;
  const Clock& clock_;

  mutable Mutex mu_;
  std::map<std::string, std::set<MessageQueue>> subscribe_info_ ORBIT_GUARDED_BY(mu_);
  std::map<MessageQueue, std::shared_ptr<ProcessQueue>> process_queues_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::client
