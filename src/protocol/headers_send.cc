#include "protocol/headers_send.h"

#include <utility>

#include "protocol/codes.h"
#include "protocol/internal/headers_codec.h"

namespace orbit::protocol {

using headers_internal::ParseValue;

ORBIT_DEFINE_HEADER_CODEC(SendMessageRequestHeader)
ORBIT_DEFINE_HEADER_CODEC(SendMessageResponseHeader)
ORBIT_DEFINE_HEADER_CODEC(ReplyMessageRequestHeader)

namespace {

constexpr int kNoError = 32;

Status ParseLetter(const std::string& key, const std::string& raw, SendMessageRequestHeaderV2* s) {
  switch (key[0]) {
    case 'a':
      return ParseValue(key, raw, &s->a);
    case 'b':
      return ParseValue(key, raw, &s->b);
    case 'c':
      return ParseValue(key, raw, &s->c);
    case 'd':
      return ParseValue(key, raw, &s->d);
    case 'e':
      return ParseValue(key, raw, &s->e);
    case 'f':
      return ParseValue(key, raw, &s->f);
    case 'g':
      return ParseValue(key, raw, &s->g);
    case 'h':
      return ParseValue(key, raw, &s->h);
    case 'i':
      return ParseValue(key, raw, &s->i.emplace());
    case 'j':
      return ParseValue(key, raw, &s->j.emplace());
    case 'k':
      return ParseValue(key, raw, &s->k.emplace());
    case 'l':
      return ParseValue(key, raw, &s->l.emplace());
    case 'm':
      return ParseValue(key, raw, &s->m.emplace());
    case 'n':
      return ParseValue(key, raw, &s->n.emplace());
    default:
      return Status::Ok();
  }
}

}  // namespace

void SendMessageRequestHeaderV2::Encode(ExtFields* ext) const {
  headers_internal::EncodeFields(*this, ext);
}

// One pass over extFields with a switch on the key letter instead of fourteen lookups. Same
// result as the generic decoder: the first occurrence of a key wins, and of several problems the
// one of the earliest key in a..n order is reported.
Result<SendMessageRequestHeaderV2> SendMessageRequestHeaderV2::Decode(const ExtFields& ext) {
  SendMessageRequestHeaderV2 s;
  s.k.reset();
  s.m.reset();
  uint32_t seen = 0;
  int error_at = kNoError;
  Status error;
  for (const auto& [key, raw] : ext) {
    if (key.size() != 1 || key[0] < 'a' || key[0] > 'n') continue;
    const int index = key[0] - 'a';
    if ((seen & (1u << index)) != 0) continue;
    seen |= 1u << index;
    if (index > error_at) continue;
    Status st = ParseLetter(key, raw, &s);
    if (!st.ok()) {
      error_at = index;
      error = std::move(st);
    }
  }
  // a..h are required.
  for (int index = 0; index <= 'h' - 'a' && index < error_at; ++index) {
    if ((seen & (1u << index)) == 0) {
      const char key = static_cast<char>('a' + index);
      return MissingField(std::string_view(&key, 1));
    }
  }
  if (error_at != kNoError) return error;
  return s;
}

namespace {

template <typename V1, typename V2>
void MoveV2IntoV1(V2&& v2, V1* v1) {
  v1->producer_group = std::forward<V2>(v2).a;
  v1->topic = std::forward<V2>(v2).b;
  v1->default_topic = std::forward<V2>(v2).c;
  v1->default_topic_queue_nums = v2.d;
  v1->queue_id = v2.e;
  v1->sys_flag = v2.f;
  v1->born_timestamp = v2.g;
  v1->flag = v2.h;
  v1->properties = std::forward<V2>(v2).i;
  v1->reconsume_times = v2.j;
  v1->unit_mode = v2.k;
  v1->max_reconsume_times = v2.l;
  v1->batch = v2.m;
  v1->bname = std::forward<V2>(v2).n;
}

template <typename V1, typename V2>
void MoveV1IntoV2(V1&& v1, V2* v2) {
  v2->a = std::forward<V1>(v1).producer_group;
  v2->b = std::forward<V1>(v1).topic;
  v2->c = std::forward<V1>(v1).default_topic;
  v2->d = v1.default_topic_queue_nums;
  v2->e = v1.queue_id;
  v2->f = v1.sys_flag;
  v2->g = v1.born_timestamp;
  v2->h = v1.flag;
  v2->i = std::forward<V1>(v1).properties;
  v2->j = v1.reconsume_times;
  v2->k = v1.unit_mode;
  v2->l = v1.max_reconsume_times;
  v2->m = v1.batch;
  v2->n = std::forward<V1>(v1).bname;
}

}  // namespace

SendMessageRequestHeader ToV1(const SendMessageRequestHeaderV2& v2) {
  SendMessageRequestHeader v1;
  MoveV2IntoV1(v2, &v1);
  return v1;
}

SendMessageRequestHeader ToV1(SendMessageRequestHeaderV2&& v2) {
  SendMessageRequestHeader v1;
  MoveV2IntoV1(std::move(v2), &v1);
  return v1;
}

SendMessageRequestHeaderV2 ToV2(const SendMessageRequestHeader& v1) {
  SendMessageRequestHeaderV2 v2;
  MoveV1IntoV2(v1, &v2);
  return v2;
}

SendMessageRequestHeaderV2 ToV2(SendMessageRequestHeader&& v1) {
  SendMessageRequestHeaderV2 v2;
  MoveV1IntoV2(std::move(v1), &v2);
  return v2;
}

Result<SendMessageRequestHeader> DecodeSendMessageRequestHeader(const RemotingCommand& request) {
  switch (request.code) {
    case RequestCode::kSendMessage:
    case RequestCode::kSendReplyMessage:
      return SendMessageRequestHeader::Decode(request.ext_fields);
    case RequestCode::kSendMessageV2:
    case RequestCode::kSendBatchMessage:
    case RequestCode::kSendReplyMessageV2: {
      ORBIT_ASSIGN_OR_RETURN(SendMessageRequestHeaderV2 v2,
                             SendMessageRequestHeaderV2::Decode(request.ext_fields));
      return ToV1(std::move(v2));
    }
    default:
      return InvalidArgument("request code " + std::to_string(request.code) +
                             " does not carry a send message header");
  }
}

}  // namespace orbit::protocol
