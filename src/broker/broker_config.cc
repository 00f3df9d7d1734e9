#include "broker/broker_config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <set>
#include <utility>

#include "base/properties.h"

namespace orbit::broker {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// This host's first IPv4 address on an interface that is up and not loopback; 127.0.0.1 when
// there is none (Apache's RemotingUtil.getLocalAddress falls back to localhost too).
std::string FirstNonLoopbackIpv4() {
  std::string found;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "127.0.0.1";
  for (ifaddrs* a = list; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)) != nullptr) found = text;
  }
  freeifaddrs(list);
  return found.empty() ? "127.0.0.1" : found;
}

// Apache's BrokerConfig.localHostName(): the host name, or DEFAULT_BROKER when it is unknown.
std::string LocalHostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "DEFAULT_BROKER";
  return name;
}

Status Bad(const char* key, const std::string& why) {
  return InvalidArgument(std::string("config key ") + key + ": " + why);
}

// Apache's RemotingUtil.string2SocketAddress: host before the last ':', a decimal port after it.
bool IsHostPort(const std::string& addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string_view port(addr);
  port.remove_prefix(colon + 1);
  int value = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), value);
  return !port.empty() && r.ec == std::errc() && r.ptr == port.data() + port.size() && value >= 1 &&
         value <= 65535;
}

// A store field acting on BrokerConfig::store.
ConfigField<BrokerConfig> StoreField(const ConfigField<store::StoreConfig>& f) {
  return {f.key, f.description,
          [set = f.set](BrokerConfig& c, std::string_view v) { return set(c.store, v); },
          [get = f.get](const BrokerConfig& c) { return get(c.store); }};
}

}  // namespace

BrokerConfig BrokerConfig::Defaults() {
  BrokerConfig c;
  std::string home = Env("HOME");
  if (home.empty()) home = ".";
  // Apache reads -Drocketmq.home.dir / -Drocketmq.namesrv.addr first; Orbit has only the env.
  c.rocketmq_home = Env("ROCKETMQ_HOME");
  c.namesrv_addr = Env("NAMESRV_ADDR");
  c.broker_ip1 = FirstNonLoopbackIpv4();
  c.broker_ip2 = c.broker_ip1;
  c.broker_name = LocalHostName();
  c.acl_file = (c.rocketmq_home.empty() ? home : c.rocketmq_home) + "/conf/plain_acl.yml";
  c.log_dir = home + "/logs/orbit";
  c.store = store::StoreConfig::Defaults();
  return c;
}

Status BrokerConfig::Validate() const {
  if (broker_role != "ASYNC_MASTER" && broker_role != "SYNC_MASTER" && broker_role != "SLAVE") {
    return Bad("brokerRole", "must be ASYNC_MASTER, SYNC_MASTER or SLAVE, not " + broker_role);
  }
  // Apache's BrokerStartup forces a master's id to 0 and exits when a slave's id is <= 0.
  if (IsSlave() && broker_id <= 0) {
    return Bad("brokerId", "a SLAVE needs brokerId > 0, not " + std::to_string(broker_id));
  }
  if (!IsSlave() && broker_id != 0) {
    return Bad("brokerId",
               "a " + broker_role + " needs brokerId 0, not " + std::to_string(broker_id));
  }
  if (broker_name.empty()) return Bad("brokerName", "must not be empty");
  if (broker_cluster_name.empty()) return Bad("brokerClusterName", "must not be empty");
  if (broker_ip1.empty()) return Bad("brokerIP1", "must not be empty");
  if (listen_port < 0 || listen_port > 65535) {
    return Bad("listenPort",
               "must be between 0 (a free port) and 65535, not " + std::to_string(listen_port));
  }
  if (broker_permission < 0 || broker_permission > 7) {
    return Bad("brokerPermission",
               "must be between 0 and 7, not " + std::to_string(broker_permission));
  }
  if (default_topic_queue_nums < 1) {
    return Bad("defaultTopicQueueNums", "must be at least 1");
  }
  for (const auto& addr : NamesrvAddrs()) {
    if (!IsHostPort(addr)) {
      return Bad("namesrvAddr",
                 "'" + addr + "' is not host:port (e.g. 127.0.0.1:9876;10.0.0.2:9876)");
    }
  }
  if (server_worker_threads < 0) return Bad("serverWorkerThreads", "must not be negative");
  if (transaction_check_max < 0) return Bad("transactionCheckMax", "must not be negative");
  if (transaction_check_interval <= 0) {
    return Bad("transactionCheckInterval", "must be positive");
  }
  if (register_name_server_period <= 0) {
    return Bad("registerNameServerPeriod", "must be positive");
  }
  if (flush_consumer_offset_interval <= 0) {
    return Bad("flushConsumerOffsetInterval", "must be positive");
  }
  return store.Validate();
}

std::string BrokerConfig::BrokerAddr() const {
  return broker_ip1 + ":" + std::to_string(listen_port);
}

