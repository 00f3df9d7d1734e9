#include "apps/bench/producer_report.h"

#include <fmt/format.h>

namespace orbit::bench {
namespace {

double MibPerSecond(const ProducerBenchOptions& o, const ProducerOutcome& r) {
  return PerSecond(r.stats.ok_messages, r.seconds) * o.message_size / (1024.0 * 1024.0);
}

}  // namespace

int ProducerExitCode(const StatsSnapshot& s) {
  return s.ok_messages > 0 && s.send_failed == 0 && s.response_failed == 0 ? 0 : 1;
}

std::string NamesrvOf(const ProducerBenchOptions& o) { return NamesrvOrDefault(o.namesrv); }

std::string ProducerHeader(const ProducerBenchOptions& o) {
  return fmt::format(
      "topic: {} threadCount: {} messageSize: {} keyEnable: {} propertySize: {} tagCount: {} "
      "traceEnable: false aclEnable: {} messageQuantity: {}\n"
      "delayEnable: {} delayLevel: {}\n"
      "asyncEnable: {} window: {} batchSize: {} transaction: {} compress: {} duration: {}s "
      "namesrv: {} group: {}\n",
      o.topic, o.threads, o.message_size, o.keys, o.property_size, o.tag_count, o.acl, o.count,
      o.DelayLevel() > 0, o.DelayLevel(), o.async, o.async ? o.window : 0, o.BatchSize(),
      o.transaction,
      o.compress.empty() ? "none" : fmt::format("{}>={}B", o.compress, o.compress_over),
      o.duration_s, NamesrvOf(o), o.group);
}

std::string ProducerReportLine(const ReportWindow& w) {
  const HistogramSnapshot& h = w.window.latency;
  return fmt::format(
      "Current Time: {} Send TPS: {:.0f} Max RT(ms): {:.3f} Average RT(ms): {:7.3f} "
      "p50 RT(ms): {:.3f} p99 RT(ms): {:.3f} p999 RT(ms): {:.3f} Send Failed: {} "
      "Response Failed: {}",
      WallClockString(), PerSecond(w.window.ok_messages, w.window_seconds), MaxMs(h),
      UsToMs(h.MeanUs()), QuantileMs(h, 0.5), QuantileMs(h, 0.99), QuantileMs(h, 0.999),
      w.total.send_failed, w.total.response_failed);
}

std::string ProducerProgressLine(const ReportWindow& w, bool async) {
  const HistogramSnapshot& h = w.window.latency;
  std::string line = fmt::format(
      "[{:6.0f}s] sent {:>10}  {:>8.0f} msg/s  avg {:7.3f} ms  p99 {:7.3f} ms  max {:7.3f} ms  "
      "failed {}/{}",
      w.elapsed_seconds, w.total.ok_messages, PerSecond(w.window.ok_messages, w.window_seconds),
      UsToMs(h.MeanUs()), QuantileMs(h, 0.99), MaxMs(h), w.total.send_failed,
      w.total.response_failed);
  if (async) line += fmt::format("  in-flight {}", w.window.in_flight);
  return line;
}

void PrintProducerText(std::FILE* out, const ProducerBenchOptions& o, const ProducerOutcome& r) {
  const StatsSnapshot& s = r.stats;
  const HistogramSnapshot& h = s.latency;
  std::string text = fmt::format(
      "[Complete] Send Total: {} Send TPS: {:.0f} Max RT(ms): {:.3f} Average RT(ms): {:7.3f} "
      "Send Failed: {} Response Failed: {}\n",
      s.ok_messages + s.send_failed + s.response_failed, PerSecond(s.ok_messages, r.seconds),
      MaxMs(h), UsToMs(h.MeanUs()), s.send_failed, s.response_failed);
  text += fmt::format(
      "Latency RT(ms): p50 {:.3f} p90 {:.3f} p99 {:.3f} p999 {:.3f} max {:.3f}; {} messages in {} "
      "requests, {:.3f} s, {:.2f} MiB/s of bodies; stopped by {}\n",
      QuantileMs(h, 0.5), QuantileMs(h, 0.9), QuantileMs(h, 0.99), QuantileMs(h, 0.999), MaxMs(h),
      s.ok_messages, s.ok_requests, r.seconds, MibPerSecond(o, r), StopReasonName(r.reason));
  if (s.not_send_ok > 0) {
    text += fmt::format("{} messages stored with a flush or slave problem (not SEND_OK){}\n",
                        s.not_send_ok, o.transaction ? ", so rolled back" : "");
  }
  std::fputs(text.c_str(), out);
  std::fflush(out);
}

void PrintProducerJson(const ProducerBenchOptions& o, const ProducerOutcome& r) {
  const StatsSnapshot& s = r.stats;
  const HistogramSnapshot& h = s.latency;
  JsonWriter j;
  j.BeginObject()
      .Field("mode", "producer")
      .Field("send_tps", PerSecond(s.ok_messages, r.seconds), 1)
      .Field("sent", s.ok_messages)
      .Field("send_failed", s.send_failed)
      .Field("response_failed", s.response_failed)
      .Field("not_send_ok", s.not_send_ok)
      .Field("requests", s.ok_requests)
      .Field("duration_s", r.seconds)
      .Field("mib_per_s", MibPerSecond(o, r));
  j.BeginObject("latency_ms")
      .Field("avg", UsToMs(h.MeanUs()))
      .Field("p50", QuantileMs(h, 0.5))
      .Field("p90", QuantileMs(h, 0.9))
      .Field("p99", QuantileMs(h, 0.99))
      .Field("p999", QuantileMs(h, 0.999))
      .Field("max", MaxMs(h))
      .EndObject();
  j.Field("stopped_by", StopReasonName(r.reason)).Field("exit_code", r.exit_code);
  if (!r.first_error.empty()) j.Field("first_error", r.first_error);
  j.BeginObject("config")
      .Field("namesrv", NamesrvOf(o))
      .Field("topic", o.topic)
      .Field("group", o.group)
      .Field("threads", o.threads)
      .Field("message_size", o.message_size)
      .Field("async", o.async)
      .Field("window", o.async ? o.window : 0)
      .Field("batch", o.BatchSize())
      .Field("transaction", o.transaction)
      .Field("keys", o.keys)
      .Field("tag_count", o.tag_count)
      .Field("property_size", o.property_size)
      .Field("delay_level", o.DelayLevel())
      .Field("compress", o.compress.empty() ? "none" : o.compress)
      .Field("compress_over", o.compress_over)
      .Field("count", o.count)
      .Field("duration_s", o.duration_s)
      .Field("send_timeout_ms", o.send_timeout_ms)
      .EndObject();
  j.EndObject();
  std::printf("%s\n", j.str().c_str());
  std::fflush(stdout);
}

}  // namespace orbit::bench
