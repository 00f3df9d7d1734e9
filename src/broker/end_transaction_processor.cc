#include "broker/end_transaction_processor.h"

#include <charconv>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/reply.h"
#include "broker/transaction_service.h"
#include "protocol/codes.h"
#include "protocol/message_flags.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::ResponseCode;

namespace {

// EndTransactionProcessor.checkPrepareMessage: the remark of the mismatch, or empty.
std::string CheckPrepareMessage(const protocol::MessageRecord& half,
                                const protocol::EndTransactionRequestHeader& h) {
  if (half.properties.Get(protocol::kPropertyProducerGroup) != h.producer_group) {
    return "The producer group wrong";
  }
  if (half.queue_offset != h.tran_state_table_offset) {
    return "The transaction state table offset wrong";
  }
  if (half.physical_offset != h.commit_log_offset) return "The commit log offset wrong";
  return {};
}

// sendFinalMessage's code and remark for a failed put.
std::pair<int32_t, std::string> FinalPutError(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kMessageIllegal:
      return {ResponseCode::kMessageIllegal,
              "The message is illegal, maybe msg body or properties length not matched. msg body "
              "length limit 128k, msg properties length limit 32k."};
    case ErrorCode::kDiskFull:
    case ErrorCode::kStoreFenced:
    case ErrorCode::kShutdown:
      return {ResponseCode::kServiceNotAvailable, "Service not available now."};
    case ErrorCode::kIoError:
      return {ResponseCode::kSystemError, "Create mapped file failed."};
    default:
      return {ResponseCode::kSystemError, "UNKNOWN_ERROR"};
  }
}

}  // namespace

void EndTransactionProcessor::Register(net::RemotingServer& server) {
  server.RegisterProcessor(protocol::RequestCode::kEndTransaction,
                           [this](const net::ConnectionPtr& conn, RemotingCommand req) {
                             Handle(conn, std::move(req));
                           });
}

void EndTransactionProcessor::Handle(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::EndTransactionRequestHeader>(conn, req);
  if (!h) return;
  if (broker_.config().IsSlave()) {
    ORBIT_LOG_WARN("END_TRANSACTION refused: this broker is a slave");
    return ReplyCode(conn, req, ResponseCode::kSlaveNotAvailable);
  }
  const bool from_check = h->from_transaction_check.value_or(false);
  const char* who = from_check ? "check of producer" : "producer";
  switch (h->commit_or_rollback) {
    case protocol::kSysFlagTransactionCommit:
    case protocol::kSysFlagTransactionRollback:
      break;
    case protocol::kSysFlagTransactionNotType:
      ORBIT_LOG_INFO("END_TRANSACTION from {} {}: state unknown, msgId {} ({})", who,
                     conn->remote_address(), h->msg_id, req.remark.value_or(""));
      return;  // Apache answers nothing
    default:
      return;
  }
  const bool commit = h->commit_or_rollback == protocol::kSysFlagTransactionCommit;
  if (from_check || !commit) {
    ORBIT_LOG_INFO("END_TRANSACTION from {} {}: {} msgId {} ({})", who, conn->remote_address(),
                   commit ? "commit" : "rollback", h->msg_id, req.remark.value_or(""));
  }
  auto half = broker_.transactions().LookHalfMessage(h->commit_log_offset);
  if (!half.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "Find prepared transaction message failed");
  }
  if (std::string wrong = CheckPrepareMessage(*half, *h); !wrong.empty()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError, std::move(wrong));
  }
  if (commit) return Commit(conn, req, *h, *half);
  Rollback(conn, req, *half);
}

void EndTransactionProcessor::Commit(const net::ConnectionPtr& conn, const RemotingCommand& req,
                                     const protocol::EndTransactionRequestHeader& h,
                                     const protocol::MessageRecord& half) {
  std::string_view real_topic = half.properties.Get(protocol::kPropertyRealTopic);
  std::string_view qid_text = half.properties.Get(protocol::kPropertyRealQueueId);
  int32_t real_qid = -1;
  auto [end, ec] = std::from_chars(qid_text.data(), qid_text.data() + qid_text.size(), real_qid);
  if (real_topic.empty() || ec != std::errc() || end != qid_text.data() + qid_text.size() ||
      real_qid < 0) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "the half message has no valid REAL_TOPIC / REAL_QID");
  }
  const std::string properties = EncodePropertiesJavaOrder(half.properties);
  store::MessageInput in = InputFromRecord(half, real_topic, real_qid, properties);
  in.sys_flag = protocol::SetTransactionType(half.sys_flag, protocol::TransactionType::kCommit);
  in.prepared_transaction_offset = h.commit_log_offset;

  const int32_t half_queue_id = half.queue_id;
  const int64_t half_queue_offset = half.queue_offset;
  broker_.store().PutMessageAsync(
      in, [this, conn, req, half_queue_id, half_queue_offset](store::PutResult r) {
        if (!r.status.ok() && r.status.code() != ErrorCode::kFlushTimeout) {
          ORBIT_LOG_ERROR("END_TRANSACTION commit: message not stored: {}", r.status.ToString());
          auto [code, remark] = FinalPutError(r.status);
          return ReplyCode(conn, req, code, std::move(remark));
        }
        broker_.transactions().PutOpMessage(
            half_queue_id, half_queue_offset, [conn, req](store::PutResult op) {
              if (!op.status.ok() && op.status.code() != ErrorCode::kFlushTimeout) {
                ORBIT_LOG_ERROR("transaction op record not stored: {}", op.status.ToString());
              }
              ReplyCode(conn, req, ResponseCode::kSuccess);
            });
      });
}

void EndTransactionProcessor::Rollback(const net::ConnectionPtr& conn, const RemotingCommand& req,
                                       const protocol::MessageRecord& half) {
  broker_.transactions().PutOpMessage(
      half.queue_id, half.queue_offset, [conn, req](store::PutResult op) {
        if (!op.status.ok() && op.status.code() != ErrorCode::kFlushTimeout) {
          ORBIT_LOG_ERROR("transaction op record not stored: {}", op.status.ToString());
        }
        ReplyCode(conn, req, ResponseCode::kSuccess);
      });
}

}  // namespace orbit::broker
