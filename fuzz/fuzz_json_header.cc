// Fuzzes the JSON header decoder: the input is the header text of a serializeType 0 frame. An
// accepted header must re-encode (EncodeJsonHeader) into one that decodes to the same command,
// and encoding must then be stable. Whatever the fast path decodes, the general decoder decodes
// to the same command.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/command_check.h"
#include "fuzz/fuzz_check.h"
#include "protocol/remoting_command.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = orbit::fuzz::AsView(data, size);
  orbit::protocol::RemotingCommand cmd;
  cmd.serialize_type = orbit::protocol::SerializeType::kJson;
  // The fast path must agree with the general decoder on everything it takes.
  orbit::protocol::RemotingCommand fast = cmd;
  if (orbit::protocol::internal::DecodeJsonHeaderFast(in, &fast)) {
    orbit::protocol::RemotingCommand general = cmd;
    ORBIT_FUZZ_CHECK_OK(orbit::protocol::internal::DecodeJsonHeaderGeneral(in, &general));
    orbit::fuzz::CheckSameCommand(fast, general);
  }
  if (!orbit::protocol::DecodeJsonHeader(in, &cmd).ok()) return 0;
  orbit::fuzz::CheckHeaderRoundTrip(cmd);
  return 0;
}
