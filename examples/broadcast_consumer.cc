// Broadcasting push consumer: every consumer of the group gets every message of the topic (run
// it twice to see both copies consume the same messages). Offsets are this consumer's own, kept in
// a local file: <dir>/<client id>/<group>/offsets.json, where <dir> is
// $ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR, else $HOME/.rocketmq_offsets. A failed message is not
// sent back in broadcasting: it is dropped.
//   broadcast_consumer -n 127.0.0.1:9876 -t TopicTest -c 3 -w 30

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
  config.group = "example_broadcast_consumer";
  config.namesrv_addr = args.namesrv;
  config.message_model = orbit::MessageModel::kBroadcasting;
  // Without a local offset file, start at the first message still stored.
  config.consume_from_where = orbit::ConsumeFromWhere::kFirstOffset;
  orbit::PushConsumer consumer(config);
  if (orbit::Status st = consumer.Subscribe(args.topic, "*"); !st.ok()) {
    std::fprintf(stderr, "subscribe failed: %s\n", st.ToString().c_str());
    return 1;
  }

  std::mutex mu;
  std::condition_variable done;
  int received = 0;
  consumer.RegisterListener(
      [&](const std::vector<orbit::MessageExt>& msgs, orbit::ConsumeConcurrentlyContext&) {
        std::lock_guard<std::mutex> lock(mu);
        for (const orbit::MessageExt& m : msgs) {
          std::printf("received: topic=%s queue=%d offset=%lld msg_id=%s body=\"%s\"\n",
                      m.topic().c_str(), m.queue_id, static_cast<long long>(m.queue_offset),
                      m.msg_id.c_str(), m.body().c_str());
        }
        received += static_cast<int>(msgs.size());
        done.notify_all();
        return orbit::ConsumeConcurrentlyStatus::kConsumeSuccess;
      });

  if (orbit::Status st = consumer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf(
      "consuming %s as %s of group %s (broadcasting): waiting for %d messages, at most %d s\n",
      args.topic.c_str(), consumer.client_id().c_str(), config.group.c_str(), args.count,
      args.wait_seconds);
  std::fflush(stdout);
  bool enough = false;
  {
    std::unique_lock<std::mutex> lock(mu);
    enough = done.wait_for(lock, std::chrono::seconds(args.wait_seconds),
                           [&] { return received >= args.count; });
  }
  // Writes this consumer's offsets to its local file.
  consumer.Shutdown();
  if (!enough) {
    std::fprintf(stderr, "timed out after %d s: %d of %d messages\n", args.wait_seconds, received,
                 args.count);
    return 1;
  }
  std::printf("consumed %d messages\n", received);
  return 0;
}
