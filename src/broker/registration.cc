#include "broker/registration.h"

#include "base/crc32.h"
#include "base/log.h"
#include "broker/broker.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

Registration::Registration(Broker& broker) : broker_(broker) {
  net::ClientOptions options;
  options.thread_name = "broker-outapi";
  client_ = std::make_unique<net::RemotingClient>(options);
}

Registration::~Registration() { client_->Shutdown(); }

std::pair<RemotingCommand, std::string> Registration::BuildRequest() {
  const BrokerConfig& config = broker_.config();
  protocol::RegisterBrokerBody body;
  body.topic_config_serialize_wrapper = broker_.topics().Snapshot();
  // A broker made read-only or write-only (brokerPermission) registers every topic with that
  // permission, so that clients stop sending to it or pulling from it.
  if (!protocol::IsWriteable(config.broker_permission) ||
      !protocol::IsReadable(config.broker_permission)) {
    for (auto& [name, topic] : body.topic_config_serialize_wrapper.topic_config_table) {
      topic.perm = config.broker_permission;
    }
  }
  std::string encoded = body.Encode();
  protocol::RegisterBrokerRequestHeader h;
  h.broker_addr = broker_.addr();
  h.broker_id = config.broker_id;
  h.broker_name = config.broker_name;
  h.cluster_name = config.broker_cluster_name;
  h.ha_server_addr = config.broker_ip2 + ":" + std::to_string(broker_.port() + 1);
  h.compressed = false;
  h.body_crc32 = static_cast<int32_t>(Crc32(encoded) & 0x7FFFFFFF);
  RemotingCommand req = RemotingCommand::Request(RequestCode::kRegisterBroker);
  h.Encode(&req.ext_fields);
  return {std::move(req), std::move(encoded)};
}

Status Registration::RegisterAll() {
  const BrokerConfig& config = broker_.config();
  auto addrs = config.NamesrvAddrs();
  if (addrs.empty()) return Status::Ok();
  auto [header, encoded] = BuildRequest();
  std::string failed;
  for (const auto& addr : addrs) {
    RemotingCommand req = header;
    req.body = encoded;
    auto resp = client_->InvokeSync(addr, std::move(req), config.register_broker_timeout_mills);
    if (!resp.ok() || resp->code != ResponseCode::kSuccess) {
      std::string why = resp.ok()
                            ? "code " + std::to_string(resp->code) + " " + resp->remark.value_or("")
                            : resp.status().ToString();
      ORBIT_LOG_WARN("register broker to name server {} failed: {}", addr, why);
      failed += (failed.empty() ? "" : "; ") + addr + ": " + why;
    }
  }
  if (!failed.empty()) return Status(ErrorCode::kRemote, "registration failed: " + failed);
  return Status::Ok();
}

void Registration::RegisterAllAsync(std::function<void()> done) {
  const BrokerConfig& config = broker_.config();
  auto addrs = config.NamesrvAddrs();
  if (addrs.empty()) {
    done();
    return;
  }
  auto [header, encoded] = BuildRequest();
  auto left = std::make_shared<std::atomic<size_t>>(addrs.size());
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  for (const auto& addr : addrs) {
    RemotingCommand req = header;
    req.body = encoded;
    client_->InvokeAsync(addr, std::move(req), config.register_broker_timeout_mills,
                         [addr, left, shared_done](Result<RemotingCommand> resp) {
                           if (!resp.ok() || resp->code != ResponseCode::kSuccess) {
                             ORBIT_LOG_WARN(
                                 "register broker to name server {} failed: {}", addr,
                                 resp.ok() ? resp->remark.value_or("") : resp.status().ToString());
                           }
                           if (left->fetch_sub(1) == 1) (*shared_done)();
                         });
  }
}

void Registration::UnregisterAll() {
  const BrokerConfig& config = broker_.config();
  for (const auto& addr : config.NamesrvAddrs()) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kUnregisterBroker);
    protocol::UnRegisterBrokerRequestHeader h;
    h.broker_addr = broker_.addr();
    h.broker_id = config.broker_id;
    h.broker_name = config.broker_name;
    h.cluster_name = config.broker_cluster_name;
    h.Encode(&req.ext_fields);
    auto resp = client_->InvokeSync(addr, std::move(req), config.register_broker_timeout_mills);
    if (!resp.ok()) {
      ORBIT_LOG_WARN("unregister broker from name server {} failed: {}", addr,
                     resp.status().ToString());
    }
  }
}

}  // namespace orbit::broker
