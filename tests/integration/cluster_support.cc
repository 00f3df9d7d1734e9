#include "integration/cluster_support.h"

#include <chrono>
#include <thread>

#include "net/remoting_client.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::testing {

Status CreateTopicOn(net::RemotingClient& admin, const std::string& broker_addr,
                     const std::string& topic, int queues) {
  auto req = protocol::RemotingCommand::Request(protocol::RequestCode::kUpdateAndCreateTopic);
  protocol::CreateTopicRequestHeader h;
  h.topic = topic;
  h.default_topic = "TBW102";
  h.read_queue_nums = queues;
  h.write_queue_nums = queues;
  h.perm = 6;
  h.topic_filter_type = "SINGLE_TAG";
  h.Encode(&req.ext_fields);
  ORBIT_ASSIGN_OR_RETURN(auto resp, admin.InvokeSync(broker_addr, std::move(req), 5000));
  if (resp.code != protocol::ResponseCode::kSuccess) {
    return Status::Remote(resp.code, "create topic " + topic + " on " + broker_addr + ": " +
                                         resp.remark.value_or(""));
  }
  return Status::Ok();
}

bool CreateTopic(EmbeddedCluster& cluster, const std::string& topic, int queues,
                 std::string* error) {
  net::RemotingClient admin;
  bool ok = true;
  for (int i = 0; i < cluster.broker_count() && ok; ++i) {
    Status st = CreateTopicOn(admin, cluster.broker(i).addr(), topic, queues);
    if (!st.ok()) {
      *error = st.ToString();
      ok = false;
    }
  }
  admin.Shutdown();
  return ok;
}

std::vector<protocol::MessageRecord> StoredRecords(EmbeddedCluster& cluster, int broker,
                                                   const std::string& topic, int queue) {
  std::vector<protocol::MessageRecord> out;
  auto& store = cluster.broker(broker).store();
  for (int i = 0; i < 200 && store.DispatchBehindBytes() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto got = store.GetMessage(topic, queue, 0, 1000);
  for (const auto& range : got.messages) {
    auto record = protocol::DecodeRecord(range.view());
    if (record.ok()) out.push_back(std::move(*record));
  }
  return out;
}

}  // namespace orbit::testing
