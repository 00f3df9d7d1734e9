#include "protocol/bodies_consumer.h"

#include "protocol/internal/bodies_codec.h"

namespace orbit::protocol {

ORBIT_BODIES_DEFINE_JSON_CODEC(LockBatchRequestBody)
ORBIT_BODIES_DEFINE_JSON_CODEC(LockBatchResponseBody)
ORBIT_BODIES_DEFINE_JSON_CODEC(GetConsumerListByGroupResponseBody)
ORBIT_BODIES_DEFINE_JSON_CODEC(ResetOffsetBody)
ORBIT_BODIES_DEFINE_JSON_CODEC(ResetOffsetBodyForC)
ORBIT_BODIES_DEFINE_JSON_CODEC(ConsumerRunningInfo)
ORBIT_BODIES_DEFINE_JSON_CODEC(ConsumeMessageDirectlyResult)

}  // namespace orbit::protocol
