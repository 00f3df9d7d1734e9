#include "broker/acl.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include "base/log.h"
#include "protocol/bodies_heartbeat.h"
#include "protocol/codes.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;

namespace {

constexpr std::string_view kAccessKey = "AccessKey";
constexpr std::string_view kSignature = "Signature";
constexpr std::string_view kUniqueMsgQueryFlag = "_UNIQUE_KEY_QUERY";
constexpr std::string_view kRetryPrefix = "%RETRY%";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Non-empty pieces between separators (commons-lang StringUtils.split).
std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsIp(std::string_view s) {
  std::string z(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, z.c_str(), buf) == 1 || inet_pton(AF_INET6, z.c_str(), buf) == 1;
}

std::optional<int> Octet(std::string_view s) {
  s = Trim(s);
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 255) return std::nullopt;
  return v;
}

Status BadAddress(std::string_view pattern) {
  return InvalidArgument("Netaddress examine Exception netaddress is " + std::string(pattern));
}

}  // namespace

uint8_t ParsePerm(std::string_view text) {
  text = Trim(text);
  if (text == "PUB") return kPermPub;
  if (text == "SUB") return kPermSub;
  if (text == "PUB|SUB" || text == "SUB|PUB") return kPermPub | kPermSub;
  return kPermDeny;
}

bool CheckPermission(uint8_t needed, uint8_t owned) {
  if ((owned & kPermDeny) != 0) return false;
  if ((needed & kPermAny) != 0) return (owned & (kPermPub | kPermSub)) != 0;
  return (needed & owned) != 0;
}

bool NeedsAdmin(int32_t code) {
  return code == RequestCode::kUpdateAndCreateTopic || code == RequestCode::kUpdateBrokerConfig ||
         code == RequestCode::kDeleteTopicInBroker ||
         code == RequestCode::kUpdateAndCreateSubscriptiongroup ||
         code == RequestCode::kDeleteSubscriptiongroup;
}

std::string GroupResource(std::string_view group) {
  return std::string(kRetryPrefix) + std::string(group);
}

Result<RemoteAddressPattern> RemoteAddressPattern::Parse(std::string_view pattern) {
  RemoteAddressPattern p;
  std::string_view text = Trim(pattern);
  if (text.empty()) return p;
  if (text == "*" || text == "*.*.*.*" || text == "*:*:*:*:*:*:*:*") {
    p.kind_ = Kind::kAll;
    return p;
  }
  if (text.back() == '}') {  // "192.168.0.{1,2}"
    size_t open = text.rfind('{');
    if (open == std::string_view::npos || (open > 0 && text[open - 1] != '.')) {
      return InvalidArgument(
          "MultipleRemoteAddressStrategy netaddress examine scope Exception netaddress " +
          std::string(text));
    }
    std::string_view prefix = text.substr(0, open);
    for (std::string_view item : Split(text.substr(open + 1, text.size() - open - 2), ',')) {
      std::string address = std::string(prefix) + std::string(Trim(item));
      if (!IsIp(address)) return BadAddress(address);
      p.set_.push_back(std::move(address));
    }
    p.kind_ = Kind::kSet;
    return p;
  }
  if (text.find(',') != std::string_view::npos) {
    for (std::string_view item : Split(text, ',')) {
      if (!IsIp(Trim(item))) return BadAddress(item);
      p.set_.emplace_back(Trim(item));
    }
    p.kind_ = Kind::kSet;
    return p;
  }
  if (text.find('*') != std::string_view::npos || text.find('-') != std::string_view::npos) {
    std::vector<std::string_view> octets = Split(text, '.');
    if (octets.size() != 4 || text.find(':') != std::string_view::npos) {
      return InvalidArgument("Netaddress examine scope Exception netaddress is " +
                             std::string(text) + " (ranges are IPv4 a.b.c.d)");
    }
    for (size_t i = 1; i < 4; ++i) {
      std::string_view v = Trim(octets[i]);
      if (v == "*") {
        p.start_ = 0;
        p.end_ = 255;
      } else if (size_t dash = v.find('-'); dash != std::string_view::npos) {
        std::optional<int> lo = Octet(v.substr(0, dash));
        std::optional<int> hi = Octet(v.substr(dash + 1));
        if (dash == 0 || !lo || !hi || *lo > *hi) {
          return InvalidArgument(
              "RangeRemoteAddressStrategy netaddress examine scope Exception value " +
              std::string(v));
        }
        p.start_ = *lo;
        p.end_ = *hi;
      } else {
        continue;
      }
      for (size_t j = 0; j < i; ++j) {
        std::optional<int> o = Octet(octets[j]);
        if (!o) {
          return InvalidArgument("Netaddress examine scope Exception netaddress is " +
                                 std::string(text));
        }
        p.head_.push_back(*o);
      }
      p.kind_ = Kind::kRange;
      return p;
    }
    return InvalidArgument("Netaddress examine scope Exception netaddress is " + std::string(text));
  }
  if (!IsIp(text)) return BadAddress(text);
  p.set_.emplace_back(text);
  p.kind_ = Kind::kSet;
  return p;
}

