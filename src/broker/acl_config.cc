// plain_acl.yml loading (PlainPermissionManager.load) and the reloading AclValidator.

#include <yaml-cpp/yaml.h>

#include "base/log.h"
#include "broker/acl.h"
#include "protocol/codes.h"

namespace orbit::broker {

using protocol::RemotingCommand;

namespace {

Status FieldError(const std::string& field, const std::string& what) {
  return InvalidArgument(field + ": " + what);
}

// A scalar's text; kInvalidArgument naming `field` when the node is a list or a map.
Result<std::string> Scalar(const YAML::Node& node, const std::string& field) {
  if (!node || node.IsNull()) return std::string();
  if (!node.IsScalar()) return FieldError(field, "expected a single value");
  return node.Scalar();
}

// A list of scalars; a missing or null node is an empty list.
Result<std::vector<std::string>> ScalarList(const YAML::Node& node, const std::string& field) {
  std::vector<std::string> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsSequence()) return FieldError(field, "expected a list");
  for (size_t i = 0; i < node.size(); ++i) {
    ORBIT_ASSIGN_OR_RETURN(std::string v, Scalar(node[i], field + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(v));
  }
  return out;
}

Status ParseResourcePerms(const YAML::Node& node, const std::string& field, bool is_topic,
                          PlainAccount* account) {
  ORBIT_ASSIGN_OR_RETURN(std::vector<std::string> items, ScalarList(node, field));
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string& item = items[i];
    size_t eq = item.find('=');
    std::string name = eq == std::string::npos ? std::string() : item.substr(0, eq);
    std::string perm = eq == std::string::npos ? std::string() : item.substr(eq + 1);
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    name = trim(name);
    perm = trim(perm);
    if (eq == std::string::npos || name.empty() || perm.empty() ||
        perm.find('=') != std::string::npos) {
      return FieldError(field + "[" + std::to_string(i) + "]",
                        std::string("Parse resource permission failed for ") +
                            (is_topic ? "topic" : "group") + ":" + item +
                            " (expected NAME=PUB|SUB|DENY)");
    }
    account->resource_perms[is_topic ? name : GroupResource(name)] = ParsePerm(perm);
  }
  return Status::Ok();
}

Result<PlainAccount> ParseAccount(const YAML::Node& node, const std::string& field) {
  if (!node.IsMap()) return FieldError(field, "expected a map of account fields");
  PlainAccount a;
  ORBIT_ASSIGN_OR_RETURN(a.access_key, Scalar(node["accessKey"], field + ".accessKey"));
  ORBIT_ASSIGN_OR_RETURN(a.secret_key, Scalar(node["secretKey"], field + ".secretKey"));
  if (a.access_key.size() <= 6) {
    return FieldError(
        field + ".accessKey",
        "The accessKey=" + a.access_key + " cannot be null and length should " + "longer than 6");
  }
  if (a.secret_key.size() <= 6) {
    return FieldError(field + ".secretKey", "the secretKey of accessKey=" + a.access_key +
                                                " cannot be null and length should longer than 6");
  }
  ORBIT_ASSIGN_OR_RETURN(std::string white,
                         Scalar(node["whiteRemoteAddress"], field + ".whiteRemoteAddress"));
  auto pattern = RemoteAddressPattern::Parse(white);
  if (!pattern.ok()) return FieldError(field + ".whiteRemoteAddress", pattern.status().message());
  a.white_remote_address = std::move(*pattern);
  ORBIT_ASSIGN_OR_RETURN(std::string admin, Scalar(node["admin"], field + ".admin"));
  if (admin == "true" || admin == "True" || admin == "TRUE") {
    a.admin = true;
  } else if (!admin.empty() && admin != "false" && admin != "False" && admin != "FALSE") {
    return FieldError(field + ".admin", "expected true or false, not '" + admin + "'");
  }
  ORBIT_ASSIGN_OR_RETURN(std::string topic_perm,
                         Scalar(node["defaultTopicPerm"], field + ".defaultTopicPerm"));
  ORBIT_ASSIGN_OR_RETURN(std::string group_perm,
                         Scalar(node["defaultGroupPerm"], field + ".defaultGroupPerm"));
  a.default_topic_perm = ParsePerm(topic_perm);
  a.default_group_perm = ParsePerm(group_perm);
  ORBIT_RETURN_IF_ERROR(ParseResourcePerms(node["topicPerms"], field + ".topicPerms", true, &a));
  ORBIT_RETURN_IF_ERROR(ParseResourcePerms(node["groupPerms"], field + ".groupPerms", false, &a));
  return a;
}

Result<PlainAclConfig> ParseDocument(const YAML::Node& root) {
  PlainAclConfig config;
  if (!root || root.IsNull()) return config;  // Apache: "No data in file", nothing allowed
  if (!root.IsMap()) return InvalidArgument("plain ACL: expected a map at the top level");
  ORBIT_ASSIGN_OR_RETURN(
      std::vector<std::string> whites,
      ScalarList(root["globalWhiteRemoteAddresses"], "globalWhiteRemoteAddresses"));
  for (size_t i = 0; i < whites.size(); ++i) {
    auto p = RemoteAddressPattern::Parse(whites[i]);
    if (!p.ok()) {
      return FieldError("globalWhiteRemoteAddresses[" + std::to_string(i) + "]",
                        p.status().message());
    }
    config.global_white_remote_addresses.push_back(std::move(*p));
  }
  YAML::Node accounts = root["accounts"];
  if (accounts && !accounts.IsNull()) {
    if (!accounts.IsSequence()) return FieldError("accounts", "expected a list");
    for (size_t i = 0; i < accounts.size(); ++i) {
      ORBIT_ASSIGN_OR_RETURN(PlainAccount a,
                             ParseAccount(accounts[i], "accounts[" + std::to_string(i) + "]"));
      std::string key = a.access_key;
      config.accounts[key] = std::move(a);
    }
  }
  return config;
}

}  // namespace

