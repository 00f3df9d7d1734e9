#include "broker/admin_processor.h"

#include "base/log.h"
#include "base/properties.h"
#include "broker/broker.h"
#include "broker/reply.h"
#include "broker/transaction_service.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "store/file_system.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

AdminProcessor::AdminProcessor(Broker& broker) : broker_(broker) {
  config_version_.timestamp = broker.clock().NowMillis();
}

void AdminProcessor::Register(net::RemotingServer& server) {
  RegisterMethods<AdminProcessor>(
      server, this,
      {
          {RequestCode::kUpdateAndCreateTopic, &AdminProcessor::UpdateAndCreateTopic},
          {RequestCode::kDeleteTopicInBroker, &AdminProcessor::DeleteTopic},
          {RequestCode::kGetAllTopicConfig, &AdminProcessor::GetAllTopicConfig},
          {RequestCode::kUpdateAndCreateSubscriptiongroup,
           &AdminProcessor::UpdateAndCreateSubscriptionGroup},
          {RequestCode::kDeleteSubscriptiongroup, &AdminProcessor::DeleteSubscriptionGroup},
          {RequestCode::kGetBrokerConfig, &AdminProcessor::GetBrokerConfig},
          {RequestCode::kUpdateBrokerConfig, &AdminProcessor::UpdateBrokerConfig},
      });
}

void AdminProcessor::UpdateAndCreateTopic(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::CreateTopicRequestHeader>(conn, req);
  if (!h) return;
  if (h->topic == broker_.config().broker_cluster_name) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "the topic[" + h->topic + "] is conflict with system reserved words.");
  }
  protocol::TopicConfig tc;
  tc.topic_name = h->topic;
  tc.read_queue_nums = h->read_queue_nums;
  tc.write_queue_nums = h->write_queue_nums;
  tc.perm = h->perm;
  tc.topic_filter_type = h->topic_filter_type == "MULTI_TAG"
                             ? protocol::TopicFilterType::kMultiTag
                             : protocol::TopicFilterType::kSingleTag;
  tc.topic_sys_flag = h->topic_sys_flag.value_or(0);
  Status st = broker_.topics().Update(tc);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  // Routed before the answer, as Apache registers before answering.
  broker_.RegisterIfTopicsChanged(
      [conn, req = std::move(req)] { ReplyCode(conn, req, ResponseCode::kSuccess); });
}

