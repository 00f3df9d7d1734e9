#include "protocol/bodies_admin.h"

#include "protocol/internal/bodies_codec.h"

namespace orbit::protocol {

ORBIT_BODIES_DEFINE_JSON_CODEC(ConsumeStats)
ORBIT_BODIES_DEFINE_JSON_CODEC(TopicStatsTable)
ORBIT_BODIES_DEFINE_JSON_CODEC(ConsumerConnection)
ORBIT_BODIES_DEFINE_JSON_CODEC(ProducerConnection)
ORBIT_BODIES_DEFINE_JSON_CODEC(SubscriptionGroupConfig)
ORBIT_BODIES_DEFINE_JSON_CODEC(SubscriptionGroupWrapper)
ORBIT_BODIES_DEFINE_PRETTY(SubscriptionGroupWrapper)
ORBIT_BODIES_DEFINE_JSON_CODEC(GroupList)

}  // namespace orbit::protocol
