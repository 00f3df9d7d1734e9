#include "protocol/bodies_heartbeat.h"

#include "protocol/internal/bodies_codec.h"

namespace orbit::protocol {

ORBIT_BODIES_DEFINE_JSON_CODEC(HeartbeatData)
ORBIT_BODIES_DEFINE_JSON_CODEC(CheckClientRequestBody)

}  // namespace orbit::protocol
