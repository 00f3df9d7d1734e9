// Sync send: each Send returns once the broker stored the message (or the send failed after its
// retries).
//   sync_producer -n 127.0.0.1:9876 -t TopicTest

#include <cstdio>
#include <string>

#include "example_args.h"
#include "orbit/producer.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code)) return code;

  orbit::ProducerConfig config;
  config.group = "example_sync_producer";
  config.namesrv_addr = args.namesrv;
  orbit::Producer producer(config);
  if (orbit::Status st = producer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }

  int failures = 0;
  for (int i = 0; i < 3; ++i) {
    orbit::Message message(args.topic, "TagA", "order-" + std::to_string(i),
                           "Hello Orbit " + std::to_string(i));
    std::printf("send: topic=%s tags=TagA body=\"%s\"\n", args.topic.c_str(),
                message.body().c_str());
    auto sent = producer.Send(message);
    if (!sent.ok()) {
      std::fprintf(stderr, "send failed: %s\n", sent.status().ToString().c_str());
      ++failures;
      break;  // the first error ends the example
    }
    std::printf("result: %s\n", sent->ToString().c_str());
  }
  producer.Shutdown();
  return failures == 0 ? 0 : 1;
}