bool RemoteAddressPattern::Matches(std::string_view ip) const {
  switch (kind_) {
    case Kind::kNone:
      return false;
    case Kind::kAll:
      return true;
    case Kind::kSet:
      for (const std::string& s : set_) {
        if (s == ip) return true;
      }
      return false;
    case Kind::kRange: {
      std::vector<std::string_view> octets = Split(ip, '.');
      if (octets.size() != 4) return false;
      for (size_t i = 0; i < head_.size(); ++i) {
        if (Octet(octets[i]) != head_[i]) return false;
      }
      std::optional<int> v = Octet(octets[head_.size()]);
      return v && *v >= start_ && *v <= end_;
    }
  }
  return false;
}

// ---- signing ----

std::string CombineRequestContent(const RemotingCommand& request) {
  std::map<std::string_view, std::string_view> sorted;
  for (const auto& [key, value] : request.ext_fields) {
    if (key == kSignature || key == kUniqueMsgQueryFlag) continue;
    sorted[key] = value;  // a repeated key: the last wins, as in the Java map
  }
  std::string content;
  for (const auto& [key, value] : sorted) content.append(value);
  content.append(request.body);
  return content;
}

std::string HmacSha1Base64(std::string_view data, std::string_view key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len);
  std::string out(4 * ((mac_len + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(mac_len));
  out.resize(static_cast<size_t>(n));
  return out;
}

void SignRequest(RemotingCommand* request, std::string_view access_key,
                 std::string_view secret_key) {
  request->ext_fields.Set(kAccessKey, std::string(access_key));
  request->ext_fields.Erase(kSignature);
  request->ext_fields.Set(kSignature, HmacSha1Base64(CombineRequestContent(*request), secret_key));
}

// ---- the check ----

Result<AccessRequest> ParseAccessRequest(const RemotingCommand& request,
                                         std::string_view remote_addr) {
  AccessRequest a;
  a.code = request.code;
  size_t colon = remote_addr.rfind(':');
  a.remote_ip =
      std::string(colon == std::string_view::npos ? remote_addr : remote_addr.substr(0, colon));
  if (request.ext_fields.empty()) return a;  // only a white address can pass
  const auto& ext = request.ext_fields;
  auto get = [&ext](std::string_view key) -> std::optional<std::string> {
    const std::string* v = ext.Find(key);
    return v != nullptr ? std::optional<std::string>(*v) : std::nullopt;
  };
  a.access_key = get(kAccessKey);
  a.signature = get(kSignature);
  auto add = [&a](const std::optional<std::string>& resource, uint8_t perm) {
    if (resource) a.resources.emplace_back(*resource, perm);
  };
  auto add_group = [&a](const std::optional<std::string>& group, uint8_t perm) {
    if (group) a.resources.emplace_back(GroupResource(*group), perm);
  };
  switch (request.code) {
    case RequestCode::kSendMessage:
      add(get("topic"), kPermPub);
      break;
    case RequestCode::kSendMessageV2:
    case RequestCode::kSendBatchMessage:  // Orbit: Apache 4.9 leaves batches to the signature
      add(get("b"), kPermPub);
      break;
    case RequestCode::kConsumerSendMsgBack:
      add(get("originTopic"), kPermPub);
      add_group(get("group"), kPermSub);
      break;
    case RequestCode::kPullMessage:
      add(get("topic"), kPermSub);
      add_group(get("consumerGroup"), kPermSub);
      break;
    case RequestCode::kQueryMessage:
      add(get("topic"), kPermSub);
      break;
    case RequestCode::kHeartBeat: {
      auto hb = protocol::HeartbeatData::Decode(request.body);
      if (!hb.ok()) return InvalidArgument(hb.status().message());
      for (const auto& consumer : hb->consumer_data_set) {
        add_group(consumer.group_name, kPermSub);
        for (const auto& sub : consumer.subscription_data_set) add(sub.topic, kPermSub);
      }
      break;
    }
    case RequestCode::kUnregisterClient:
    case RequestCode::kGetConsumerListByGroup:
      add_group(get("consumerGroup"), kPermSub);
      break;
    case RequestCode::kUpdateConsumerOffset:
    case RequestCode::kQueryConsumerOffset:  // Orbit: not in Apache 4.9's list
      add_group(get("consumerGroup"), kPermSub);
      add(get("topic"), kPermSub);
      break;
    default:
      break;
  }
  a.content = CombineRequestContent(request);
  return a;
}

namespace {

std::string PrintResource(const std::string& resource) {
  if (resource.starts_with(kRetryPrefix)) {
    return "group:" + resource.substr(kRetryPrefix.size());
  }
  return "topic:" + resource;
}

Status Denied(std::string message) {
  return Status::Remote(protocol::ResponseCode::kNoPermission, std::move(message));
}

}  // namespace

Status ValidateAccess(const PlainAclConfig& config, const AccessRequest& access) {
  for (const RemoteAddressPattern& white : config.global_white_remote_addresses) {
    if (white.Matches(access.remote_ip)) return Status::Ok();
  }
  if (!access.access_key) return Denied("No accessKey is configured");
  auto it = config.accounts.find(*access.access_key);
  if (it == config.accounts.end()) return Denied("No acl config for " + *access.access_key);
  const PlainAccount& owned = it->second;
  // Apache: an account's white address skips the signature and the permissions.
  if (owned.white_remote_address.Matches(access.remote_ip)) return Status::Ok();
  if (HmacSha1Base64(access.content, owned.secret_key) != access.signature.value_or("")) {
    return Denied("Check signature failed for accessKey=" + *access.access_key);
  }
  if (NeedsAdmin(access.code) && !owned.admin) {
    return Denied("Need admin permission for request code=" + std::to_string(access.code) +
                  ", but accessKey=" + owned.access_key + " is not");
  }
  if (access.resources.empty() || (owned.resource_perms.empty() && owned.admin)) {
    return Status::Ok();
  }
  std::map<std::string_view, uint8_t> needed;  // Apache's map: a repeated resource overrides
  for (const auto& [resource, perm] : access.resources) needed[resource] = perm;
  for (const auto& [resource, perm] : needed) {
    bool is_group = resource.starts_with(kRetryPrefix);
    auto p = owned.resource_perms.find(std::string(resource));
    uint8_t have = p != owned.resource_perms.end()
                       ? p->second
                       : (is_group ? owned.default_group_perm : owned.default_topic_perm);
    if (!CheckPermission(perm, have)) {
      return Denied("No default permission for " + PrintResource(std::string(resource)));
    }
  }
  return Status::Ok();
}

}  // namespace orbit::broker
