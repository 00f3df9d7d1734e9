#pragma once

// Helpers of the integration tests that drive an EmbeddedCluster from outside the client SDK
// (c_api_test, examples_test): topic creation through the admin request, and what a broker
// stored.

#include <string>
#include <vector>

#include "base/status.h"
#include "embedded/embedded_cluster.h"
#include "net/remoting_client.h"
#include "protocol/message.h"

namespace orbit::testing {

// UPDATE_AND_CREATE_TOPIC on the broker at `broker_addr`: `queues` read and write queues,
// read-write, default topic TBW102. A refusal is kRemote with the broker's code and remark.
Status CreateTopicOn(net::RemotingClient& admin, const std::string& broker_addr,
                     const std::string& topic, int queues);

// UPDATE_AND_CREATE_TOPIC with `queues` read and write queues on every broker of `cluster`.
// False (with the reason in `error`) when a broker refused or did not answer.
bool CreateTopic(EmbeddedCluster& cluster, const std::string& topic, int queues,
                 std::string* error);

// The records of queue `queue` of `topic`, straight from broker `broker`'s store, once the
// dispatch has caught up with the commit log.
std::vector<protocol::MessageRecord> StoredRecords(EmbeddedCluster& cluster, int broker,
                                                   const std::string& topic, int queue);

}  // namespace orbit::testing
