// The flags of `orbit-bench producer`. Apache's short and long names where Apache has them
// (-n -t -w -s -k -l -p -q -d -e -y -a -m, BatchProducer's -b); its boolean flags take an
// optional value ("-k", "-k true", "-k false").

#include "apps/bench/cli_flags.h"
#include "apps/bench/producer_bench.h"

namespace orbit::bench {

CLI::App* AddProducerCommand(CLI::App& app, ProducerBenchOptions* o) {
  CLI::App* cmd =
      app.add_subcommand("producer",
                         "Send messages as fast as possible and report TPS and latency (Apache's "
                         "benchmark Producer)");
  cmd->add_option("-n,--namesrvAddr", o->namesrv,
                  "name servers, e.g. 127.0.0.1:9876;10.0.0.2:9876 (default: $NAMESRV_ADDR, "
                  "else 127.0.0.1:9876)");
  cmd->add_option("-t,--topic", o->topic, "topic (must exist or be auto-created by the broker)")
      ->capture_default_str();
  cmd->add_option("--group", o->group, "producer group")->capture_default_str();
  cmd->add_option("-w,--threadCount", o->threads, "sender threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("-s,--messageSize", o->message_size, "body size in bytes")
      ->capture_default_str()
      ->check(CLI::Range(1, 4 * 1024 * 1024));
  AddApacheBool(cmd, "-k,--keyEnable", &o->keys,
                "set KEYS (the send time in seconds) on every message");
  cmd->add_option("-l,--tagCount", o->tag_count, "tags tag0..tagN-1 in turn (0: no tag)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("-p,--propertySize", o->property_size, "bytes of user properties per message")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024 * 1024));
  cmd->add_option("-q,--messageQuantity,--count", o->count,
                  "stop after this many messages in total, sent or failed (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000'000'000}));
  cmd->add_option("--duration", o->duration_s, "stop after this many seconds (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 365.0 * 24 * 3600));
  AddApacheBool(cmd, "-d,--delayEnable", &o->delay_enable, "send delayed messages (level: -e)");
  cmd->add_option("-e,--delayLevel", o->delay_level, "delay level with -d")
      ->capture_default_str()
      ->check(CLI::Range(1, 255));
  cmd->add_option("--delay", o->delay, "delay level of every message (same as -d -e LEVEL)")
      ->check(CLI::Range(1, 255));
  AddApacheBool(cmd, "-y,--asyncEnable,--async", &o->async, "pipelined async sends (see --window)");
  cmd->add_option("--window", o->window, "async sends in flight per sender thread, at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("-b,--batchSize,--batch", o->batch,
                  "messages per batch send (0 or 1: single messages; sync only)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--compress", o->compress, "compress bodies: zlib, lz4 or zstd")
      ->check(CLI::IsMember({"zlib", "lz4", "zstd"}));
  cmd->add_option("--compress-over", o->compress_over,
                  "with --compress: compress bodies of at least this many bytes")
      ->capture_default_str()
      ->check(CLI::Range(0, 64 * 1024 * 1024));
  cmd->add_option("--compress-level", o->compress_level, "with --compress: the codec's level")
      ->capture_default_str()
      ->check(CLI::Range(-5, 22));
  AddApacheBool(cmd, "-a,--aclEnable", &o->acl,
                "sign requests with ACL 1.0 (--accessKey/--secretKey)");
  cmd->add_option("--accessKey", o->access_key, "ACL access key")->capture_default_str();
  cmd->add_option("--secretKey", o->secret_key, "ACL secret key")->capture_default_str();
  AddApacheBool(cmd, "-m,--msgTraceEnable", &o->trace, "message trace (not supported yet)");
  cmd->add_flag("--transaction", o->transaction,
                "transactional sends: each message in its own transaction, committed (Apache's "
                "benchmark TransactionProducer; sync single messages only)");
  cmd->add_option("--send-timeout", o->send_timeout_ms,
                  "budget of one send in ms, retries included")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3600} * 1000));
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
      "Exit code: 0 = at least one message sent and none failed; 1 = a send failed, nothing "
      "was sent or the producer did not start; 2 = bad or unsupported flags.\n"
      "The topic is not created: it must exist, or the broker must auto-create it.");
  return cmd;
}

Status ValidateProducerOptions(const ProducerBenchOptions& o) {
  if (o.trace) return Unsupported("-m/--msgTraceEnable (message trace) is not supported yet");
  if (o.async && o.batch > 1) {
    return Unsupported("--async with --batch: the client has no async batch send");
  }
  // SendMessageInTransaction is sync and sends one message.
  if (o.transaction && o.async) {
    return Unsupported("--transaction with --async: transactional sends are sync only");
  }
  if (o.transaction && o.batch > 1) {
    return Unsupported("--transaction with --batch: a transaction holds a single message");
  }
  // The client would clear the level silently, and the run would measure something else.
  if (o.transaction && o.DelayLevel() > 0) {
    return InvalidArgument(
        "--transaction with a delay level: transactional messages cannot be delayed");
  }
  if (o.batch > 1 && o.DelayLevel() > 0) {
    return InvalidArgument("--batch with a delay level: batches cannot carry delay levels");
  }
  if (o.topic.empty()) return InvalidArgument("-t/--topic is empty");
  if (o.group.empty()) return InvalidArgument("--group is empty");
  return Status::Ok();
}

}  // namespace orbit::bench
