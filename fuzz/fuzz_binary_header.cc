// Fuzzes the binary (ROCKETMQ) header decoder: the input is the header bytes of a serializeType
// 1 frame. An accepted header must re-encode (EncodeBinaryHeader) into one that decodes to the
// same command; entries with an empty key or value are dropped on decoding, so the re-encoded
// header is compared field by field, and byte for byte only with its own re-encoding.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/command_check.h"
#include "fuzz/fuzz_check.h"
#include "protocol/remoting_command.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = orbit::fuzz::AsView(data, size);
  orbit::protocol::RemotingCommand cmd;
  cmd.serialize_type = orbit::protocol::SerializeType::kRocketmq;
  if (!orbit::protocol::DecodeBinaryHeader(in, &cmd).ok()) return 0;
  ORBIT_FUZZ_CHECK(!cmd.remark || !cmd.remark->empty(), "binary remark decoded as empty string");
  for (const auto& [k, v] : cmd.ext_fields) {
    ORBIT_FUZZ_CHECK(!k.empty() && !v.empty(), "binary extFields entry decoded empty");
  }
  orbit::fuzz::CheckHeaderRoundTrip(cmd);
  return 0;
}
