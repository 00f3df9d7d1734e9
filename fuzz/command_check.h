#pragma once

// Round-trip invariants for RemotingCommand, shared by fuzz_frame and the header targets.

#include <string>

#include "fuzz/fuzz_check.h"
#include "protocol/remoting_command.h"

namespace orbit::fuzz {

// Fields that survive any encode/decode cycle of a command Orbit itself decoded. (language is
// checked by the callers: a JSON header maps unknown names to OTHER, the binary header keeps the
// raw byte.)
inline void CheckSameCommand(const protocol::RemotingCommand& a,
                             const protocol::RemotingCommand& b) {
  ORBIT_FUZZ_CHECK(a.code == b.code, "code differs after re-encoding");
  ORBIT_FUZZ_CHECK(a.opaque == b.opaque, "opaque differs after re-encoding");
  ORBIT_FUZZ_CHECK(a.flag == b.flag, "flag differs after re-encoding");
  ORBIT_FUZZ_CHECK(a.version == b.version, "version differs after re-encoding");
  ORBIT_FUZZ_CHECK(a.language == b.language, "language differs after re-encoding");
  ORBIT_FUZZ_CHECK(a.remark == b.remark, "remark differs after re-encoding");
  ORBIT_FUZZ_CHECK(a.ext_fields == b.ext_fields, "extFields differ after re-encoding");
  ORBIT_FUZZ_CHECK(a.body == b.body, "body differs after re-encoding");
  ORBIT_FUZZ_CHECK(a.serialize_type == b.serialize_type, "serialize type differs");
}

// Encodes the header of `cmd` (which was decoded from a header of cmd.serialize_type), decodes
// it again and checks that nothing changed; also that encoding is then stable byte for byte.
// Returns false (no check made) when the encoder refuses the command for a documented reason.
inline bool CheckHeaderRoundTrip(const protocol::RemotingCommand& cmd) {
  std::string encoded;
  Status st = protocol::EncodeHeader(cmd, cmd.serialize_type, &encoded);
  if (!st.ok()) {
    // Only the binary form may refuse a command: a key longer than int16 (the decoder reads
    // keyLen as uint16).
    ORBIT_FUZZ_CHECK(cmd.serialize_type == protocol::SerializeType::kRocketmq, st.ToString());
    return false;
  }
  protocol::RemotingCommand again;
  again.serialize_type = cmd.serialize_type;
  again.body = cmd.body;
  if (cmd.serialize_type == protocol::SerializeType::kJson) {
    ORBIT_FUZZ_CHECK_OK(protocol::DecodeJsonHeader(encoded, &again));
  } else {
    ORBIT_FUZZ_CHECK_OK(protocol::DecodeBinaryHeader(encoded, &again));
  }
  CheckSameCommand(cmd, again);
  std::string encoded_again;
  ORBIT_FUZZ_CHECK_OK(protocol::EncodeHeader(again, again.serialize_type, &encoded_again));
  ORBIT_FUZZ_CHECK(encoded == encoded_again, "header encoding is not stable");
  return true;
}

}  // namespace orbit::fuzz
