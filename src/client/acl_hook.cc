// ACL 1.0 request signing (MakeAclRpcHook in orbit/client_config.h).
//
// What a broker with aclEnable=true checks: the ext fields AccessKey and Signature, where
// Signature = Base64(HmacSHA1(secretKey, content)) and content is the values of every ext field
// except Signature and _UNIQUE_KEY_QUERY, in the byte order of their keys, concatenated,
// followed by the body. AccessKey (and SecurityToken, when given) are set before signing, so
// their values are part of the content. Hence the hook must run after every other header field
// is in place, and nothing may change the fields or the body afterwards.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "orbit/client_config.h"

namespace orbit {

namespace {

constexpr std::string_view kAccessKey = "AccessKey";
constexpr std::string_view kSecurityToken = "SecurityToken";
constexpr std::string_view kSignature = "Signature";
// QUERY_MESSAGE's flag for a lookup by unique key: brokers leave it out of the content.
constexpr std::string_view kUniqueKeyQueryFlag = "_UNIQUE_KEY_QUERY";

// Base64 of HMAC-SHA1(key, data); "" if OpenSSL fails (the broker then refuses the request).
std::string HmacSha1Base64(std::string_view data, std::string_view key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // A non-null key pointer even for an empty key: OpenSSL refuses a null one.
  static const char kEmpty = 0;
  const char* key_data = key.empty() ? &kEmpty : key.data();
  if (HMAC(EVP_sha1(), key_data, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &mac_len) == nullptr) {
    return {};
  }
  std::string out(4 * ((mac_len + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(mac_len));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

// Immutable after construction, so BeforeRequest may run on any number of threads at once.
class AclRpcHook final : public RpcHook {
 public:
  AclRpcHook(std::string access_key, std::string secret_key, std::string security_token)
      : access_key_(std::move(access_key)),
        secret_key_(std::move(secret_key)),
        security_token_(std::move(security_token)) {}

  void BeforeRequest(const std::string& /*remote_addr*/, RpcView& request) override {
    std::map<std::string, std::string>& ext = request.ext_fields;
    ext.insert_or_assign(std::string(kAccessKey), access_key_);
    if (!security_token_.empty())
      ext.insert_or_assign(std::string(kSecurityToken), security_token_);
    std::string content;
    for (const auto& [key, value] : ext) {  // std::map: keys in byte order
      if (key == kSignature || key == kUniqueKeyQueryFlag) continue;
      content.append(value);
    }
    content.append(request.body);
    ext.insert_or_assign(std::string(kSignature), HmacSha1Base64(content, secret_key_));
  }

 private:
  const std::string access_key_;
  const std::string secret_key_;
  const std::string security_token_;
};

}  // namespace

std::shared_ptr<RpcHook> MakeAclRpcHook(std::string access_key, std::string secret_key,
                                        std::string security_token) {
  return std::make_shared<AclRpcHook>(std::move(access_key), std::move(secret_key),
                                      std::move(security_token));
}

}  // namespace orbit
