#include "interop/orbit_server_process.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::testing {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

Result<std::unique_ptr<OrbitServerProcess>> OrbitServerProcess::Start(
    const std::string& data_dir, const std::string& extra_conf, std::chrono::milliseconds timeout,
    int namesrv_port, int broker_port) {
  std::unique_ptr<OrbitServerProcess> s(new OrbitServerProcess());
  s->namesrv_port_ = namesrv_port != 0 ? namesrv_port : FreeLoopbackPort();
  s->broker_port_ = broker_port != 0 ? broker_port : FreeLoopbackPort();
  s->log_path_ = data_dir + "/orbit-server.out";
  std::vector<std::string> argv = {ORBIT_SERVER_BINARY,
                                   "--data-dir",
                                   data_dir + "/data",
                                   "--host",
                                   "127.0.0.1",
                                   "--bind",
                                   "127.0.0.1",
                                   "--namesrv-port",
                                   std::to_string(s->namesrv_port_),
                                   "--broker-port",
                                   std::to_string(s->broker_port_)};
  if (!extra_conf.empty()) {
    std::string conf = data_dir + "/broker.conf";
    std::ofstream(conf) << extra_conf;
    argv.push_back("-c");
    argv.push_back(conf);
  }
  s->process_ = ChildProcess::Start(argv, s->log_path_);
  if (!s->process_) return Status(ErrorCode::kInternal, "cannot start orbit-server");
  s->client_ = std::make_unique<net::RemotingClient>();
  ORBIT_RETURN_IF_ERROR(s->WaitRegistered(timeout));
  return s;
}

OrbitServerProcess::~OrbitServerProcess() {
  if (client_) client_->Shutdown();
}

Status OrbitServerProcess::WaitRegistered(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto code = process_->Wait(std::chrono::milliseconds(0))) {
      return Status(ErrorCode::kInternal, "orbit-server exited with " + std::to_string(*code) +
                                              ":\n" + ReadFile(log_path_));
    }
    auto resp = client_->InvokeSync(
        namesrv_addr(), RemotingCommand::Request(RequestCode::kGetBrokerClusterInfo), 1000);
    if (resp.ok() && resp->code == ResponseCode::kSuccess) {
      auto info = protocol::ClusterInfo::Decode(resp->body);
      if (info.ok() && !info->broker_addr_table.empty()) return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status(ErrorCode::kTimeout,
                "orbit-server did not register its broker in time:\n" + ReadFile(log_path_));
}

Status OrbitServerProcess::CreateTopic(const std::string& topic, int queues,
                                       std::chrono::milliseconds timeout) {
  RemotingCommand req = RemotingCommand::Request(RequestCode::kUpdateAndCreateTopic);
  protocol::CreateTopicRequestHeader h;
  h.topic = topic;
  h.default_topic = "TBW102";
  h.read_queue_nums = queues;
  h.write_queue_nums = queues;
  h.perm = 6;
  h.topic_filter_type = "SINGLE_TAG";
  h.Encode(&req.ext_fields);
  ORBIT_ASSIGN_OR_RETURN(auto resp, client_->InvokeSync(broker_addr(), std::move(req), 5000));
  if (resp.code != ResponseCode::kSuccess) {
    return Status(ErrorCode::kRemote, "create topic: " + resp.remark.value_or(""));
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    RemotingCommand route = RemotingCommand::Request(RequestCode::kGetRouteinfoByTopic);
    protocol::GetRouteInfoRequestHeader rh;
    rh.topic = topic;
    rh.Encode(&route.ext_fields);
    auto r = client_->InvokeSync(namesrv_addr(), std::move(route), 1000);
    if (r.ok() && r->code == ResponseCode::kSuccess) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status(ErrorCode::kTimeout, "the name server never routed " + topic);
}

}  // namespace orbit::testing