std::vector<std::string> BrokerConfig::NamesrvAddrs() const {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= namesrv_addr.size()) {
    size_t end = namesrv_addr.find(';', start);
    if (end == std::string::npos) end = namesrv_addr.size();
    if (end > start) out.push_back(namesrv_addr.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace {

std::vector<ConfigField<BrokerConfig>> OwnFields() {
  using C = BrokerConfig;
  return {
      MakeConfigField("rocketmqHome", &C::rocketmq_home,
                      "RocketMQ home (env ROCKETMQ_HOME); base of the default `aclFile`"),
      MakeConfigField("namesrvAddr", &C::namesrv_addr,
                      "name servers, `host:port` separated by `;` (env NAMESRV_ADDR)"),
      MakeConfigField("brokerIP1", &C::broker_ip1,
                      "address registered with the name server (this host's first "
                      "non-loopback IPv4)"),
      MakeConfigField("brokerIP2", &C::broker_ip2, "HA address a slave connects to (`brokerIP1`)"),
      MakeConfigField("brokerName", &C::broker_name,
                      "name shared by a master and its slaves (the host name)"),
      MakeConfigField("brokerClusterName", &C::broker_cluster_name, "cluster the broker joins"),
      MakeConfigField("brokerId", &C::broker_id, "0 for a master, > 0 for a slave"),
      MakeConfigField("brokerRole", &C::broker_role,
                      "ASYNC_MASTER, SYNC_MASTER or SLAVE (Apache: MessageStoreConfig)"),
      MakeConfigField("brokerPermission", &C::broker_permission,
                      "PermName bits registered with the name server: 4 read, 2 write"),
      MakeConfigField("regionId", &C::region_id, "region reported to clients (message trace)"),
      MakeConfigField("defaultTopicQueueNums", &C::default_topic_queue_nums,
                      "queues of an auto-created topic"),
      MakeConfigField("autoCreateTopicEnable", &C::auto_create_topic_enable,
                      "create a topic on its first send (via TBW102)"),
      MakeConfigField("clusterTopicEnable", &C::cluster_topic_enable,
                      "create a topic named after the cluster"),
      MakeConfigField("brokerTopicEnable", &C::broker_topic_enable,
                      "create a topic named after the broker"),
      MakeConfigField("autoCreateSubscriptionGroup", &C::auto_create_subscription_group,
                      "create a consumer group's config on first use"),
      MakeConfigField("traceTopicEnable", &C::trace_topic_enable, "create the message-trace topic"),
      MakeConfigField("msgTraceTopicName", &C::msg_trace_topic_name, "message-trace topic"),
      MakeConfigField("listenPort", &C::listen_port,
                      "TCP port (NettyServerConfig); Orbit: 0 picks a free port"),
      MakeConfigField("bindAddress", &C::bind_address, "Orbit: address to listen on"),
      MakeConfigField("serverWorkerThreads", &C::server_worker_threads,
                      "Orbit: event-loop threads, 0 = one per core"),
      MakeConfigField("longPollingEnable", &C::long_polling_enable,
                      "hold pulls that find no message until one arrives"),
      MakeConfigField("shortPollingTimeMills", &C::short_polling_time_mills,
                      "ms a pull is held when long polling is off"),
      MakeConfigField("notifyConsumerIdsChangedEnable", &C::notify_consumer_ids_changed_enable,
                      "tell a group's consumers to rebalance when its members change"),
      MakeConfigField("flushConsumerOffsetInterval", &C::flush_consumer_offset_interval,
                      "ms between writes of consumerOffset.json"),
      MakeConfigField("flushDelayOffsetInterval", &C::flush_delay_offset_interval,
                      "ms between writes of delayOffset.json (Apache: MessageStoreConfig)"),
      MakeConfigField("channelExpiredTimeout", &C::channel_expired_timeout,
                      "Orbit (Apache 4.9: fixed 120 s; a 5.x key): ms without heartbeat after "
                      "which a client is dropped"),
      MakeConfigField("transferMsgByHeap", &C::transfer_msg_by_heap,
                      "accepted for compatibility; Orbit always writes pulled messages from the "
                      "mapped store segments (writev)"),
      MakeConfigField("slaveReadEnable", &C::slave_read_enable,
                      "let consumers read from a slave when the master is behind"),
      MakeConfigField("consumerFallbehindThreshold", &C::consumer_fallbehind_threshold,
                      "bytes a group may lag before it counts as reading slowly"),
      MakeConfigField("disableConsumeIfConsumerReadSlowly",
                      &C::disable_consume_if_consumer_read_slowly,
                      "stop serving a group that lags more than `consumerFallbehindThreshold`"),
      MakeConfigField("maxReconsumeTimes", &C::max_reconsume_times,
                      "Orbit: retries before the DLQ when the group's config has none"),
      MakeConfigField("rejectTransactionMessage", &C::reject_transaction_message,
                      "refuse transactional (half) messages"),
      MakeConfigField("transactionTimeOut", &C::transaction_timeout,
                      "ms a half message waits before its first check"),
      MakeConfigField("transactionCheckMax", &C::transaction_check_max,
                      "checks before a half message is discarded"),
      MakeConfigField("transactionCheckInterval", &C::transaction_check_interval,
                      "ms between transaction-check passes"),
      MakeConfigField("registerNameServerPeriod", &C::register_name_server_period,
                      "ms between registrations with the name servers"),
      MakeConfigField("registerBrokerTimeoutMills", &C::register_broker_timeout_mills,
                      "ms one registration may take"),
      MakeConfigField("forceRegister", &C::force_register,
                      "register even when the topic config has not changed"),
      MakeConfigField("compressedRegister", &C::compressed_register,
                      "send the registration body compressed"),
      MakeConfigField("fetchNamesrvAddrByAddressServer", &C::fetch_namesrv_addr_by_address_server,
                      "fetch `namesrvAddr` from the address server"),
      MakeConfigField("aclEnable", &C::acl_enable, "check requests against `aclFile` (ACL 1.0)"),
      MakeConfigField("aclFile", &C::acl_file,
                      "Orbit (Apache: fixed path): ACL file "
                      "(`$ROCKETMQ_HOME/conf/plain_acl.yml`, else `$HOME/conf/plain_acl.yml`)"),
      MakeConfigField("storeReplyMessageEnable", &C::store_reply_message_enable,
                      "store request-reply messages (else only push them to the requester)"),
      MakeConfigField("startAcceptSendRequestTimeStamp", &C::start_accept_send_request_time_stamp,
                      "ms since the epoch before which sends are refused"),
      MakeConfigField("waitTimeMillsInSendQueue", &C::wait_time_mills_in_send_queue,
                      "ms a send may wait in the queue before it is answered SYSTEM_BUSY"),
      MakeConfigField("logDir", &C::log_dir, "Orbit: directory of broker.log (`$HOME/logs/orbit`)"),
      MakeConfigField("logLevel", &C::log_level, "Orbit: trace, debug, info, warn, error or off"),
      MakeConfigField("brokerConfigPath", &C::broker_config_path,
                      "Orbit (Apache 5 key): file that accepted UPDATE_BROKER_CONFIG changes are "
                      "written back to; set by `-c`"),
  };
}

}  // namespace

const std::vector<ConfigField<BrokerConfig>>& BrokerConfigFields() {
  static const std::vector<ConfigField<BrokerConfig>> fields = [] {
    std::vector<ConfigField<BrokerConfig>> out = OwnFields();
    std::set<std::string> keys;
    for (const auto& f : out) keys.insert(f.key);
    for (const auto& f : store::StoreConfigFields()) {
      if (keys.insert(f.key).second) out.push_back(StoreField(f));
    }
    return out;
  }();
  return fields;
}

Status ApplyBrokerProperties(std::string_view text, BrokerConfig* config,
                             std::vector<std::string>* unknown) {
  ORBIT_ASSIGN_OR_RETURN(PropertyList props, ParseProperties(text));
  return ApplyConfig(BrokerConfigFields(), props, config, unknown);
}

std::string FormatBrokerConfig(const BrokerConfig& config) {
  return FormatProperties(ConfigToProperties(BrokerConfigFields(), config));
}

std::string BrokerConfigMarkdown() {
  BrokerConfig defaults;  // not Defaults(): the doc must not depend on the machine
  std::vector<ConfigField<BrokerConfig>> fields = BrokerConfigFields();
  for (auto& field : fields) {
    if (IsRuntimeBrokerConfigKey(field.key)) field.description += " *(updatable at runtime)*";
  }
  return ConfigMarkdown(fields, defaults);
}

LiveBrokerConfig::LiveBrokerConfig(BrokerConfig initial) {
  versions_.push_back(std::make_unique<const BrokerConfig>(std::move(initial)));
  current_.store(versions_.back().get(), std::memory_order_release);
}

const BrokerConfig& LiveBrokerConfig::Publish(BrokerConfig next) {
  MutexLock lock(mu_);
  versions_.push_back(std::make_unique<const BrokerConfig>(std::move(next)));
  current_.store(versions_.back().get(), std::memory_order_release);
  return *versions_.back();
}

std::span<const std::string_view> RuntimeBrokerConfigKeys() {
  // Each of these is read from Broker::config() at the moment it is used.
  static constexpr std::string_view kKeys[] = {
      "namesrvAddr",                      // registration, every period and after changes
      "brokerPermission",                 // send, pull, send-back checks; registered topic perms
      "autoCreateTopicEnable",            // topic creation on send
      "autoCreateSubscriptionGroup",      // group lookup
      "longPollingEnable",                // each pull that finds nothing
      "shortPollingTimeMills",            // each pull that finds nothing
      "notifyConsumerIdsChangedEnable",   // each group change
      "rejectTransactionMessage",         // each half message
      "startAcceptSendRequestTimeStamp",  // each send
      "transactionTimeOut",               // each check pass
      "transactionCheckMax",              // each check pass
      "transactionCheckInterval",         // before each check pass
      "registerBrokerTimeoutMills",       // each registration
      "channelExpiredTimeout",            // each channel scan
  };
  return kKeys;
}

bool IsRuntimeBrokerConfigKey(std::string_view key) {
  for (std::string_view k : RuntimeBrokerConfigKeys()) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace orbit::broker
