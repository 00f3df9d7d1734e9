#include "broker/lock_processor.h"

#include "broker/broker.h"
#include "broker/reply.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

void LockProcessor::Register(net::RemotingServer& server) {
  server.RegisterProcessor(RequestCode::kLockBatchMq,
                           [this](const net::ConnectionPtr& conn, RemotingCommand r) {
                             LockBatchMq(conn, std::move(r));
                           });
  server.RegisterProcessor(RequestCode::kUnlockBatchMq,
                           [this](const net::ConnectionPtr& conn, RemotingCommand r) {
                             UnlockBatchMq(conn, std::move(r));
                           });
}

void LockProcessor::LockBatchMq(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto body = protocol::LockBatchRequestBody::Decode(req.body);
  if (!body.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "lock batch body does not decode: " + body.status().message());
  }
  protocol::LockBatchResponseBody out;
  out.lock_ok_mq_set = broker_.rebalance_locks().TryLockBatch(
      body->consumer_group, body->mq_set, body->client_id, broker_.clock().NowMillis());
  ReplyBody(conn, req, out.Encode());
}

void LockProcessor::UnlockBatchMq(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto body = protocol::UnlockBatchRequestBody::Decode(req.body);
  if (!body.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "unlock batch body does not decode: " + body.status().message());
  }
  broker_.rebalance_locks().UnlockBatch(body->consumer_group, body->mq_set, body->client_id);
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

}  // namespace orbit::broker