void AdminProcessor::DeleteTopic(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::DeleteTopicRequestHeader>(conn, req);
  if (!h) return;
  Status st = broker_.topics().Delete(h->topic);
  if (st.ok()) st = broker_.store().DeleteTopics({h->topic});
  broker_.offsets().RemoveTopic(h->topic);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void AdminProcessor::GetAllTopicConfig(const net::ConnectionPtr& conn, RemotingCommand req) {
  ReplyBody(conn, req, broker_.topics().Snapshot().Encode());
}

void AdminProcessor::UpdateAndCreateSubscriptionGroup(const net::ConnectionPtr& conn,
                                                      RemotingCommand req) {
  auto config = protocol::SubscriptionGroupConfig::Decode(req.body);
  if (!config.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "subscription group config does not decode: " + config.status().message());
  }
  Status st = broker_.groups().Update(*config);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void AdminProcessor::DeleteSubscriptionGroup(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::DeleteSubscriptionGroupRequestHeader>(conn, req);
  if (!h) return;
  Status st = broker_.groups().Delete(h->group_name);
  if (h->remove_offset.value_or(false)) broker_.offsets().RemoveGroup(h->group_name);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void AdminProcessor::GetBrokerConfig(const net::ConnectionPtr& conn, RemotingCommand req) {
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  resp.body = FormatBrokerConfig(broker_.config());
  protocol::GetBrokerConfigResponseHeader h;
  {
    MutexLock lock(update_mu_);
    h.version = config_version_.Encode();
  }
  h.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

namespace {

std::string JoinKeys(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) out += (out.empty() ? "" : ", ") + key;
  return out;
}

}  // namespace

void AdminProcessor::UpdateBrokerConfig(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto props = ParseProperties(req.body);
  if (!props.ok())
    return ReplyCode(conn, req, ResponseCode::kSystemError, "string2Properties error");
  for (const auto& [key, value] : *props) {
    if (key == "configBlackList" || key == "brokerConfigPath") {
      return ReplyCode(conn, req, ResponseCode::kNoPermission,
                       "Can not update config in black list.");
    }
  }
  MutexLock lock(update_mu_);  // one update at a time: read, check, persist, publish
  const BrokerConfig current = broker_.config();
  BrokerConfig updated = current;
  std::vector<std::string> unknown;
  Status st = ApplyConfig(BrokerConfigFields(), *props, &updated, &unknown);
  if (!unknown.empty()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "unknown broker config key(s): " + JoinKeys(unknown));
  }
  if (st.ok()) st = updated.Validate();
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());

  PropertyList changed;
  std::vector<std::string> now_keys, restart_keys;
  for (const auto& field : BrokerConfigFields()) {
    if (field.get(updated) == field.get(current)) continue;
    changed.emplace_back(field.key, field.get(updated));
    (IsRuntimeBrokerConfigKey(field.key) ? now_keys : restart_keys).push_back(field.key);
  }
  if (changed.empty()) return ReplyCode(conn, req, ResponseCode::kSuccess);

  // Keys read only at start can only be kept for the next start, in the config file.
  const std::string& path = current.broker_config_path;
  if (!restart_keys.empty() && path.empty()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "not changed: " + JoinKeys(restart_keys) +
                         " take effect only at start, and this broker has no config file to "
                         "keep them in (start it with -c broker.conf)");
  }
  // Persist before applying: a change the file cannot keep is not made at all.
  if (!path.empty()) {
    store::FileSystem& fs = broker_.store().fs();
    std::string text;
    if (fs.Exists(path)) {
      auto read = store::ReadWholeFile(fs, path);
      if (!read.ok()) {
        return ReplyCode(conn, req, ResponseCode::kSystemError,
                         "not changed: cannot read " + path + ": " + read.status().message());
      }
      text = std::move(*read);
    }
    auto rewritten = UpdatePropertiesText(text, changed);
    if (rewritten.ok()) st = store::WriteFileAtomically(fs, path, *rewritten);
    if (!rewritten.ok() || !st.ok()) {
      return ReplyCode(conn, req, ResponseCode::kSystemError,
                       "not changed: cannot write " + path + ": " +
                           (rewritten.ok() ? st.message() : rewritten.status().message()));
    }
  }

  if (!now_keys.empty()) {
    BrokerConfig next = current;
    for (const auto& field : BrokerConfigFields()) {
      if (IsRuntimeBrokerConfigKey(field.key)) (void)field.set(next, field.get(updated));
    }
    broker_.UpdateConfig(std::move(next));
  }
  config_version_.Next(broker_.clock().NowMillis());
  ORBIT_LOG_INFO("updateBrokerConfig from {}: applied [{}], at next start [{}]{}",
                 conn->remote_address(), JoinKeys(now_keys), JoinKeys(restart_keys),
                 path.empty() ? "" : ", saved to " + path);
  AfterConfigUpdate(current, broker_.config());

  std::optional<std::string> remark;
  if (!restart_keys.empty()) {
    remark = "saved to " + path + "; take effect at the next start: " + JoinKeys(restart_keys);
  } else if (path.empty()) {
    remark = "applied until the broker stops (it has no config file to save them in)";
  }
  // Apache registers at once when brokerPermission changes; Orbit also when the name servers do.
  broker_.RegisterIfTopicsChanged([conn, req = std::move(req), remark = std::move(remark)] {
    ReplyCode(conn, req, ResponseCode::kSuccess, remark);
  });
}

void AdminProcessor::AfterConfigUpdate(const BrokerConfig& before, const BrokerConfig& after) {
  if (after.auto_create_topic_enable && !before.auto_create_topic_enable &&
      !broker_.topics().Find(kAutoCreateTopicKeyTopic)) {
    // Apache creates TBW102 only at start; without it turning auto-creation on would not work.
    protocol::TopicConfig tbw;
    tbw.topic_name = std::string(kAutoCreateTopicKeyTopic);
    tbw.read_queue_nums = tbw.write_queue_nums = after.default_topic_queue_nums;
    tbw.perm = protocol::kPermInherit | protocol::kPermRead | protocol::kPermWrite;
    Status st = broker_.topics().Update(tbw);
    if (!st.ok()) ORBIT_LOG_WARN("cannot create {}: {}", kAutoCreateTopicKeyTopic, st.message());
  }
  if (after.broker_permission != before.broker_permission ||
      after.namesrv_addr != before.namesrv_addr) {
    broker_.topics().NextDataVersion();
  }
  if (after.transaction_check_interval != before.transaction_check_interval) {
    broker_.transactions().OnIntervalChanged();
  }
}

}  // namespace orbit::broker
