#include "protocol/bodies_route.h"

#include "protocol/internal/bodies_codec.h"

namespace orbit::protocol {

Result<TopicRouteData> TopicRouteData::Decode(std::string_view json) {
  return bodies_internal::DecodeBody<TopicRouteData>(json, "TopicRouteData");
}

std::string TopicRouteData::Encode(JsonStyle style) const {
  std::string out;
  EncodeTo(&out, style);
  return out;
}

void TopicRouteData::EncodeTo(std::string* out, JsonStyle style) const {
  bodies_internal::EncodeBody(*this, style, out);
}

ORBIT_BODIES_DEFINE_JSON_CODEC(ClusterInfo)
ORBIT_BODIES_DEFINE_JSON_CODEC(TopicList)

}  // namespace orbit::protocol
