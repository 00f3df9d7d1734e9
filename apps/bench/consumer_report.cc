#include "apps/bench/consumer_report.h"

#include <fmt/format.h>

namespace orbit::bench {
namespace {

// avg, p50, p90, p99, p999 and max of one latency distribution, as a JSON object.
void LatencyJson(JsonWriter& j, std::string_view key, const HistogramSnapshot& h) {
  j.BeginObject(key)
      .Field("avg", UsToMs(h.MeanUs()))
      .Field("p50", QuantileMs(h, 0.5))
      .Field("p90", QuantileMs(h, 0.9))
      .Field("p99", QuantileMs(h, 0.99))
      .Field("p999", QuantileMs(h, 0.999))
      .Field("max", MaxMs(h))
      .EndObject();
}

std::string LatencyText(const char* name, const HistogramSnapshot& h) {
  return fmt::format(
      "{} RT(ms): avg {:.3f} p50 {:.3f} p90 {:.3f} p99 {:.3f} p999 {:.3f} max {:.3f}\n", name,
      UsToMs(h.MeanUs()), QuantileMs(h, 0.5), QuantileMs(h, 0.9), QuantileMs(h, 0.99),
      QuantileMs(h, 0.999), MaxMs(h));
}

double ConsumeTps(const ConsumerOutcome& r) { return PerSecond(r.measured, r.consume_seconds); }

}  // namespace

int ConsumerExitCode(const ConsumerBenchOptions& o, StopReason reason) {
  if (reason == StopReason::kCount) return 0;
  if (o.count > 0) return 1;
  return reason == StopReason::kDuration || reason == StopReason::kSignal ? 0 : 1;
}

std::string ConsumerHeader(const ConsumerBenchOptions& o) {
  return fmt::format(
      "topic: {}, threadCount {}, group: {}, expression: {}, msgTraceEnable: false, aclEnable: "
      "{}\n"
      "batch: {} pullBatch: {} from: {} orderly: {} broadcast: {} messageQuantity: {} "
      "duration: {}s namesrv: {}\n",
      o.topic, o.threads, o.group, o.expression, o.acl, o.batch, o.pull_batch, o.from, o.orderly,
      o.broadcast, o.count, o.duration_s, NamesrvOrDefault(o.namesrv));
}

std::string ConsumerReportLine(const ReportWindow& w) {
  const HistogramSnapshot& s2c = w.window.latency;
  const HistogramSnapshot& b2c = w.window.second_latency;
  return fmt::format(
      "Current Time: {} Consume TPS: {:.0f} AVG(B2C) RT(ms): {:7.3f} AVG(S2C) RT(ms): {:7.3f} "
      "MAX(B2C) RT(ms): {:.3f} MAX(S2C) RT(ms): {:.3f} p50(B2C) RT(ms): {:.3f} "
      "p99(B2C) RT(ms): {:.3f} p999(B2C) RT(ms): {:.3f} p50(S2C) RT(ms): {:.3f} "
      "p99(S2C) RT(ms): {:.3f} p999(S2C) RT(ms): {:.3f}",
      WallClockString(), PerSecond(w.window.ok_messages, w.window_seconds), UsToMs(b2c.MeanUs()),
      UsToMs(s2c.MeanUs()), MaxMs(b2c), MaxMs(s2c), QuantileMs(b2c, 0.5), QuantileMs(b2c, 0.99),
      QuantileMs(b2c, 0.999), QuantileMs(s2c, 0.5), QuantileMs(s2c, 0.99), QuantileMs(s2c, 0.999));
}

std::string ConsumerProgressLine(const ReportWindow& w) {
  const HistogramSnapshot& s2c = w.window.latency;
  const HistogramSnapshot& b2c = w.window.second_latency;
  return fmt::format(
      "[{:6.0f}s] consumed {:>10}  {:>8.0f} msg/s  S2C avg {:7.3f} p99 {:7.3f} ms  B2C avg "
      "{:7.3f} p99 {:7.3f} max {:7.3f} ms",
      w.elapsed_seconds, w.total.ok_messages, PerSecond(w.window.ok_messages, w.window_seconds),
      UsToMs(s2c.MeanUs()), QuantileMs(s2c, 0.99), UsToMs(b2c.MeanUs()), QuantileMs(b2c, 0.99),
      MaxMs(b2c));
}

void PrintConsumerText(std::FILE* out, const ConsumerBenchOptions& /*o*/,
                       const ConsumerOutcome& r) {
  const StatsSnapshot& s = r.stats;
  std::string text = fmt::format(
      "[Complete] Consume Total: {} Consume TPS: {:.0f} AVG(B2C) RT(ms): {:7.3f} AVG(S2C) RT(ms): "
      "{:7.3f} MAX(B2C) RT(ms): {:.3f} MAX(S2C) RT(ms): {:.3f}\n",
      s.ok_messages, ConsumeTps(r), UsToMs(s.second_latency.MeanUs()), UsToMs(s.latency.MeanUs()),
      MaxMs(s.second_latency), MaxMs(s.latency));
  text += LatencyText("Born to consume", s.second_latency);
  text += LatencyText("Store to consume", s.latency);
  const std::string timing =
      r.first_message_s < 0
          ? fmt::format("no message came in {:.3f} s", r.seconds)
          : fmt::format(
                "{:.3f} s from the first message ({:.3f} s after the start), {:.3f} s in all",
                r.consume_seconds, r.first_message_s, r.seconds);
  text += fmt::format(
      "{} messages in {} listener calls; {}; {} more while shutting down; stopped by {}\n",
      s.ok_messages, s.ok_requests, timing, r.consumed_after_stop, StopReasonName(r.reason));
  std::fputs(text.c_str(), out);
  std::fflush(out);
}

void PrintConsumerJson(const ConsumerBenchOptions& o, const ConsumerOutcome& r) {
  const StatsSnapshot& s = r.stats;
  JsonWriter j;
  j.BeginObject()
      .Field("mode", "consumer")
      .Field("consume_tps", ConsumeTps(r), 1)
      .Field("consumed", s.ok_messages)
      .Field("consumed_after_stop", r.consumed_after_stop)
      .Field("listener_calls", s.ok_requests)
      .Field("duration_s", r.seconds)
      .Field("consume_s", r.consume_seconds)
      .Field("first_message_s", r.first_message_s);
  LatencyJson(j, "store_to_consume_ms", s.latency);
  LatencyJson(j, "born_to_consume_ms", s.second_latency);
  j.Field("stopped_by", StopReasonName(r.reason)).Field("exit_code", r.exit_code);
  if (!r.error.empty()) j.Field("error", r.error);
  j.BeginObject("config")
      .Field("namesrv", NamesrvOrDefault(o.namesrv))
      .Field("topic", o.topic)
      .Field("group", o.group)
      .Field("expression", o.expression)
      .Field("threads", o.threads)
      .Field("batch", o.batch)
      .Field("pull_batch", o.pull_batch)
      .Field("from", o.from)
      .Field("orderly", o.orderly)
      .Field("broadcast", o.broadcast)
      .Field("count", o.count)
      .Field("duration_s", o.duration_s)
      .EndObject();
  j.EndObject();
  std::printf("%s\n", j.str().c_str());
  std::fflush(stdout);
}

}  // namespace orbit::bench
