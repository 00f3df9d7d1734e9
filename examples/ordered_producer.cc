// Ordered send: every step of one order goes to the same queue (SelectQueueByHash on the order
// id), so a consumer of that queue sees the steps in order. Ordered sends are not retried on
// another queue: a failure is the caller's to handle.
//   ordered_producer -n 127.0.0.1:9876 -t TopicTest

#include <cstdio>
#include <map>
#include <string>

#include "example_args.h"
#include "orbit/producer.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code)) return code;

  orbit::ProducerConfig config;
  config.group = "example_ordered_producer";
  config.namesrv_addr = args.namesrv;
  orbit::Producer producer(config);
  if (orbit::Status st = producer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }

  int failures = 0;
  std::map<std::string, orbit::MessageQueue> queue_of_order;
  for (const char* step : {"created", "paid", "shipped"}) {
    for (int order = 0; order < 3; ++order) {
      const std::string order_id = "order-" + std::to_string(order);
      orbit::Message message(args.topic, "TagOrder", order_id, order_id + " " + step);
      std::printf("send: topic=%s key=%s body=\"%s\"\n", args.topic.c_str(), order_id.c_str(),
                  message.body().c_str());
      auto sent = producer.Send(message, orbit::SelectQueueByHash(order_id));
      if (!sent.ok()) {
        std::fprintf(stderr, "send failed: %s\n", sent.status().ToString().c_str());
        ++failures;
        continue;
      }
      std::printf("result: %s\n", sent->ToString().c_str());
      auto [it, first] = queue_of_order.emplace(order_id, sent->queue);
      if (!first && it->second != sent->queue) {
        std::fprintf(stderr, "%s changed queues: %s then %s\n", order_id.c_str(),
                     it->second.ToString().c_str(), sent->queue.ToString().c_str());
        ++failures;
      }
    }
  }
  for (const auto& [order_id, queue] : queue_of_order) {
    std::printf("%s: every step in %s\n", order_id.c_str(), queue.ToString().c_str());
  }
  producer.Shutdown();
  return failures == 0 ? 0 : 1;
}
