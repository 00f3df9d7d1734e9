#pragma once

// Send-latency fault tolerance (producer.md §3.4): after each send attempt the producer records
// how long the broker took; a slow or failing broker is avoided for a while, the longer the
// slower it was. Off by default (ProducerConfig::send_latency_fault_enable), as in the Java
// client.
//
// Time is passed in (`now_ms`, milliseconds on any steady clock the caller uses consistently),
// so that tests can move it at will.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"
#include "client/topic_publish_info.h"
#include "orbit/message.h"

namespace orbit::client {

// Brokers to avoid, each until a time. Thread-safe; mu_ is a leaf lock.
class LatencyFaultTolerance {
 public:
  // Records `current_latency_ms` for `broker` and makes it unavailable until
  // now_ms + not_available_ms (replacing what was recorded before).
  void UpdateFaultItem(const std::string& broker, int64_t current_latency_ms,
                       int64_t not_available_ms, int64_t now_ms) ORBIT_EXCLUDES(mu_);
  // True when nothing is recorded for `broker` or its time has come.
  bool IsAvailable(std::string_view broker, int64_t now_ms) const ORBIT_EXCLUDES(mu_);
  void Remove(std::string_view broker) ORBIT_EXCLUDES(mu_);
  // The least bad recorded broker when every queue's broker is to be avoided: the items sorted
  // (available ones first, then lower latency, then earlier end of unavailability; ties in
  // random order), one of the better half taken round robin per thread (the only item when
  // there is one). nullopt when nothing is recorded.
  std::optional<std::string> PickOneAtLeast(int64_t now_ms) ORBIT_EXCLUDES(mu_);

 private:
  struct FaultItem {
    int64_t current_latency_ms = 0;
    int64_t start_timestamp_ms = 0;  // available again from this time on
  };

  mutable Mutex mu_;
  std::map<std::string, FaultItem, std::less<>> items_ ORBIT_GUARDED_BY(mu_);
  ThreadLocalIndex which_item_worst_;
};

// The producer's queue choice with or without latency fault tolerance. The tables are fixed at
// construction; selection and updates may run on any thread.
class FaultStrategy {
 public:
  // latency_max_ms[i] / not_available_duration_ms[i] pairs, latencies ascending (the producer's
  // defaults are Java 4.9's: {50, 100, 550, 1000, 2000, 3000, 15000} ms →
  // {0, 0, 30000, 60000, 120000, 180000, 600000} ms). Only as many pairs as the shorter list
  // holds are used.
  FaultStrategy(bool enabled, std::vector<int64_t> latency_max_ms,
                std::vector<int64_t> not_available_duration_ms);

  bool enabled() const { return enabled_; }

  // Disabled: info.SelectOneMessageQueue(last_broker). Enabled (Java's MQFaultStrategy, which
  // ignores last_broker): the first queue, going round robin from the thread's next position,
  // whose broker is available; else the broker PickOneAtLeast names, when the route gives it
  // writable queue numbers n > 0, as (topic, that broker, next counter value % n) — even when
  // that broker is not in info.queues(); else (a picked broker with no write queues in the
  // route, or absent from it, is dropped from the table) the plain next queue. Returns a copy:
  // info is never changed. REQUIRES: info.ok().
  MessageQueue SelectOneMessageQueue(const TopicPublishInfo& info, std::string_view last_broker,
                                     int64_t now_ms);

  // After each send attempt to `broker`: makes it unavailable for
  // ComputeNotAvailableDuration(isolation ? 30000 : latency_ms), recording latency_ms. The Java
  // client isolates after every failed attempt (transport error, timeout, broker error code,
  // client-side error) and not after a success. No-op when disabled.
  void UpdateFaultItem(const std::string& broker, int64_t latency_ms, bool isolation,
                       int64_t now_ms);

  // not_available_duration_ms[i] for the largest i with latency_ms >= latency_max_ms[i]; 0 when
  // there is none.
  int64_t ComputeNotAvailableDuration(int64_t latency_ms) const;

  LatencyFaultTolerance& fault_tolerance() { return tolerance_; }

 private:
  const bool enabled_;
  const std::vector<int64_t> latency_max_ms_;
  const std::vector<int64_t> not_available_duration_ms_;
  LatencyFaultTolerance tolerance_;
};

}  // namespace orbit::client
