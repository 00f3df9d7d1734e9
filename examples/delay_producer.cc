// Delayed send: the broker parks the message and delivers it to consumers after the delay of its
// level (the broker's messageDelayLevel, by default 1s 5s 10s 30s 1m 2m ... 2h). The send itself
// returns at once.
//   delay_producer -n 127.0.0.1:9876 -t TopicTest

#include <cstdio>
#include <string>

#include "example_args.h"
#include "orbit/producer.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code)) return code;

  orbit::ProducerConfig config;
  config.group = "example_delay_producer";
  config.namesrv_addr = args.namesrv;
  orbit::Producer producer(config);
  if (orbit::Status st = producer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }

  int failures = 0;
  for (int level : {1, 2, 3}) {  // 1 s, 5 s, 10 s with the default levels
    orbit::Message message(args.topic, "TagDelay", "Hello after level " + std::to_string(level));
    message.set_delay_time_level(level);
    std::printf("send: topic=%s delay_level=%d body=\"%s\"\n", args.topic.c_str(), level,
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
