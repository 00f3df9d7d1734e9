// Batch send: messages of one topic (no delay levels) in one request, stored consecutively in
// one queue. The result carries every message id, joined by ','.
//   batch_producer -n 127.0.0.1:9876 -t TopicTest

#include <cstdio>
#include <string>
#include <vector>

#include "example_args.h"
#include "orbit/producer.h"

int main(int argc, char** argv) {
  example::Args args;
  if (int code = 0; !example::ParseArgs(argc, argv, &args, &code)) return code;

  orbit::ProducerConfig config;
  config.group = "example_batch_producer";
  config.namesrv_addr = args.namesrv;
  orbit::Producer producer(config);
  if (orbit::Status st = producer.Start(); !st.ok()) {
    std::fprintf(stderr, "start failed: %s\n", st.ToString().c_str());
    return 1;
  }

  std::vector<orbit::Message> batch;
  for (int i = 0; i < 4; ++i) {
    batch.emplace_back(args.topic, "TagBatch", "batch-" + std::to_string(i),
                       "Hello batch " + std::to_string(i));
    std::printf("batch[%d]: topic=%s body=\"%s\"\n", i, args.topic.c_str(),
                batch.back().body().c_str());
  }
  std::printf("send: %zu messages in one request\n", batch.size());
  auto sent = producer.Send(batch);
  producer.Shutdown();
  if (!sent.ok()) {
    std::fprintf(stderr, "send failed: %s\n", sent.status().ToString().c_str());
    return 1;
  }
  std::printf("result: %s\n", sent->ToString().c_str());
  return 0;
}
