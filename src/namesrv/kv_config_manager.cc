#include "namesrv/kv_config_manager.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/log.h"
#include "protocol/bodies.h"

namespace orbit::namesrv {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status(ErrorCode::kIoError, "cannot read " + path);
  return ss.str();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) return Status(ErrorCode::kIoError, "cannot write " + tmp);
  }
  if (fs::exists(p, ec)) fs::copy_file(p, path + ".bak", fs::copy_options::overwrite_existing, ec);
  fs::rename(tmp, p, ec);
  if (ec) return Status(ErrorCode::kIoError, "cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

Status KVConfigManager::Load() {
  if (path_.empty()) return Status::Ok();
  for (const std::string& candidate : {path_, path_ + ".bak"}) {
    auto text = ReadFile(candidate);
    if (!text.ok()) continue;
    auto wrapper = protocol::KVConfigSerializeWrapper::Decode(*text);
    if (!wrapper.ok()) {
      ORBIT_LOG_WARN("KV config {} unreadable: {}", candidate, wrapper.status().ToString());
      continue;
    }
    MutexLock lock(mu_);
    table_ = std::move(wrapper->config_table);
    ORBIT_LOG_INFO("loaded KV config from {}", candidate);
    return Status::Ok();
  }
  if (std::filesystem::exists(path_)) {
    return Malformed("KV config file " + path_ + " (and its .bak) cannot be read");
  }
  return Status::Ok();
}

Status KVConfigManager::Put(const std::string& ns, const std::string& key,
                            const std::string& value) {
  MutexLock lock(mu_);
  table_[ns][key] = value;
  ORBIT_LOG_INFO("KV config put: {} {} = {}", ns, key, value);
  return PersistLocked();
}

Status KVConfigManager::Delete(const std::string& ns, const std::string& key) {
  MutexLock lock(mu_);
  auto it = table_.find(ns);
  if (it == table_.end()) return Status::Ok();
  it->second.erase(key);
  if (it->second.empty()) table_.erase(it);
  return PersistLocked();
}

std::optional<std::string> KVConfigManager::Get(const std::string& ns,
                                                const std::string& key) const {
  MutexLock lock(mu_);
  auto it = table_.find(ns);
  if (it == table_.end()) return std::nullopt;
  auto kv = it->second.find(key);
  if (kv == it->second.end()) return std::nullopt;
  return kv->second;
}

std::optional<std::map<std::string, std::string>> KVConfigManager::GetNamespace(
    const std::string& ns) const {
  MutexLock lock(mu_);
  auto it = table_.find(ns);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

Status KVConfigManager::PersistLocked() {
  if (path_.empty()) return Status::Ok();
  protocol::KVConfigSerializeWrapper wrapper;
  wrapper.config_table = table_;
  Status st = WriteFileAtomically(path_, wrapper.EncodePretty());
  if (!st.ok()) ORBIT_LOG_ERROR("persisting KV config failed: {}", st.ToString());
  return st;
}

}  // namespace orbit::namesrv
