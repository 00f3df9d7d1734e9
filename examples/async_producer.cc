// Async send, both ways: with a callback (runs on the producer's callback thread) and with a
// future. SendAsync returns at once; the result arrives later.
//   async_producer -n 127.0.0.1:9876 -t TopicTest

#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <string>

#include "example_args.h"
#include "orbit/producer.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code)) return code;

  orbit::ProducerConfig config;
  config.group = "example_async_producer";
  config.namesrv_addr = args.namesrv;
  orbit::Producer producer(config);
  if (orbit::Status st = producer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }

  // 1. Callbacks: count the answers, and wait for all of them.
  constexpr int kMessages = 4;
  std::mutex mu;
  std::condition_variable done;
  int answered = 0;
  int failures = 0;
  for (int i = 0; i < kMessages; ++i) {
    orbit::Message message(args.topic, "TagAsync", "Hello async " + std::to_string(i));
    std::printf("send (callback): topic=%s body=\"%s\"\n", args.topic.c_str(),
                message.body().c_str());
    orbit::Status st = producer.SendAsync(message, [&, i](orbit::Result<orbit::SendResult> sent) {
      std::lock_guard lock(mu);
      if (sent.ok()) {
        std::printf("callback %d: %s\n", i, sent->ToString().c_str());
      } else {
        std::fprintf(stderr, "callback %d failed: %s\n", i, sent.status().ToString().c_str());
        ++failures;
      }
      ++answered;
      done.notify_one();
    });
    if (!st.ok()) {  // the callback will not run
      std::fprintf(stderr, "send %d refused: %s\n", i, st.ToString().c_str());
      std::lock_guard lock(mu);
      ++failures;
      ++answered;
    }
  }
  {
    std::unique_lock lock(mu);
    done.wait(lock, [&] { return answered == kMessages; });
  }

  // 2. A future.
  orbit::Message message(args.topic, "TagAsync", "Hello future");
  std::printf("send (future): topic=%s body=\"%s\"\n", args.topic.c_str(), message.body().c_str());
  std::future<orbit::Result<orbit::SendResult>> future = producer.SendAsync(message);
  orbit::Result<orbit::SendResult> sent = future.get();
  if (sent.ok()) {
    std::printf("future: %s\n", sent->ToString().c_str());
  } else {
    std::fprintf(stderr, "future failed: %s\n", sent.status().ToString().c_str());
    ++failures;
  }

  producer.Shutdown();
  return failures == 0 ? 0 : 1;
}
