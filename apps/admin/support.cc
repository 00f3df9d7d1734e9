// What the commands of orbit-admin share (see command.h): flags, clients, timestamps, errors and
// the printing of messages.

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "apps/admin/command.h"

namespace orbit::admin {
namespace {

std::string EnvOr(const std::string& value, const char* name) {
  if (!value.empty()) return value;
  const char* env = std::getenv(name);
  return env != nullptr ? env : "";
}

// Apache's tools name each client instance after the current time, so that a tool never shares
// a client id (and its registrations) with another run.
std::string InstanceName() {
  static std::atomic<int> counter{0};
  return fmt::format("orbit_admin_{}_{}_{}", ::getpid(), NowMs(), counter.fetch_add(1));
}

}  // namespace

CLI::Option* AddBool(CLI::App* cmd, const std::string& names, bool* value,
                     const std::string& help) {
  return cmd->add_option(names, *value, help)
      ->expected(0, 1)
      ->default_str("true")
      ->option_text("[BOOL]");
}

void AddBrokerTarget(CLI::App* cmd, BrokerTarget* target) {
  cmd->add_option("-b,--brokerAddr", target->broker_addr, "broker address, e.g. 127.0.0.1:10911");
  cmd->add_option("-c,--clusterName", target->cluster, "every master broker of this cluster");
}

std::string CheckBrokerTarget(const BrokerTarget& target) {
  if (target.broker_addr.empty() == target.cluster.empty()) {
    return "give either -b/--brokerAddr or -c/--clusterName";
  }
  return "";
}

Result<std::string> NameServers(const CommonOptions& common) {
  std::string addr = EnvOr(common.namesrv, "NAMESRV_ADDR");
  if (addr.empty()) {
    return InvalidArgument("no name server: give -n host:port[;host:port] or set NAMESRV_ADDR");
  }
  return addr;
}

Status ConfigureClient(const CommonOptions& common, ClientConfig* config) {
  ORBIT_ASSIGN_OR_RETURN(config->namesrv_addr, NameServers(common));
  config->instance_name = InstanceName();
  const std::string ak = EnvOr(common.access_key, "ORBIT_ACCESS_KEY");
  const std::string sk = EnvOr(common.secret_key, "ORBIT_SECRET_KEY");
  if (ak.empty() != sk.empty()) {
    return InvalidArgument("ACL signing needs both --accessKey and --secretKey");
  }
  if (!ak.empty()) config->rpc_hook = MakeAclRpcHook(ak, sk);
  config->mq_client_api_timeout_ms = common.timeout_ms;
  return Status::Ok();
}

Result<std::unique_ptr<AdminClient>> StartAdmin(const CommonOptions& common) {
  AdminConfig config;
  ORBIT_RETURN_IF_ERROR(ConfigureClient(common, &config));
  config.timeout_ms = common.timeout_ms;
  auto admin = std::make_unique<AdminClient>(config);
  if (Status st = admin->Start(); !st.ok()) return Explain(st, "starting the admin client");
  return admin;
}

Result<std::unique_ptr<PullConsumer>> StartPullConsumer(const CommonOptions& common,
                                                        const std::string& group) {
  PullConsumerConfig config;
  ORBIT_RETURN_IF_ERROR(ConfigureClient(common, &config));
  config.group = group;
  config.consumer_pull_timeout_ms = common.timeout_ms;
  auto consumer = std::make_unique<PullConsumer>(config);
  if (Status st = consumer->Start(); !st.ok()) return Explain(st, "starting the pull consumer");
  return consumer;
}

Result<std::vector<std::string>> TargetBrokers(AdminClient& admin, const BrokerTarget& target) {
  if (!target.broker_addr.empty()) return std::vector<std::string>{target.broker_addr};
  auto addrs = admin.MasterAddrsOfCluster(target.cluster);
  if (!addrs.ok()) return Explain(addrs.status(), "");
  if (addrs->empty()) return NotFound("cluster " + target.cluster + " has no master broker");
  return addrs;
}

Result<int64_t> ParseTimestamp(const std::string& text) {
  if (text.empty()) return InvalidArgument("empty timestamp");
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    if (text.size() > 18) return InvalidArgument("timestamp out of range: " + text);
    return static_cast<int64_t>(std::stoll(text));
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  char end = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[# ]%2d:%2d:%2d:%3d%c", &year, &month,
                            &day, &hour, &minute, &second, &millis, &end);
  const int n2 = n >= 6 ? n : std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &end);
  const bool ok = (n == 7 || n == 6 || n2 == 3) && month >= 1 && month <= 12 && day >= 1 &&
                  day <= 31 && hour < 24 && minute < 60 && second < 61 && millis < 1000;
  if (!ok) {
    return InvalidArgument("bad timestamp '" + text +
                           "' (milliseconds since the epoch, or yyyy-MM-dd#HH:mm:ss:SSS)");
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  const std::time_t seconds = std::mktime(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return InvalidArgument("bad timestamp " + text);
  return static_cast<int64_t>(seconds) * 1000 + millis;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Explain(const Status& status, const std::string& doing) {
  if (status.ok()) return status;
  std::string message = status.message();
  if (message.empty()) message = ErrorCodeDescription(status.code());
  if (status.code() == ErrorCode::kRemote && message.find("code") == std::string::npos) {
    message = fmt::format("refused with code {}: {}", status.remote_code(), message);
  }
  if (!doing.empty()) message = doing + ": " + message;
  Status out(status.code(), message);
  return status.code() == ErrorCode::kRemote ? Status::Remote(status.remote_code(), message) : out;
}

std::string PropertiesString(const std::map<std::string, std::string, std::less<>>& properties) {
  std::string out = "{";
  for (const auto& [key, value] : properties) {
    if (out.size() > 1) out += ", ";
    out += key + "=" + value;
  }
  return out + "}";
}

Json MessageJson(const MessageExt& msg, bool with_body) {
  Json properties = Json::Object();
  for (const auto& [key, value] : msg.properties()) properties.Set(key, value);
  Json j = Json::Object();
  j.Set("msgId", msg.msg_id)
      .Set("offsetMsgId", msg.offset_msg_id)
      .Set("topic", msg.topic())
      .Set("brokerName", msg.broker_name)
      .Set("queueId", msg.queue_id)
      .Set("queueOffset", msg.queue_offset)
      .Set("commitLogOffset", msg.commit_log_offset)
      .Set("tags", msg.tags())
      .Set("keys", msg.keys())
      .Set("reconsumeTimes", msg.reconsume_times)
      .Set("bornTimestamp", msg.born_timestamp)
      .Set("storeTimestamp", msg.store_timestamp)
      .Set("bornHost", msg.born_host)
      .Set("storeHost", msg.store_host)
      .Set("sysFlag", msg.sys_flag)
      .Set("bodyCRC", msg.body_crc)
      .Set("properties", std::move(properties));
  if (with_body) j.Set("body", msg.body());
  j.Set("bodyLength", static_cast<int64_t>(msg.body().size()));
  return j;
}

void PrintMessageDetail(const MessageExt& msg, Output& out) {
  const auto row = [&](const char* key, const std::string& value) {
    out.Line(fmt::format("{:<20} {}", key, value));
  };
  row("OffsetID:", msg.offset_msg_id);
  row("MsgId:", msg.msg_id);
  row("Topic:", msg.topic());
  row("Tags:", "[" + msg.tags() + "]");
  row("Keys:", "[" + msg.keys() + "]");
  // Unknown when the message was read by its offset id (VIEW_MESSAGE_BY_ID).
  if (!msg.broker_name.empty()) row("Broker Name:", msg.broker_name);
  row("Queue ID:", std::to_string(msg.queue_id));
  row("Queue Offset:", std::to_string(msg.queue_offset));
  row("CommitLog Offset:", std::to_string(msg.commit_log_offset));
  row("Reconsume Times:", std::to_string(msg.reconsume_times));
  row("Born Timestamp:", HumanTime(msg.born_timestamp));
  row("Store Timestamp:", HumanTime(msg.store_timestamp));
  row("Born Host:", msg.born_host);
  row("Store Host:", msg.store_host);
  row("System Flag:", std::to_string(msg.sys_flag));
  row("Properties:", PropertiesString(msg.properties()));
  row("Message Body:", msg.body());
}

std::string MessageLine(const MessageExt& msg, bool with_body) {
  return fmt::format("MSGID: {} QUEUE: {} OFFSET: {} KEYS: [{}] TAGS: [{}] STORE_TIME: {} BODY: {}",
                     msg.msg_id, msg.queue_id, msg.queue_offset, msg.keys(), msg.tags(),
                     HumanTime(msg.store_timestamp), with_body ? msg.body() : "NOT PRINT BODY");
}

}  // namespace orbit::admin
