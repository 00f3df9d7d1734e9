// Lite pull consumer: the consumer pulls the subscribed topic's queues in the background (the
// group's consumers share them, as push consumers do) and the application takes the messages
// with Poll(), like a Kafka consumer. Auto commit is off here: the offsets of what was polled are
// committed with CommitSync() once the messages are handled, so that a crash before the commit
// means they are delivered again, not lost.
//   lite_pull_consumer -n 127.0.0.1:9876 -t TopicTest -c 3 -w 30

#include "orbit/lite_pull_consumer.h"

#include <chrono>
#include <cstdio>
#include <string>

#include "example_args.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code, /*consumer=*/true)) return code;

  orbit::LitePullConsumerConfig config;
  config.group = "example_lite_pull_consumer";
  config.namesrv_addr = args.namesrv;
  config.consume_from_where = orbit::ConsumeFromWhere::kFirstOffset;
  config.auto_commit = false;
  orbit::LitePullConsumer consumer(config);
  if (orbit::Status st = consumer.Subscribe(args.topic, "*"); !st.ok()) {
    std::fprintf(stderr, "subscribe failed: %s\n", st.ToString().c_str());
    return 1;
  }
  if (orbit::Status st = consumer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("polling %s as group %s: waiting for %d messages, at most %d s\n", args.topic.c_str(),
              config.group.c_str(), args.count, args.wait_seconds);

  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(args.wait_seconds);
  int received = 0;
  int failures = 0;
  while (received < args.count && failures == 0 && std::chrono::steady_clock::now() < give_up) {
    // Waits up to 1 s for the next messages (of one queue, in queue order).
    auto msgs = consumer.Poll(1000);
    if (!msgs.ok()) {
      std::fprintf(stderr, "poll failed: %s\n", msgs.status().ToString().c_str());
      ++failures;
      break;
    }
    if (msgs->empty()) continue;
    for (const orbit::MessageExt& m : *msgs) {
      std::printf("received: queue=%s/%d offset=%lld msg_id=%s body=\"%s\"\n",
                  m.broker_name.c_str(), m.queue_id, static_cast<long long>(m.queue_offset),
                  m.msg_id.c_str(), m.body().c_str());
      ++received;
    }
    if (orbit::Status st = consumer.CommitSync(); !st.ok()) {
      std::fprintf(stderr, "commit failed: %s\n", st.ToString().c_str());
      ++failures;
    } else {
      std::printf("committed %zu messages\n", msgs->size());
    }
  }
  consumer.Shutdown();
  if (failures > 0) return 1;
  if (received < args.count) {
    std::fprintf(stderr, "timed out after %d s: %d of %d messages\n", args.wait_seconds, received,
                 args.count);
    return 1;
  }
  std::printf("consumed %d messages\n", received);
  return 0;
}
