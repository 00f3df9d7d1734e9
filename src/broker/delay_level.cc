#include "broker/delay_level.h"

#include <cstdlib>

#include "broker/topic_config_manager.h"
#include "protocol/message_flags.h"

namespace orbit::broker {

int64_t DelayTimeLevel(const protocol::MessageProperties& props) {
  const std::string* text = props.Find(protocol::kPropertyDelayTimeLevel);
  if (text == nullptr || text->empty()) return 0;
  return std::strtoll(text->c_str(), nullptr, 10);
}

bool ParkDelayedMessage(std::span<const int64_t> delay_levels, int32_t sys_flag,
                        protocol::MessageProperties* props, std::string* topic, int32_t* queue_id) {
  auto tran_type = protocol::GetTransactionType(sys_flag);
  if (tran_type != protocol::TransactionType::kNotType &&
      tran_type != protocol::TransactionType::kCommit) {
    return false;
  }
  int64_t level = DelayTimeLevel(*props);
  if (level <= 0) return false;
  int64_t max_level = static_cast<int64_t>(delay_levels.size());
  if (level > max_level) {
    level = max_level;
    props->Set(protocol::kPropertyDelayTimeLevel, std::to_string(level));
  }
  props->Set(protocol::kPropertyRealTopic, *topic);
  props->Set(protocol::kPropertyRealQueueId, std::to_string(*queue_id));
  *topic = std::string(kScheduleTopic);
  *queue_id = static_cast<int32_t>(level - 1);
  return true;
}

}  // namespace orbit::broker
