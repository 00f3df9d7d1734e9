#include "client/received.h"

#include "protocol/properties.h"

namespace orbit::client {

Result<MessageExt> ToMessageExt(const protocol::MessageRecord& record,
                                const std::string& broker_name) {
  MessageExt m;
  m.set_topic(record.topic);
  ORBIT_ASSIGN_OR_RETURN(std::string body, protocol::DecompressedBody(record));
  m.set_body(std::move(body));
  m.set_flag(record.flag);
  for (const auto& [name, value] : record.properties) m.PutPropertyUnchecked(name, value);
  m.msg_id = record.ClientMsgId();
  m.offset_msg_id = record.OffsetMsgId();
  m.broker_name = broker_name;
  m.queue_id = record.queue_id;
  m.queue_offset = record.queue_offset;
  m.commit_log_offset = record.physical_offset;
  m.born_timestamp = record.born_timestamp;
  m.store_timestamp = record.store_timestamp;
  m.born_host = record.born_host.ToString();
  m.store_host = record.store_host.ToString();
  m.reconsume_times = record.reconsume_times;
  m.sys_flag = record.sys_flag;
  m.body_crc = record.body_crc;
  m.prepared_transaction_offset = record.prepared_transaction_offset;
  return m;
}

}  // namespace orbit::client
