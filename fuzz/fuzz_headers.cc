// Fuzzes the typed custom headers (protocol/headers*.h). The first input byte chooses the
// header: its index in ORBIT_HEADER_TYPES (protocol/headers.h), modulo the number of headers plus
// one; the extra index runs the send-header conversions (ToV1/ToV2,
// DecodeSendMessageRequestHeader). The rest is turned into extFields: lines separated by '\n', each
// "key=value" split at its first
// '=' (a line without '=' is a key with an empty value; repeated keys are kept, as a peer may send
// them). Whatever decodes must encode back (into empty extFields and over the original ones) to
// extFields that decode to an equal header.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "protocol/headers.h"
#include "protocol/remoting_command.h"

namespace {

namespace p = orbit::protocol;

p::ExtFields ToExtFields(std::string_view in) {
  p::ExtFields ext;
  while (!in.empty()) {
    size_t eol = in.find('\n');
    std::string_view line = in.substr(0, eol);
    in.remove_prefix(eol == std::string_view::npos ? in.size() : eol + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      ext.Append(std::string(line), std::string());
    } else {
      ext.Append(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
  }
  return ext;
}

template <typename T>
void FuzzHeader(const p::ExtFields& ext) {
  auto decoded = T::Decode(ext);
  if (!decoded.ok()) return;
  p::ExtFields fresh;
  decoded->Encode(&fresh);
  auto again = T::Decode(fresh);
  ORBIT_FUZZ_CHECK_OK(again.status());
  ORBIT_FUZZ_CHECK(*again == *decoded, "header does not round-trip through empty extFields");
  p::ExtFields fresh_again;
  again->Encode(&fresh_again);
  ORBIT_FUZZ_CHECK(fresh_again == fresh, "header encoding is not stable");

  p::ExtFields over = ext;
  decoded->Encode(&over);
  auto over_again = T::Decode(over);
  ORBIT_FUZZ_CHECK_OK(over_again.status());
  ORBIT_FUZZ_CHECK(*over_again == *decoded, "header does not round-trip over its extFields");
}

void FuzzSendHeaders(const p::ExtFields& ext) {
  if (auto v1 = p::SendMessageRequestHeader::Decode(ext); v1.ok()) {
    ORBIT_FUZZ_CHECK(p::ToV1(p::ToV2(*v1)) == *v1, "V1 -> V2 -> V1 is lossy");
  }
  if (auto v2 = p::SendMessageRequestHeaderV2::Decode(ext); v2.ok()) {
    ORBIT_FUZZ_CHECK(p::ToV2(p::ToV1(*v2)) == *v2, "V2 -> V1 -> V2 is lossy");
    p::SendMessageRequestHeaderV2 moved = *v2;
    ORBIT_FUZZ_CHECK(p::ToV1(std::move(moved)) == p::ToV1(*v2), "ToV1 by move differs");
  }
  for (int32_t code : {p::RequestCode::kSendMessage, p::RequestCode::kSendMessageV2,
                       p::RequestCode::kSendBatchMessage, p::RequestCode::kPullMessage}) {
    p::RemotingCommand cmd = p::RemotingCommand::Request(code);
    cmd.ext_fields = ext;
    (void)p::DecodeSendMessageRequestHeader(cmd);
  }
}

using FuzzFn = void (*)(const p::ExtFields&);

// In ORBIT_HEADER_TYPES order (fuzz/tools/make_seeds.py reads the same list).
constexpr FuzzFn kHeaders[] = {
#define ORBIT_FUZZ_HEADER(T) FuzzHeader<p::T>,
    ORBIT_HEADER_TYPES(ORBIT_FUZZ_HEADER)
#undef ORBIT_FUZZ_HEADER
        FuzzSendHeaders,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = orbit::fuzz::AsView(data, size);
  uint8_t selector = 0;
  if (!orbit::fuzz::TakeSelector(&in, &selector)) return 0;
  kHeaders[selector % std::size(kHeaders)](ToExtFields(in));
  return 0;
}
