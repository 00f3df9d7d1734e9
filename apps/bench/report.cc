#include "apps/bench/report.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <deque>

namespace orbit::bench {

Reporter::Reporter(ReporterOptions options, std::function<StatsSnapshot()> sample,
                   LineFormatter progress, LineFormatter report)
    : options_(options),
      sample_(std::move(sample)),
      progress_(std::move(progress)),
      report_(std::move(report)) {}

Reporter::~Reporter() { Stop(); }

void Reporter::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Reporter::Stop() {
  stop_.Stop(StopReason::kNone);
  if (thread_.joinable()) thread_.join();
  if (progress_drawn_ && options_.tty) Write("\r\x1b[K");
  progress_drawn_ = false;
}

void Reporter::Write(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), options_.out);
  std::fflush(options_.out);
}

void Reporter::Loop() {
  using Clock = std::chrono::steady_clock;
  const StatsSnapshot start = sample_();
  const int interval = options_.report_interval_s;
  // The snapshots of the last `interval` ticks: at tick t, those of t - interval .. t - 1, so that
  // the front one opens the window of a report line.
  std::deque<StatsSnapshot> history{start};
  const size_t keep = static_cast<size_t>(std::max(interval, 1));
  for (int64_t tick = 1;; ++tick) {
    // Ticks are counted from the start, so a slow sample does not make them drift.
    const auto next = start.at + std::chrono::seconds(tick);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    if (stop_.WaitFor(std::max(wait, std::chrono::milliseconds(0)))) return;
    StatsSnapshot now = sample_();
    const double elapsed = std::chrono::duration<double>(now.at - start.at).count();
    const StatsSnapshot& previous = history.back();
    std::string text;
    if (interval > 0 && tick % interval == 0 && history.size() == keep) {
      const StatsSnapshot window = now.Since(history.front());
      const double seconds = std::chrono::duration<double>(now.at - history.front().at).count();
      if (options_.tty && progress_drawn_) text += "\r\x1b[K";
      text += report_(ReportWindow{window, seconds, now, elapsed});
      text += '\n';
      progress_drawn_ = false;
    }
    if (options_.progress) {
      const StatsSnapshot window = now.Since(previous);
      const double seconds = std::chrono::duration<double>(now.at - previous.at).count();
      const std::string line = progress_(ReportWindow{window, seconds, now, elapsed});
      if (options_.tty) {
        text += '\r' + line + "\x1b[K";
        progress_drawn_ = true;
      } else {
        text += line + '\n';
      }
    }
    if (!text.empty()) Write(text);
    history.push_back(std::move(now));
    if (history.size() > keep) history.pop_front();
  }
}

std::string WallClockString() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&secs, &local);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &local);
  return fmt::format("{},{:03d}", buf, static_cast<int>(millis));
}

std::string NamesrvOrDefault(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("NAMESRV_ADDR");
  return env != nullptr && *env != '\0' ? env : "127.0.0.1:9876";
}

void SetupClientLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("orbit-client");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

void JsonWriter::Quoted(std::string_view s) {
  out_ += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out_ += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out_ += c;
        }
    }
  }
  out_ += '"';
}

void JsonWriter::Key(std::string_view key) {
  if (!has_member_.empty()) {
    if (has_member_.back()) out_ += ',';
    has_member_.back() = true;
  }
  if (!key.empty()) {
    Quoted(key);
    out_ += ':';
  }
}

JsonWriter& JsonWriter::BeginObject(std::string_view key) {
  Key(key);
  out_ += '{';
  has_member_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_ += '}';
  has_member_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, std::string_view value) {
  Key(key);
  Quoted(value);
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, int64_t value) {
  Key(key);
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, uint64_t value) {
  Key(key);
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Field(std::string_view key, double value, int decimals) {
  Key(key);
  out_ += fmt::format("{:.{}f}", std::isfinite(value) ? value : 0.0, decimals);
  return *this;
}

}  // namespace orbit::bench
