#pragma once

// ACL 1.0 ("plain ACL"), as Apache RocketMQ 4.9's acl/ module checks requests when the broker
// runs with aclEnable=true: every request carries AccessKey and Signature ext fields, the
// signature being Base64(HmacSHA1(secretKey, content)) where content is the values of all ext
// fields except Signature (and _UNIQUE_KEY_QUERY), sorted by key, concatenated, followed by the
// body bytes. The account's permissions on the topics and groups the request touches decide.
//
// File (plain_acl.yml, Apache's YAML format):
//   globalWhiteRemoteAddresses: [ "10.10.103.*", "192.168.0.*" ]   # no signature needed
//   accounts:
//     - accessKey: RocketMQ            # longer than 6 characters
//       secretKey: 12345678            # longer than 6 characters
//       whiteRemoteAddress: 192.168.0.*  # from here: no signature and no permission check
//       admin: false                   # admin-only request codes (topic/group create, ...)
//       defaultTopicPerm: DENY         # PUB, SUB, PUB|SUB, SUB|PUB, DENY (anything else: DENY)
//       defaultGroupPerm: SUB
//       topicPerms: [ topicA=DENY, topicB=PUB|SUB ]
//       groupPerms: [ groupA=DENY, groupB=PUB|SUB ]
// A group is checked as the resource "%RETRY%<group>", as in Apache.
//
// Address patterns (RemoteAddressStrategyFactory): "*" (or "*.*.*.*") any; "1.2.3.4" one;
// "1.2.3.4,1.2.3.5" or "192.168.0.{1,2}" a set; "192.168.1.1-100" or "192.168.*.*" a range on
// the first octet after the fixed ones (IPv4 only); blank matches nothing.
//
// Threads: Check runs on the server's event loops; ReloadIfChanged on the broker's scheduler.
// The current config is an immutable snapshot swapped under a mutex.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "protocol/remoting_command.h"
#include "store/file_system.h"

namespace orbit::broker {

// Permission bits (Apache Permission).
inline constexpr uint8_t kPermDeny = 1;
inline constexpr uint8_t kPermAny = 1 << 1;
inline constexpr uint8_t kPermPub = 1 << 2;
inline constexpr uint8_t kPermSub = 1 << 3;

// "PUB", "SUB", "PUB|SUB", "SUB|PUB", "DENY" (trimmed); anything else is DENY, as in Apache.
uint8_t ParsePerm(std::string_view text);
// Apache's Permission.checkPermission: an owned DENY refuses everything; a needed ANY is met by
// PUB or SUB.
bool CheckPermission(uint8_t needed, uint8_t owned);
// UPDATE_AND_CREATE_TOPIC, UPDATE_BROKER_CONFIG, DELETE_TOPIC_IN_BROKER,
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, DELETE_SUBSCRIPTIONGROUP.
bool NeedsAdmin(int32_t request_code);
// The resource name of a group: "%RETRY%<group>".
std::string GroupResource(std::string_view group);

class RemoteAddressPattern {
 public:
  // Blank: matches nothing. Errors name the pattern.
  static Result<RemoteAddressPattern> Parse(std::string_view pattern);
  // `ip` without a port.
  bool Matches(std::string_view ip) const;

 private:
  enum class Kind { kNone, kAll, kSet, kRange };
  Kind kind_ = Kind::kNone;
  std::vector<std::string> set_;
  std::vector<int> head_;  // kRange: the fixed leading octets
  int start_ = 0;
  int end_ = 0;
};

struct PlainAccount {
  std::string access_key;
  std::string secret_key;
  RemoteAddressPattern white_remote_address;
  bool admin = false;
  uint8_t default_topic_perm = kPermDeny;
  uint8_t default_group_perm = kPermDeny;
  // Topic names and GroupResource(group) names.
  std::map<std::string, uint8_t> resource_perms;
};

struct PlainAclConfig {
  std::vector<RemoteAddressPattern> global_white_remote_addresses;
  std::map<std::string, PlainAccount> accounts;  // by access key; a repeated key: the last wins

  // Parses plain_acl.yml text. An empty document is an empty config. Errors (kInvalidArgument)
  // name the field, e.g. "accounts[1].secretKey: ...".
  static Result<PlainAclConfig> Parse(std::string_view yaml);
};

// ---- signing (AclUtils.combineRequestContent, AclSigner) ----

// The ext field values sorted by key (Signature and _UNIQUE_KEY_QUERY left out), then the body.
std::string CombineRequestContent(const protocol::RemotingCommand& request);
std::string HmacSha1Base64(std::string_view data, std::string_view key);
// Sets AccessKey, then Signature over the request as it then is (what AclClientRPCHook does).
void SignRequest(protocol::RemotingCommand* request, std::string_view access_key,
                 std::string_view secret_key);

// What a request needs (PlainAccessValidator.parse).
struct AccessRequest {
  int32_t code = 0;
  std::string remote_ip;
  std::optional<std::string> access_key;
  std::optional<std::string> signature;
  std::vector<std::pair<std::string, uint8_t>> resources;  // in order; a repeat overrides
  std::string content;
};

// Fails (with Apache's message) when the request's body or headers cannot be read, e.g. a
// HEART_BEAT body that is not JSON.
Result<AccessRequest> ParseAccessRequest(const protocol::RemotingCommand& request,
                                         std::string_view remote_addr);
// PlainPermissionManager.validate: Ok, or kRemote/NO_PERMISSION with Apache's message.
Status ValidateAccess(const PlainAclConfig& config, const AccessRequest& access);

class AclValidator {
 public:
  // Reads and parses `path`; a missing or bad file is an error naming the file.
  static Result<std::unique_ptr<AclValidator>> Open(store::FileSystem& fs, std::string path);
  explicit AclValidator(PlainAclConfig config);

  // Ok, or kRemote with NO_PERMISSION and Apache's message. Any thread.
  Status Check(const protocol::RemotingCommand& request, std::string_view remote_addr) const
      ORBIT_EXCLUDES(mu_);
  // Check as a server request filter: the NO_PERMISSION response, or nothing to let it through.
  std::optional<protocol::RemotingCommand> Filter(const protocol::RemotingCommand& request,
                                                  std::string_view remote_addr) const;

  // Re-reads the file when its text changed since the last attempt (Apache's AclFileWatchService
  // hashes the file every 5 s). A file that fails keeps the last good config and is logged once;
  // returns that error. Scheduler thread.
  Status ReloadIfChanged() ORBIT_EXCLUDES(mu_);
  std::shared_ptr<const PlainAclConfig> config() const ORBIT_EXCLUDES(mu_);

 private:
  store::FileSystem* fs_ = nullptr;  // null: built from a config, nothing to reload
  std::string path_;
  std::string last_text_;  // scheduler thread only
  mutable Mutex mu_;
  std::shared_ptr<const PlainAclConfig> config_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::broker
