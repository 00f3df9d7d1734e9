#pragma once

// Where a producer may send a topic's messages: the publish queue list built from the topic's
// route (nameserver.md §5), the per-thread round robin that picks one queue per send
// (producer.md §3.3), and the route of TBW102 clamped for auto-created topics (nameserver.md §7).
//
// A TopicPublishInfo is immutable once built and shared (shared_ptr<const>) between the route
// refresher and every sending thread; only its round-robin counters change, and those are
// per thread, so no lock is needed anywhere here.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orbit/message.h"
#include "protocol/bodies_route.h"

namespace orbit::client {

// A counter per (object, thread) that starts at a random value, as RocketMQ's ThreadLocalIndex:
// concurrent senders spread over the queues without sharing a cache line, and each thread still
// walks the queues in order. Thread-safe; not copyable (a copy would share the counters).
class ThreadLocalIndex {
 public:
  ThreadLocalIndex();
  ThreadLocalIndex(const ThreadLocalIndex&) = delete;
  ThreadLocalIndex& operator=(const ThreadLocalIndex&) = delete;

  // The calling thread's next value, in [0, 2^31): the counter is a 32-bit int that wraps, and
  // the sign bit is masked off.
  uint32_t IncrementAndGet() const;

 private:
  uint64_t id_;  // unique for the process's lifetime; keys the per-thread tables
};

class TopicPublishInfo {
 public:
  // The publish queue list of `topic` from its route. With an orderTopicConf
  // ("broker-a:4;broker-b:4"): queues 0..n-1 of each listed broker, in the listed order (entries
  // that are not "name:int" are skipped). Otherwise the queue datas sorted by broker name; for
  // each writable one whose broker has a master (id 0) in the route, queues
  // 0..writeQueueNums-1. The route is kept (with its queue datas sorted in the second case).
  static std::shared_ptr<const TopicPublishInfo> FromRoute(const std::string& topic,
                                                           const protocol::TopicRouteData& route);

  TopicPublishInfo(const TopicPublishInfo&) = delete;
  TopicPublishInfo& operator=(const TopicPublishInfo&) = delete;

  // At least one queue to send to.
  bool ok() const { return !queues_.empty(); }
  // The queues came from an orderTopicConf.
  bool order_topic() const { return order_topic_; }
  const std::string& topic() const { return topic_; }
  const std::vector<MessageQueue>& queues() const { return queues_; }
  const protocol::TopicRouteData& route() const { return route_; }

  // The next queue of the calling thread's round robin. With a non-empty `last_broker` (a
  // retry), up to size() successive queues are tried for one on another broker; when every
  // queue is on `last_broker`, the plain next queue. REQUIRES: ok().
  const MessageQueue& SelectOneMessageQueue(std::string_view last_broker = {}) const;
  // The calling thread's round-robin counter, advanced: the value the next plain selection
  // would start from is this plus one (used by the fault strategy).
  uint32_t NextIndex() const { return index_.IncrementAndGet(); }

  // writeQueueNums of the first queue data of `broker_name` in the route (writable or not), or
  // -1 when the route has none.
  int32_t WriteQueueNumsOf(std::string_view broker_name) const;
  // Master address (id 0) of `broker_name` in the route, or "".
  std::string FindBrokerMaster(std::string_view broker_name) const;

  // The position of round-robin value `index` in a list of n > 0 queues, with the Java client's
  // arithmetic: abs(index as int32) % n, and 0 for INT32_MIN (whose abs is negative in Java).
  static size_t PositionOf(uint32_t index, size_t n);

 private:
  TopicPublishInfo() = default;

  std::string topic_;
  bool order_topic_ = false;
  std::vector<MessageQueue> queues_;
  protocol::TopicRouteData route_;
  ThreadLocalIndex index_;
};

// The route of TBW102 as used for a topic the name servers do not know (auto-creation on the
// first send): every queue data gets read and write queue numbers
// min(default_queue_nums, readQueueNums), as the Java client does (note: the write count is
// derived from the read count, even when that raises it).
protocol::TopicRouteData ClampDefaultTopicRoute(protocol::TopicRouteData route,
                                                int32_t default_queue_nums);

}  // namespace orbit::client
