#include "broker/query_processor.h"

#include <algorithm>

#include "broker/broker.h"
#include "broker/reply.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

// The extField the Java client adds to a query by UNIQ_KEY (MixAll.UNIQUE_MSG_QUERY_FLAG).
constexpr std::string_view kUniqueMsgQueryFlag = "_UNIQUE_KEY_QUERY";

// Whether the record really is of `topic` and carries `key` in KEYS (space-separated, as
// MessageConst.KEY_SEPARATOR) or as its UNIQ_KEY: index hits are hash matches only.
bool RecordHasKey(std::string_view record, std::string_view topic, std::string_view key) {
  auto layout = protocol::ParseRecordLayout(record);
  if (!layout.ok()) return false;
  if (record.substr(layout->topic_pos, layout->topic_size) != topic) return false;
  std::string_view props = record.substr(layout->properties_pos, layout->properties_size);
  std::string_view value;
  if (store::FindProperty(props, protocol::kPropertyUniqKey, &value) && value == key) return true;
  if (!store::FindProperty(props, protocol::kPropertyKeys, &value)) return false;
  while (!value.empty()) {
    size_t space = value.find(' ');
    if (value.substr(0, space) == key) return true;
    if (space == std::string_view::npos) break;
    value.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace

void QueryProcessor::Register(net::RemotingServer& server) {
  server.RegisterProcessor(RequestCode::kQueryMessage,
                           [this](const net::ConnectionPtr& conn, RemotingCommand r) {
                             QueryMessage(conn, std::move(r));
                           });
  server.RegisterProcessor(RequestCode::kViewMessageById,
                           [this](const net::ConnectionPtr& conn, RemotingCommand r) {
                             ViewMessageById(conn, std::move(r));
                           });
}

void QueryProcessor::QueryMessage(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::QueryMessageRequestHeader>(conn, req);
  if (!h) return;
  int32_t max_num = h->max_num;
  if (const std::string* unique = req.ext_fields.Find(kUniqueMsgQueryFlag);
      unique != nullptr && *unique == "true") {
    max_num = broker_.config().store.default_query_max_num;
  }
  max_num = std::min(max_num, kMaxMsgsNumBatch);
  store::QueryResult found =
      broker_.store().QueryMessage(h->topic, h->key, max_num, h->begin_timestamp, h->end_timestamp);
  protocol::QueryMessageResponseHeader out;
  out.index_last_update_timestamp = found.index_last_update_timestamp;
  out.index_last_update_phyoffset = found.index_last_update_phy_offset;

  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  for (const auto& range : found.messages) {
    if (RecordHasKey(range.view(), h->topic, h->key)) resp.body.append(range.data, range.size);
  }
  if (resp.body.empty()) {
    resp.code = ResponseCode::kQueryNotFound;
    resp.remark = "can not find message, maybe time range not correct";
  }
  out.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

void QueryProcessor::ViewMessageById(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::ViewMessageRequestHeader>(conn, req);
  if (!h) return;
  auto range = broker_.store().LookMessageByOffset(h->offset);
  if (!range.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "can not find message by the offset, " + std::to_string(h->offset));
  }
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  resp.body.assign(range->data, range->size);
  net::Reply(conn, req, std::move(resp));
}

}  // namespace orbit::broker
