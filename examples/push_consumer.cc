// Push consumer, clustering (the default): the group's consumers share the topic's queues, each
// message goes to one of them, and the group's offsets live on the brokers. The consumer pulls in
// the background and calls the listener on its consume threads; the listener answers
// kConsumeSuccess, or kReconsumeLater to have the message delivered again later.
//   push_consumer -n 127.0.0.1:9876 -t TopicTest -c 3 -w 30

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "example_args.h"
#include "orbit/consumer.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code, /*consumer=*/true)) return code;

  orbit::PushConsumerConfig config;
  config.group = "example_push_consumer";
  config.namesrv_addr = args.namesrv;
  // A group without stored offsets starts at the first message still stored, so that it also
  // sees what was sent before it started.
  config.consume_from_where = orbit::ConsumeFromWhere::kFirstOffset;
  orbit::PushConsumer consumer(config);
  if (orbit::Status st = consumer.Subscribe(args.topic, "*"); !st.ok()) {
    std::fprintf(stderr, "subscribe failed: %s\n", st.ToString().c_str());
    return 1;
  }

  // Shared with the listener, which runs on the consumer's threads (several at once).
  std::mutex mu;
  std::condition_variable done;
  int received = 0;
  consumer.RegisterListener(
      [&](const std::vector<orbit::MessageExt>& msgs, orbit::ConsumeConcurrentlyContext& context) {
        std::lock_guard<std::mutex> lock(mu);
        for (const orbit::MessageExt& m : msgs) {
          std::printf("received: topic=%s queue=%s/%d offset=%lld msg_id=%s tags=%s body=\"%s\"\n",
                      m.topic().c_str(), context.queue.broker_name.c_str(), m.queue_id,
                      static_cast<long long>(m.queue_offset), m.msg_id.c_str(), m.tags().c_str(),
                      m.body().c_str());
        }
        received += static_cast<int>(msgs.size());
        done.notify_all();
        return orbit::ConsumeConcurrentlyStatus::kConsumeSuccess;
      });

  if (orbit::Status st = consumer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("consuming %s as group %s (clustering): waiting for %d messages, at most %d s\n",
              args.topic.c_str(), config.group.c_str(), args.count, args.wait_seconds);
  std::fflush(stdout);
  bool enough = false;
  {
    std::unique_lock<std::mutex> lock(mu);
    enough = done.wait_for(lock, std::chrono::seconds(args.wait_seconds),
                           [&] { return received >= args.count; });
  }
  // Waits for running listeners and stores the group's offsets on the brokers.
  consumer.Shutdown();
  if (!enough) {
    std::fprintf(stderr, "timed out after %d s: %d of %d messages\n", args.wait_seconds, received,
                 args.count);
    return 1;
  }
  std::printf("consumed %d messages\n", received);
  return 0;
}
