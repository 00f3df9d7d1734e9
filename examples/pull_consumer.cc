// Pull consumer: the application picks the queues and offsets and pulls itself. Here every queue
// of the topic, round after round, from the group's stored offset; the consumer keeps the new
// offsets in memory and stores them on the brokers (every 5 s and at shutdown). A second run of
// the same group goes on where this one stopped.
//   pull_consumer -n 127.0.0.1:9876 -t TopicTest -c 3 -w 30

#include "orbit/pull_consumer.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "example_args.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code, /*consumer=*/true)) return code;

  orbit::PullConsumerConfig config;
  config.group = "example_pull_consumer";
  config.namesrv_addr = args.namesrv;
  orbit::PullConsumer consumer(config);
  if (orbit::Status st = consumer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }
  auto queues = consumer.FetchSubscribeMessageQueues(args.topic);
  if (!queues.ok()) {
    std::fprintf(stderr, "no queues for %s: %s\n", args.topic.c_str(),
                 queues.status().ToString().c_str());
    consumer.Shutdown();
    return 1;
  }

  // Where each queue starts: the group's stored offset, or (a new group) the queue's first.
  std::map<orbit::MessageQueue, int64_t> next;
  for (const orbit::MessageQueue& mq : *queues) {
    int64_t offset = consumer.FetchConsumeOffset(mq, /*from_store=*/true).value_or(-1);
    if (offset < 0) offset = consumer.MinOffset(mq).value_or(0);
    next[mq] = offset;
    std::printf("queue %s: starting at offset %lld\n", mq.ToString().c_str(),
                static_cast<long long>(offset));
  }
  std::printf("pulling %zu queues of %s as group %s: waiting for %d messages, at most %d s\n",
              next.size(), args.topic.c_str(), config.group.c_str(), args.count, args.wait_seconds);

  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(args.wait_seconds);
  int received = 0;
  int failures = 0;
  while (received < args.count && std::chrono::steady_clock::now() < give_up) {
    bool found = false;
    for (auto& [mq, offset] : next) {
      // Pull answers at once; PullBlockIfNotFound would wait on an empty queue (long polling).
      auto pulled = consumer.Pull(mq, "*", offset, 32);
      if (!pulled.ok()) {
        std::fprintf(stderr, "pull %s failed: %s\n", mq.ToString().c_str(),
                     pulled.status().ToString().c_str());
        ++failures;
        continue;
      }
      for (const orbit::MessageExt& m : pulled->messages) {
        std::printf("received: queue=%s/%d offset=%lld msg_id=%s body=\"%s\"\n",
                    m.broker_name.c_str(), m.queue_id, static_cast<long long>(m.queue_offset),
                    m.msg_id.c_str(), m.body().c_str());
        ++received;
      }
      found = found || !pulled->messages.empty();
      if (pulled->next_begin_offset != offset) {
        // FOUND, NO_MATCHED_MSG and OFFSET_ILLEGAL all say where to go on from.
        offset = pulled->next_begin_offset;
        (void)consumer.UpdateConsumeOffset(mq, offset);
      }
    }
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Stores the offsets kept in memory on the brokers.
  consumer.Shutdown();
  for (const auto& [mq, offset] : next) {
    std::printf("next offset %lld for %s\n", static_cast<long long>(offset), mq.ToString().c_str());
  }
  if (received < args.count) {
    std::fprintf(stderr, "timed out after %d s: %d of %d messages (%d failed pulls)\n",
                 args.wait_seconds, received, args.count, failures);
    return 1;
  }
  std::printf("consumed %d messages\n", received);
  return 0;
}
