#pragma once

// Queue allocation for consumers in clustering mode (RocketMQ's AllocateMessageQueueStrategy).
//
// At each rebalance, every consumer of a group asks its strategy which of the topic's queues it
// should pull from. Each consumer decides alone, from the same inputs (the topic's queues and the
// group's client ids, both sorted), so every member of a group must use the same strategy, with
// the same settings, for each queue to end up with exactly one consumer. The strategies here give
// the same answers as the Java client's of the same name (Apache RocketMQ 4.9), so Java and Orbit
// consumers can share a group.
//
//   auto strategy = orbit::AllocateAveragely();
//   auto mine = strategy->Allocate("my-group", my_client_id, sorted_queues, sorted_client_ids);
//   if (mine.ok()) for (const orbit::MessageQueue& mq : *mine) { ... }
//
// Threads: strategies are immutable once made; Allocate may be called from any thread at once.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "orbit/message.h"
#include "orbit/status.h"

namespace orbit {

// Decides which queues of a topic one consumer of a group takes.
class AllocateStrategy {
 public:
  virtual ~AllocateStrategy() = default;

  // The strategy's name as Java's getName() gives it: "AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH",
  // "CONFIG" or "MACHINE_ROOM".
  virtual std::string Name() const = 0;

  // The queues `current_client_id` should consume, in the order of `all_queues`.
  // REQUIRES: `all_queues` and `all_client_ids` sorted, as the rebalance sorts them (the result
  // depends on the order, and consumers agree only if they all see the same order).
  //
  // Errors and empty answers are those of the Java strategy of the same name:
  // - AVG, AVG_BY_CIRCLE, CONSISTENT_HASH: kInvalidArgument for an empty `current_client_id`, an
  //   empty `all_queues` or an empty `all_client_ids` (where Java throws
  //   IllegalArgumentException); an empty vector, not an error, when `current_client_id` is not
  //   among `all_client_ids` (Java logs "[BUG] ..." and returns an empty list; so does Orbit, at
  //   info level).
  // - CONFIG: never fails; returns its configured queues whatever the arguments.
  // - MACHINE_ROOM: never fails; empty when `current_client_id` is not among `all_client_ids`.
  // `group` is used only in that log line.
  virtual Result<std::vector<MessageQueue>> Allocate(
      const std::string& group, const std::string& current_client_id,
      const std::vector<MessageQueue>& all_queues,
      const std::vector<std::string>& all_client_ids) const = 0;
};

// "AVG" (AllocateMessageQueueAveragely): contiguous ranges. With Q queues over C consumers, the
// consumer at index i of `all_client_ids` takes a run of Q/C queues, one more for the first Q%C
// consumers, runs laid out in client order: 8 queues over 3 consumers give [0,1,2] [3,4,5] [6,7].
// With Q <= C, consumer i takes queue i alone and the last C-Q take nothing. The default.
std::shared_ptr<AllocateStrategy> AllocateAveragely();

// "AVG_BY_CIRCLE" (AllocateMessageQueueAveragelyByCircle): round robin. Consumer i takes queues
// i, i+C, i+2C, ...: 8 queues over 3 consumers give [0,3,6] [1,4,7] [2,5].
std::shared_ptr<AllocateStrategy> AllocateAveragelyByCircle();

// "CONSISTENT_HASH" (AllocateMessageQueueConsistentHash): a hash ring where each client id has
// `virtual_nodes` points (Java's default: 10); a queue goes to the client of the first point at or
// after its own hash, wrapping around. Adding or removing a consumer moves only the queues next
// to its points. The hash is Java's default: the first 4 bytes of the MD5 of the UTF-8 text, read
// as an unsigned big-endian 32-bit number; a client's points hash "<client id>-<n>" for n = 0 ..
// virtual_nodes-1 and a queue hashes MessageQueue::ToString() ("MessageQueue [topic=T,
// brokerName=B, queueId=N]"), so an Orbit consumer agrees with Java consumers of its group.
// With virtual_nodes == 0 the ring is empty and no consumer gets any queue (as in Java); a
// negative count (which Java refuses when the strategy is made) makes every Allocate fail with
// kInvalidArgument.
std::shared_ptr<AllocateStrategy> AllocateConsistentHash(int virtual_nodes = 10);

// "CONFIG" (AllocateMessageQueueByConfig): always the given queues, whatever the group, client or
// queues of the topic; for a consumer pinned to fixed queues.
std::shared_ptr<AllocateStrategy> AllocateByConfig(std::vector<MessageQueue> queues);

// "MACHINE_ROOM" (AllocateMessageQueueByMachineRoom): for brokers named "<idc>@<name>". Keeps
// the queues whose broker name splits on '@' into exactly two parts, as Java's
// String.split("@") does (trailing empty parts dropped, so "idc@name@" counts and "idc@" does
// not), the first part being one of `consumer_idcs`. Of those K queues, consumer i takes the
// contiguous run [i*(K/C), (i+1)*(K/C)) and then, if i < K%C, the queue at (K/C)*C + i.
std::shared_ptr<AllocateStrategy> AllocateByMachineRoom(std::set<std::string> consumer_idcs);

}  // namespace orbit