Result<PlainAclConfig> PlainAclConfig::Parse(std::string_view yaml) {
  // yaml-cpp reports errors by exception; they stop here.
  try {
    return ParseDocument(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("plain ACL: not YAML: ") + e.what());
  }
}

Result<std::unique_ptr<AclValidator>> AclValidator::Open(store::FileSystem& fs, std::string path) {
  if (!fs.Exists(path)) return NotFound("aclFile " + path + " does not exist");
  ORBIT_ASSIGN_OR_RETURN(std::string text, store::ReadWholeFile(fs, path));
  auto config = PlainAclConfig::Parse(text);
  if (!config.ok()) {
    return Status(config.status().code(), "aclFile " + path + ": " + config.status().message());
  }
  auto v = std::make_unique<AclValidator>(std::move(*config));
  v->fs_ = &fs;
  v->path_ = std::move(path);
  v->last_text_ = std::move(text);
  return v;
}

AclValidator::AclValidator(PlainAclConfig config)
    : config_(std::make_shared<const PlainAclConfig>(std::move(config))) {}

std::shared_ptr<const PlainAclConfig> AclValidator::config() const {
  MutexLock lock(mu_);
  return config_;
}

Status AclValidator::Check(const RemotingCommand& request, std::string_view remote_addr) const {
  auto access = ParseAccessRequest(request, remote_addr);
  if (!access.ok()) {
    return Status::Remote(protocol::ResponseCode::kNoPermission, access.status().message());
  }
  return ValidateAccess(*config(), *access);
}

std::optional<RemotingCommand> AclValidator::Filter(const RemotingCommand& request,
                                                    std::string_view remote_addr) const {
  Status st = Check(request, remote_addr);
  if (st.ok()) return std::nullopt;
  ORBIT_LOG_DEBUG("ACL refused request code {} from {}: {}", request.code, remote_addr,
                  st.message());
  return RemotingCommand::ResponseTo(request, st.remote_code(), st.message());
}

Status AclValidator::ReloadIfChanged() {
  if (fs_ == nullptr) return Status::Ok();
  auto text = store::ReadWholeFile(*fs_, path_);
  if (!text.ok()) {
    std::string why = text.status().message();
    if (last_text_ != "\x01" + why) {
      ORBIT_LOG_ERROR("aclFile {} not reloaded, keeping the last good config: {}", path_, why);
      last_text_ = "\x01" + why;
    }
    return text.status();
  }
  if (*text == last_text_) return Status::Ok();
  last_text_ = *text;
  auto config = PlainAclConfig::Parse(*text);
  if (!config.ok()) {
    ORBIT_LOG_ERROR("aclFile {} not reloaded, keeping the last good config: {}", path_,
                    config.status().message());
    return config.status();
  }
  {
    MutexLock lock(mu_);
    config_ = std::make_shared<const PlainAclConfig>(std::move(*config));
  }
  ORBIT_LOG_INFO("aclFile {} reloaded", path_);
  return Status::Ok();
}

}  // namespace orbit::broker
