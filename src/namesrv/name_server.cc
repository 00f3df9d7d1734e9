#include "namesrv/name_server.h"

#include "base/crc32.h"
#include "base/log.h"
#include "base/properties.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::namesrv {

using net::ConnectionPtr;
using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

constexpr int32_t kRegisterBodyVersion = 37;  // V3_0_11: RegisterBrokerBody instead of wrapper

void ReplyCode(const ConnectionPtr& conn, const RemotingCommand& req, int32_t code,
               std::optional<std::string> remark = std::nullopt) {
  net::Reply(conn, req, RemotingCommand::ResponseTo(req, code, std::move(remark)));
}

void ReplyError(const ConnectionPtr& conn, const RemotingCommand& req, const Status& st) {
  ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
}

void ReplyBody(const ConnectionPtr& conn, const RemotingCommand& req, std::string body) {
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  resp.body = std::move(body);
  net::Reply(conn, req, std::move(resp));
}

std::string TopicListBody(std::vector<std::string> topics, std::string broker_addr = "") {
  protocol::TopicList list;
  list.topic_list = std::move(topics);
  list.broker_addr = std::move(broker_addr);
  return list.Encode();
}

// Decodes the header of `req` as H, or answers SYSTEM_ERROR naming what is wrong.
template <typename H>
std::optional<H> DecodeOrReply(const ConnectionPtr& conn, const RemotingCommand& req) {
  auto h = H::Decode(req.ext_fields);
  if (!h.ok()) {
    ReplyError(conn, req, h.status());
    return std::nullopt;
  }
  return std::move(*h);
}

Result<protocol::RegisterBrokerBody> DecodeRegisterBody(
    const RemotingCommand& req, const protocol::RegisterBrokerRequestHeader& h) {
  protocol::RegisterBrokerBody body;
  if (req.body.empty()) return body;
  if (req.version < kRegisterBodyVersion) {
    ORBIT_ASSIGN_OR_RETURN(body.topic_config_serialize_wrapper,
                           protocol::TopicConfigSerializeWrapper::Decode(req.body));
    return body;
  }
  if (h.compressed.value_or(false)) return protocol::RegisterBrokerBody::DecodeCompressed(req.body);
  return protocol::RegisterBrokerBody::Decode(req.body);
}

}  // namespace

NameServer::NameServer(NamesrvConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock), kv_(config_.kv_config_path) {}

NameServer::~NameServer() { Shutdown(); }

Status NameServer::Start() {
  ORBIT_RETURN_IF_ERROR(kv_.Load());
  net::ServerOptions opts;
  opts.host = config_.bind_address;
  opts.port = static_cast<uint16_t>(config_.listen_port);
  opts.io_threads = config_.server_worker_threads;
  opts.unknown_code_policy = net::UnknownCodePolicy::kIgnore;
  opts.thread_name = "orbit-ns";
  server_ = std::make_unique<net::RemotingServer>(opts);
  RegisterProcessors();
  server_->AddConnectionListener({nullptr, [this](const ConnectionPtr& conn, const Status&) {
                                    routes_.OnConnectionClosed(conn->id(), conn->remote_address());
                                  }});
  ORBIT_RETURN_IF_ERROR(server_->Start());
  scan_thread_ = std::thread([this] { ScanLoop(); });
  ORBIT_LOG_INFO("name server listening on {}:{}", config_.bind_address, server_->port());
  return Status::Ok();
}

void NameServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(scan_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  scan_cv_.notify_all();
  if (scan_thread_.joinable()) scan_thread_.join();
  if (server_) server_->Shutdown();
}

void NameServer::ScanNotActiveBrokers() {
  routes_.ScanNotActiveBroker(clock_.NowMillis(), config_.broker_channel_expired_time);
}

void NameServer::ScanLoop() {
  std::unique_lock<std::mutex> lock(scan_mu_);
  while (!stopping_) {
    scan_cv_.wait_for(lock, std::chrono::milliseconds(config_.scan_not_active_broker_interval));
    if (stopping_) break;
    lock.unlock();
    ScanNotActiveBrokers();
    lock.lock();
  }
}

