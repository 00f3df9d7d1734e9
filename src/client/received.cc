#include "client/received.h"

#include "protocol/message_id.h"
#include "protocol/properties.h"

namespace orbit::client {

const std::string& HostNameCache::Name(std::string_view ip, int32_t port) {
  if (port != port_ || ip != ip_) {
    ip_.assign(ip);
    port_ = port;
    name_ = protocol::HostAddress{ip_, port}.ToString();
  }
  return name_;
}

Result<MessageExt> ToMessageExt(const protocol::MessageRecordView& record,
                                const std::string& broker_name, RecordHostCache* hosts) {
  RecordHostCache local;
  if (hosts == nullptr) hosts = &local;
  MessageExt m;
  m.set_topic(std::string(record.topic));
  ORBIT_ASSIGN_OR_RETURN(std::string body,
                         protocol::DecompressedBody(record.sys_flag, record.body));
  m.set_body(std::move(body));
  m.set_flag(record.flag);
  std::string_view unique_key;
  protocol::ForEachProperty(record.properties,
                            [&m, &unique_key](std::string_view name, std::string_view value) {
                              if (name == protocol::kPropertyUniqKey) unique_key = value;
                              m.PutPropertyUnchecked(std::string(name), std::string(value));
                            });
  const protocol::HostAddress store_host{std::string(record.store_ip), record.store_port};
  m.offset_msg_id = protocol::EncodeOffsetMessageId(store_host, record.physical_offset);
  // What a Java consumer reports as msgId: UNIQ_KEY when present, else the offset id.
  m.msg_id = unique_key.empty() ? m.offset_msg_id : std::string(unique_key);
  m.broker_name = broker_name;
  m.queue_id = record.queue_id;
  m.queue_offset = record.queue_offset;
  m.commit_log_offset = record.physical_offset;
  m.born_timestamp = record.born_timestamp;
  m.store_timestamp = record.store_timestamp;
  m.born_host = hosts->born.Name(record.born_ip, record.born_port);
  m.store_host = hosts->store.Name(record.store_ip, record.store_port);
  m.reconsume_times = record.reconsume_times;
  m.sys_flag = record.sys_flag;
  m.body_crc = record.body_crc;
  m.prepared_transaction_offset = record.prepared_transaction_offset;
  return m;
}

Result<MessageExt> ToMessageExt(const protocol::MessageRecord& record,
                                const std::string& broker_name) {
  const std::string properties = protocol::EncodeProperties(record.properties);
  protocol::MessageRecordView view;
  view.magic_code = record.magic_code;
  view.body_crc = record.body_crc;
  view.queue_id = record.queue_id;
  view.flag = record.flag;
  view.queue_offset = record.queue_offset;
  view.physical_offset = record.physical_offset;
  view.sys_flag = record.sys_flag;
  view.born_timestamp = record.born_timestamp;
  view.born_ip = record.born_host.ip;
  view.born_port = record.born_host.port;
  view.store_timestamp = record.store_timestamp;
  view.store_ip = record.store_host.ip;
  view.store_port = record.store_host.port;
  view.reconsume_times = record.reconsume_times;
  view.prepared_transaction_offset = record.prepared_transaction_offset;
  view.body = record.body;
  view.topic = record.topic;
  view.properties = properties;
  return ToMessageExt(view, broker_name);
}

}  // namespace orbit::client
