// Orderly push consumer: each queue is consumed by one thread at a time, in queue order, and is
// locked at the broker so that no other consumer of the group takes it meanwhile. With
// ordered_producer (every step of an order in one queue) each order's steps arrive in the order
// they were sent. A listener answering kSuspendCurrentQueueAMoment gets the same batch again
// later, and the queue waits.
//   ordered_producer -n 127.0.0.1:9876 -t TopicTest
//   orderly_consumer -n 127.0.0.1:9876 -t TopicTest -c 9 -w 30

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "example_args.h"
#include "orbit/consumer.h"

int main(int argc, char** argv) {
  example::Args args;
  args.count = 9;  // what ordered_producer sends: 3 orders of 3 steps
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code, /*consumer=*/true)) return code;

  orbit::PushConsumerConfig config;
  config.group = "example_orderly_consumer";
  config.namesrv_addr = args.namesrv;
  config.consume_from_where = orbit::ConsumeFromWhere::kFirstOffset;
  orbit::PushConsumer consumer(config);
  if (orbit::Status st = consumer.Subscribe(args.topic, "*"); !st.ok()) {
    std::fprintf(stderr, "subscribe failed: %s\n", st.ToString().c_str());
    return 1;
  }

  // Shared with the listener: one thread at a time per queue, but queues run in parallel.
  std::mutex mu;
  std::condition_variable done;
  int received = 0;
  int out_of_order = 0;
  std::map<int, long long> last_offset;                   // per queue id
  std::map<std::string, std::vector<std::string>> steps;  // bodies per key, as received
  consumer.RegisterListener(
      [&](const std::vector<orbit::MessageExt>& msgs, orbit::ConsumeOrderlyContext& context) {
        std::lock_guard<std::mutex> lock(mu);
        for (const orbit::MessageExt& m : msgs) {
          std::printf("received: queue=%s/%d offset=%lld keys=%s body=\"%s\"\n",
                      context.queue.broker_name.c_str(), m.queue_id,
                      static_cast<long long>(m.queue_offset), m.keys().c_str(), m.body().c_str());
          auto [it, first] = last_offset.emplace(m.queue_id, m.queue_offset);
          if (!first) {
            if (m.queue_offset <= it->second) ++out_of_order;
            it->second = m.queue_offset;
          }
          steps[m.keys()].push_back(m.body());
        }
        received += static_cast<int>(msgs.size());
        done.notify_all();
        return orbit::ConsumeOrderlyStatus::kSuccess;
      });

  if (orbit::Status st = consumer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("consuming %s as group %s (orderly): waiting for %d messages, at most %d s\n",
              args.topic.c_str(), config.group.c_str(), args.count, args.wait_seconds);
  std::fflush(stdout);
  bool enough = false;
  {
    std::unique_lock<std::mutex> lock(mu);
    enough = done.wait_for(lock, std::chrono::seconds(args.wait_seconds),
                           [&] { return received >= args.count; });
  }
  // Waits for the listeners, stores the offsets and gives the queue locks back.
  consumer.Shutdown();
  if (!enough) {
    std::fprintf(stderr, "timed out after %d s: %d of %d messages\n", args.wait_seconds, received,
                 args.count);
    return 1;
  }
  for (const auto& [key, bodies] : steps) {
    std::printf("%s:", key.empty() ? "(no key)" : key.c_str());
    for (const std::string& body : bodies) std::printf(" \"%s\"", body.c_str());
    std::printf("\n");
  }
  if (out_of_order > 0) {
    std::fprintf(stderr, "%d messages came out of queue order\n", out_of_order);
    return 1;
  }
  std::printf("consumed %d messages in queue order\n", received);
  return 0;
}