void NameServer::RegisterProcessors() {
  auto reg = [this](int32_t code, net::RequestProcessor p) {
    server_->RegisterProcessor(code, std::move(p));
  };

  reg(RequestCode::kRegisterBroker, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::RegisterBrokerRequestHeader>(conn, req);
    if (!h) return;
    int32_t crc = h->body_crc32.value_or(0);
    if (crc != 0 && MaskedCrc32(req.body) != crc) {
      ORBIT_LOG_WARN("register from {}: body crc32 mismatch", conn->remote_address());
      ReplyCode(conn, req, ResponseCode::kSystemError, "crc32 not match");
      return;
    }
    auto body = DecodeRegisterBody(req, *h);
    if (!body.ok()) {
      ReplyError(conn, req, body.status());
      return;
    }
    BrokerRegistration r;
    r.cluster_name = h->cluster_name;
    r.broker_addr = h->broker_addr;
    r.broker_name = h->broker_name;
    r.broker_id = h->broker_id;
    r.ha_server_addr = h->ha_server_addr;
    r.topic_config = std::move(body->topic_config_serialize_wrapper);
    r.filter_server_list = std::move(body->filter_server_list);
    r.connection_id = conn->id();
    RegisterBrokerResult result = routes_.RegisterBroker(r, clock_.NowMillis());
    RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
    protocol::RegisterBrokerResponseHeader rh;
    if (!result.master_addr.empty()) {
      rh.master_addr = result.master_addr;
      rh.ha_server_addr = result.ha_server_addr;
    }
    rh.Encode(&resp.ext_fields);
    if (auto order = kv_.GetNamespace(kOrderTopicConfigNamespace)) {
      protocol::KVTable table;
      table.table = std::move(*order);
      resp.body = table.Encode();
    }
    net::Reply(conn, req, std::move(resp));
  });

  reg(RequestCode::kUnregisterBroker, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::UnRegisterBrokerRequestHeader>(conn, req);
    if (!h) return;
    routes_.UnregisterBroker(h->cluster_name, h->broker_addr, h->broker_name, h->broker_id);
    ReplyCode(conn, req, ResponseCode::kSuccess);
  });

  reg(RequestCode::kQueryDataVersion, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::QueryDataVersionRequestHeader>(conn, req);
    if (!h) return;
    auto version = protocol::DataVersion::Decode(req.body);
    if (!version.ok()) {
      ReplyError(conn, req, version.status());
      return;
    }
    std::optional<protocol::DataVersion> stored;
    bool changed = routes_.QueryDataVersion(h->broker_addr, *version, clock_.NowMillis(), &stored);
    RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
    protocol::QueryDataVersionResponseHeader rh;
    rh.changed = changed;
    rh.Encode(&resp.ext_fields);
    if (stored) resp.body = stored->Encode();
    net::Reply(conn, req, std::move(resp));
  });

  reg(RequestCode::kGetRouteinfoByTopic, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::GetRouteInfoRequestHeader>(conn, req);
    if (!h) return;
    auto route = routes_.PickupTopicRouteData(h->topic);
    if (!route) {
      ReplyCode(conn, req, ResponseCode::kTopicNotExist,
                "No topic route info in name server for the topic: " + h->topic +
                    "\nSee http://rocketmq.apache.org/docs/faq/ for further details.");
      return;
    }
    bool order_enabled;
    {
      std::lock_guard<std::mutex> lock(config_mu_);
      order_enabled = config_.order_message_enable;
    }
    if (order_enabled) {
      if (auto conf = kv_.Get(kOrderTopicConfigNamespace, h->topic))
        route->order_topic_conf = *conf;
    }
    ReplyBody(conn, req,
              route->Encode(protocol::RouteJsonStyle(
                  req.version, h->accept_standard_json_only.value_or(false))));
  });

  reg(RequestCode::kGetBrokerClusterInfo, [this](const ConnectionPtr& conn, RemotingCommand req) {
    ReplyBody(conn, req, routes_.GetAllClusterInfo().Encode());
  });

  reg(RequestCode::kGetAllTopicListFromNameserver,
      [this](const ConnectionPtr& conn, RemotingCommand req) {
        ReplyBody(conn, req, TopicListBody(routes_.GetAllTopicList()));
      });

  reg(RequestCode::kGetTopicsByCluster, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::GetTopicsByClusterRequestHeader>(conn, req);
    if (!h) return;
    ReplyBody(conn, req, TopicListBody(routes_.GetTopicsByCluster(h->cluster)));
  });

  reg(RequestCode::kGetSystemTopicListFromNs,
      [this](const ConnectionPtr& conn, RemotingCommand req) {
        std::string addr;
        auto names = routes_.GetSystemTopicList(&addr);
        ReplyBody(conn, req, TopicListBody(std::move(names), std::move(addr)));
      });

  auto unit_list = [this](int32_t with, int32_t without) {
    return [this, with, without](const ConnectionPtr& conn, RemotingCommand req) {
      ReplyBody(conn, req, TopicListBody(routes_.GetTopicsBySysFlag(with, without)));
    };
  };
  reg(RequestCode::kGetUnitTopicList, unit_list(protocol::kTopicSysFlagUnit, 0));
  reg(RequestCode::kGetHasUnitSubTopicList, unit_list(protocol::kTopicSysFlagUnitSub, 0));
  reg(RequestCode::kGetHasUnitSubUnunitTopicList,
      unit_list(protocol::kTopicSysFlagUnitSub, protocol::kTopicSysFlagUnit));

  reg(RequestCode::kDeleteTopicInNamesrv, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::DeleteTopicFromNamesrvRequestHeader>(conn, req);
    if (!h) return;
    routes_.DeleteTopic(h->topic, h->cluster_name.value_or(""));
    ReplyCode(conn, req, ResponseCode::kSuccess);
  });

  reg(RequestCode::kWipeWritePermOfBroker, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::WipeWritePermOfBrokerRequestHeader>(conn, req);
    if (!h) return;
    RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
    protocol::WipeWritePermOfBrokerResponseHeader rh;
    rh.wipe_topic_count = routes_.WipeWritePermOfBroker(h->broker_name);
    rh.Encode(&resp.ext_fields);
    net::Reply(conn, req, std::move(resp));
  });

  reg(RequestCode::kAddWritePermOfBroker, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::AddWritePermOfBrokerRequestHeader>(conn, req);
    if (!h) return;
    RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
    protocol::AddWritePermOfBrokerResponseHeader rh;
    rh.add_topic_count = routes_.AddWritePermOfBroker(h->broker_name);
    rh.Encode(&resp.ext_fields);
    net::Reply(conn, req, std::move(resp));
  });

  reg(RequestCode::kPutKvConfig, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = protocol::PutKVConfigRequestHeader::Decode(req.ext_fields);
    if (!h.ok()) {
      ReplyCode(conn, req, ResponseCode::kSystemError, "namespace or key is null");
      return;
    }
    Status st = kv_.Put(h->kv_namespace, h->key, h->value);
    if (!st.ok()) {
      ReplyError(conn, req, st);
      return;
    }
    ReplyCode(conn, req, ResponseCode::kSuccess);
  });

  reg(RequestCode::kGetKvConfig, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::GetKVConfigRequestHeader>(conn, req);
    if (!h) return;
    auto value = kv_.Get(h->kv_namespace, h->key);
    if (!value) {
      ReplyCode(conn, req, ResponseCode::kQueryNotFound,
                "No config item, Namespace: " + h->kv_namespace + " Key: " + h->key);
      return;
    }
    RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
    protocol::GetKVConfigResponseHeader rh;
    rh.value = *value;
    rh.Encode(&resp.ext_fields);
    net::Reply(conn, req, std::move(resp));
  });

  reg(RequestCode::kDeleteKvConfig, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::DeleteKVConfigRequestHeader>(conn, req);
    if (!h) return;
    Status st = kv_.Delete(h->kv_namespace, h->key);
    if (!st.ok()) {
      ReplyError(conn, req, st);
      return;
    }
    ReplyCode(conn, req, ResponseCode::kSuccess);
  });

  reg(RequestCode::kGetKvlistByNamespace, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto h = DecodeOrReply<protocol::GetKVListByNamespaceRequestHeader>(conn, req);
    if (!h) return;
    auto table = kv_.GetNamespace(h->kv_namespace);
    if (!table) {
      ReplyCode(conn, req, ResponseCode::kQueryNotFound,
                "No config item, Namespace: " + h->kv_namespace);
      return;
    }
    protocol::KVTable kv;
    kv.table = std::move(*table);
    ReplyBody(conn, req, kv.Encode());
  });

  reg(RequestCode::kGetNamesrvConfig, [this](const ConnectionPtr& conn, RemotingCommand req) {
    std::lock_guard<std::mutex> lock(config_mu_);
    ReplyBody(conn, req, FormatProperties(ConfigToProperties(NamesrvConfigFields(), config_)));
  });

  reg(RequestCode::kUpdateNamesrvConfig, [this](const ConnectionPtr& conn, RemotingCommand req) {
    auto props = ParseProperties(req.body);
    if (!props.ok()) {
      ReplyError(conn, req, props.status());
      return;
    }
    for (const auto& [k, v] : *props) {
      if (IsBlacklistedConfigKey(k)) {
        ReplyCode(conn, req, ResponseCode::kNoPermission, "Can not update config in black list.");
        return;
      }
    }
    std::lock_guard<std::mutex> lock(config_mu_);
    NamesrvConfig updated = config_;
    std::vector<std::string> unknown;
    Status st = ApplyConfig(NamesrvConfigFields(), *props, &updated, &unknown);
    if (!st.ok()) {
      ReplyError(conn, req, st);
      return;
    }
    config_ = updated;
    ReplyCode(conn, req, ResponseCode::kSuccess);
  });
}

}  // namespace orbit::namesrv
