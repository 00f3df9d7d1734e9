// The flags of `orbit-bench consumer`. Apache's short and long names where Apache has them
// (-n -t -w -g -p -e -m -a); the limits and the output flags are spelt as the producer's.
// Differences from Apache: -e is the tag expression itself (Apache reads it from a file named by
// -e, with -f TAG|SQL92), and -g is used as given unless -p asks for the suffix.

#include "apps/bench/cli_flags.h"
#include "apps/bench/consumer_bench.h"

namespace orbit::bench {

CLI::App* AddConsumerCommand(CLI::App& app, ConsumerBenchOptions* o) {
  CLI::App* cmd = app.add_subcommand(
      "consumer",
      "Consume messages as fast as possible and report TPS and end-to-end latency (Apache's "
      "benchmark Consumer)");
  cmd->add_option("-n,--namesrvAddr", o->namesrv,
                  "name servers, e.g. 127.0.0.1:9876;10.0.0.2:9876 (default: $NAMESRV_ADDR, "
                  "else 127.0.0.1:9876)");
  cmd->add_option("-t,--topic", o->topic, "topic (must exist)")->capture_default_str();
  cmd->add_option("-g,--group", o->group,
                  "consumer group (default: benchmark_consumer_<pid>_<random>, a new group per "
                  "run)");
  AddApacheBool(cmd, "-p,--suffixEnable", &o->group_suffix,
                "append _<pid>_<random> to -g, as Apache does by default");
  cmd->add_option("-e,--expression", o->expression,
                  "tag expression: *, TagA or TagA || TagB (SQL92 is not supported)")
      ->capture_default_str();
  cmd->add_option("-w,--threadCount,--threads", o->threads,
                  "consume threads (consume_thread_min and _max)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--batch", o->batch,
                  "messages per listener call, at most (consume_message_batch_max_size)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--pull-batch", o->pull_batch, "messages per pull, at most (pull_batch_size)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--from", o->from,
                  "where a new group starts: last (the queues' ends, as Apache; a broker still "
                  "starts a new group at 0 while a queue's first message is in memory) or first "
                  "(the oldest message stored: drains a backlog)")
      ->capture_default_str()
      ->check(CLI::IsMember({"first", "last"}));
  cmd->add_flag("--orderly", o->orderly,
                "orderly listener: one thread per queue at a time, in queue order");
  cmd->add_flag("--broadcast", o->broadcast,
                "broadcasting: every consumer of the group gets every message (offsets in "
                "$HOME/.rocketmq_offsets)");
  cmd->add_option("-q,--messageQuantity,--count", o->count,
                  "stop with exit code 0 once this many messages were consumed (0: no limit); "
                  "with --duration, exit code 1 if the time ends first")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000'000'000}));
  cmd->add_option("--duration", o->duration_s, "stop after this many seconds (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 365.0 * 24 * 3600));
  AddApacheBool(cmd, "-a,--aclEnable", &o->acl,
                "sign requests with ACL 1.0 (--accessKey/--secretKey)");
  cmd->add_option("--accessKey", o->access_key, "ACL access key")->capture_default_str();
  cmd->add_option("--secretKey", o->secret_key, "ACL secret key")->capture_default_str();
  AddApacheBool(cmd, "-m,--msgTraceEnable", &o->trace, "message trace (not supported yet)");
  cmd->add_flag("--json", o->json,
                "print the summary as one JSON object on stdout (everything else on stderr)");
  cmd->add_option("--report-interval", o->report_interval_s,
                  "seconds between report lines (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  cmd->add_flag("--no-progress", o->no_progress, "no per-second progress line");
  cmd->add_option("--log-level", o->log_level, "client log level on stderr")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  cmd->footer(
      "Exit code: 0 = stopped by --count, or by --duration or a signal when no --count was "
      "given; 1 = --count not reached, or the consumer did not start; 2 = bad or unsupported "
      "flags.\n"
      "The topic is not created: it must exist. A group that consumed before goes on from its "
      "stored offsets, whatever --from says.");
  return cmd;
}

Status ValidateConsumerOptions(const ConsumerBenchOptions& o) {
  if (o.trace) return Unsupported("-m/--msgTraceEnable (message trace) is not supported yet");
  if (o.topic.empty()) return InvalidArgument("-t/--topic is empty");
  if (o.expression.empty()) return InvalidArgument("-e/--expression is empty");
  // PushConsumer refuses these at Start(); said here, they exit with 2 like other bad flags.
  if (o.group == "DEFAULT_CONSUMER") {
    return InvalidArgument("-g/--group cannot be DEFAULT_CONSUMER");
  }
  for (char c : o.group) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '%' || c == '|';
    if (!ok) return InvalidArgument("-g/--group: only letters, digits, %, |, _ and - are allowed");
  }
  return Status::Ok();
}

std::string ConsumerGroupOf(const ConsumerBenchOptions& o, const std::string& suffix) {
  if (o.group.empty()) return std::string(kDefaultConsumerGroupPrefix) + "_" + suffix;
  return o.group_suffix ? o.group + "_" + suffix : o.group;
}

}  // namespace orbit::bench
