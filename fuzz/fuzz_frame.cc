// Fuzzes frame decoding: the input is a frame payload (what follows the 4-byte length prefix).
// When its first 4 bytes also form a valid length, the input is additionally read as a whole
// frame. Every frame Orbit accepts must re-encode (EncodeFrame) into a frame that decodes to the
// same command.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "fuzz/command_check.h"
#include "fuzz/fuzz_check.h"
#include "protocol/remoting_command.h"

namespace {

using orbit::protocol::RemotingCommand;

void CheckPayload(std::string_view payload) {
  auto decoded = orbit::protocol::DecodeFramePayload(payload);
  if (!decoded.ok()) return;
  const RemotingCommand& cmd = *decoded;

  std::string frame;
  orbit::Status st = orbit::protocol::EncodeFrame(cmd, &frame);
  if (!st.ok()) {
    // Documented refusal: binary header key longer than int16.
    ORBIT_FUZZ_CHECK(cmd.serialize_type == orbit::protocol::SerializeType::kRocketmq,
                     st.ToString());
    ORBIT_FUZZ_CHECK(frame.empty(), "failed EncodeFrame left bytes behind");
    return;
  }
  ORBIT_FUZZ_CHECK(frame.size() >= 8, "encoded frame shorter than its prefixes");
  auto length = orbit::protocol::DecodeFrameLength(frame.data());
  ORBIT_FUZZ_CHECK_OK(length.status());
  ORBIT_FUZZ_CHECK(*length == frame.size() - 4, "length prefix disagrees with the frame size");

  auto again = orbit::protocol::DecodeFramePayload(std::string_view(frame).substr(4));
  ORBIT_FUZZ_CHECK_OK(again.status());
  orbit::fuzz::CheckSameCommand(cmd, *again);

  std::string frame_again;
  ORBIT_FUZZ_CHECK_OK(orbit::protocol::EncodeFrame(*again, &frame_again));
  ORBIT_FUZZ_CHECK(frame == frame_again, "frame encoding is not stable");

  // The split form must produce the same bytes as the whole frame.
  std::string head;
  ORBIT_FUZZ_CHECK_OK(orbit::protocol::EncodeFrameHead(cmd, cmd.body.size(), &head));
  ORBIT_FUZZ_CHECK(head + cmd.body == frame, "EncodeFrameHead + body differs from EncodeFrame");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = orbit::fuzz::AsView(data, size);
  CheckPayload(in);
  if (in.size() >= 4) {
    auto length = orbit::protocol::DecodeFrameLength(in.data());
    if (length.ok()) {
      ORBIT_FUZZ_CHECK(*length >= 4 && *length <= orbit::protocol::kMaxFrameLength,
                       "DecodeFrameLength accepted an out-of-range length");
      ORBIT_FUZZ_CHECK(*length == orbit::LoadU32(in.data()), "length is not the prefix value");
      if (*length <= in.size() - 4) CheckPayload(in.substr(4, *length));
    }
  }
  return 0;
}
