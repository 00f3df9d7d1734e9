#include "client/offset_store.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "base/log.h"
#include "protocol/bodies_files.h"
#include "protocol/codes.h"
#include "protocol/headers_pull.h"

namespace orbit::client {
namespace {

bool IsBlank(const std::string& s) {
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Status IoError(const std::string& what, const std::string& path, int err) {
  return Status(ErrorCode::kIoError, what + " '" + path + "': " + std::strerror(err));
}

// The whole content of `path`; nullopt when the file does not exist.
Result<std::optional<std::string>> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return IoError("cannot open offset file", path, errno);
  }
  std::string content;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return IoError("cannot read offset file", path, err);
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(content));
}

// Replaces the content of `path` with `data`, synced before returning.
Status WriteWholeFile(const std::string& path, const std::string& data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create offset file", path, errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return IoError("cannot write offset file", path, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return IoError("cannot sync offset file", path, err);
  }
  if (::close(fd) != 0) return IoError("cannot close offset file", path, errno);
  return Status::Ok();
}

// Java's MixAll.string2File: `data` to <path>.tmp, the current <path> copied to <path>.bak, then
// <path>.tmp renamed over <path> (rename replaces atomically, so the main file is never absent;
// Java deletes it first, which only matters on Windows).
Status StringToFile(const std::string& data, const std::string& path) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Status(ErrorCode::kIoError, "cannot create offset store directory '" +
                                             parent.string() + "': " + ec.message());
    }
  }
  const std::string tmp = path + ".tmp";
  ORBIT_RETURN_IF_ERROR(WriteWholeFile(tmp, data));
  ORBIT_ASSIGN_OR_RETURN(std::optional<std::string> previous, ReadWholeFile(path));
  if (previous.has_value()) ORBIT_RETURN_IF_ERROR(WriteWholeFile(path + ".bak", *previous));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return IoError("cannot rename '" + tmp + "' to", path, errno);
  }
  return Status::Ok();
}

protocol::MessageQueue ToWire(const MessageQueue& mq) {
  return protocol::MessageQueue{mq.topic, mq.broker_name, mq.queue_id};
}

MessageQueue FromWire(const protocol::MessageQueue& mq) {
  return MessageQueue{mq.topic, mq.broker_name, mq.queue_id};
}

}  // namespace

// ---- OffsetStore ----

void OffsetStore::UpdateOffset(const MessageQueue& mq, int64_t offset, bool increase_only) {
  MutexLock lock(mu_);
  auto [it, inserted] = offsets_.try_emplace(mq, offset);
  if (inserted) return;
  if (!increase_only || offset > it->second) it->second = offset;
}

std::map<MessageQueue, int64_t> OffsetStore::CloneOffsetTable(const std::string& topic) const {
  const bool all = IsBlank(topic);
  MutexLock lock(mu_);
  if (all) return offsets_;
  std::map<MessageQueue, int64_t> out;
  for (const auto& [mq, offset] : offsets_) {
    if (mq.topic == topic) out.emplace(mq, offset);
  }
  return out;
}

std::optional<int64_t> OffsetStore::MemoryOffset(const MessageQueue& mq) const {
  MutexLock lock(mu_);
  auto it = offsets_.find(mq);
  if (it == offsets_.end()) return std::nullopt;
  return it->second;
}

void OffsetStore::Erase(const MessageQueue& mq) {
  MutexLock lock(mu_);
  offsets_.erase(mq);
}

void OffsetStore::PutAll(const std::map<MessageQueue, int64_t>& offsets) {
  MutexLock lock(mu_);
  for (const auto& [mq, offset] : offsets) offsets_[mq] = offset;
}

// ---- RemotingOffsetBrokerApi ----

protocol::RemotingCommand RemotingOffsetBrokerApi::BuildQueryRequest(const MessageQueue& mq,
                                                                     const std::string& group) {
  protocol::QueryConsumerOffsetRequestHeader h;
  h.consumer_group = group;
  h.topic = mq.topic;
  h.queue_id = mq.queue_id;
  h.bname = mq.broker_name;
  auto request = protocol::RemotingCommand::Request(protocol::RequestCode::kQueryConsumerOffset);
  h.Encode(&request.ext_fields);
  return request;
}

protocol::RemotingCommand RemotingOffsetBrokerApi::BuildUpdateRequest(const MessageQueue& mq,
                                                                      const std::string& group,
                                                                      int64_t offset) {
  protocol::UpdateConsumerOffsetRequestHeader h;
  h.consumer_group = group;
  h.topic = mq.topic;
  h.queue_id = mq.queue_id;
  h.commit_offset = offset;
  h.bname = mq.broker_name;
  auto request = protocol::RemotingCommand::Request(protocol::RequestCode::kUpdateConsumerOffset);
  h.Encode(&request.ext_fields);
  return request;
}

Result<int64_t> RemotingOffsetBrokerApi::QueryConsumerOffset(const MessageQueue& mq,
                                                             const std::string& group,
                                                             int64_t timeout_ms) {
  ORBIT_ASSIGN_OR_RETURN(protocol::RemotingCommand response,
                         send_(mq.broker_name, BuildQueryRequest(mq, group), timeout_ms, false));
  if (response.code != protocol::ResponseCode::kSuccess) {
    return Status::Remote(response.code, response.remark.value_or(""));
  }
  ORBIT_ASSIGN_OR_RETURN(auto header,
                         protocol::QueryConsumerOffsetResponseHeader::Decode(response.ext_fields));
  return header.offset;
}

Status RemotingOffsetBrokerApi::UpdateConsumerOffset(const MessageQueue& mq,
                                                     const std::string& group, int64_t offset,
                                                     bool oneway, int64_t timeout_ms) {
  ORBIT_ASSIGN_OR_RETURN(
      protocol::RemotingCommand response,
      send_(mq.broker_name, BuildUpdateRequest(mq, group, offset), timeout_ms, oneway));
  if (oneway || response.code == protocol::ResponseCode::kSuccess) return Status::Ok();
  return Status::Remote(response.code, response.remark.value_or(""));
}

// ---- RemoteBrokerOffsetStore ----

int64_t RemoteBrokerOffsetStore::ReadOffset(const MessageQueue& mq, ReadOffsetType type) {
  if (type != ReadOffsetType::kReadFromStore) {
    if (std::optional<int64_t> offset = MemoryOffset(mq)) return *offset;
    if (type == ReadOffsetType::kReadFromMemory) return -1;
  }
  Result<int64_t> offset = api_->QueryConsumerOffset(mq, group_, kOffsetRequestTimeoutMs);
  if (offset.ok()) {
    UpdateOffset(mq, *offset, false);
    return *offset;
  }
  if (offset.status().code() == ErrorCode::kRemote &&
      offset.status().remote_code() == protocol::ResponseCode::kQueryNotFound) {
    return -1;
  }
  ORBIT_LOG_WARN("consumer offset of {} for group {} not fetched from its broker: {}",
                 mq.ToString(), group_, offset.status().ToString());
  return -2;
}

Status RemoteBrokerOffsetStore::PersistAll(const std::set<MessageQueue>& mqs) {
  if (mqs.empty()) return Status::Ok();
  Status first;
  std::vector<MessageQueue> unused;
  for (const auto& [mq, offset] : CloneOffsetTable("")) {
    if (!mqs.contains(mq)) {
      unused.push_back(mq);
      continue;
    }
    Status s = UpdateConsumeOffsetToBroker(mq, offset, /*oneway=*/true);
    if (!s.ok()) {
      ORBIT_LOG_WARN("consumer offset {} of {} for group {} not sent: {}", offset, mq.ToString(),
                     group_, s.ToString());
      if (first.ok()) first = std::move(s);
    }
  }
  for (const MessageQueue& mq : unused) {
    Erase(mq);
    ORBIT_LOG_INFO("offset of unused queue {} of group {} dropped", mq.ToString(), group_);
  }
  return first;
}

Status RemoteBrokerOffsetStore::Persist(const MessageQueue& mq) {
  std::optional<int64_t> offset = MemoryOffset(mq);
  if (!offset) return Status::Ok();
  Status s = UpdateConsumeOffsetToBroker(mq, *offset, /*oneway=*/true);
  if (!s.ok()) {
    ORBIT_LOG_WARN("consumer offset {} of {} for group {} not sent: {}", *offset, mq.ToString(),
                   group_, s.ToString());
  }
  return s;
}

Status RemoteBrokerOffsetStore::UpdateConsumeOffsetToBroker(const MessageQueue& mq, int64_t offset,
                                                            bool oneway) {
  return api_->UpdateConsumerOffset(mq, group_, offset, oneway, kOffsetRequestTimeoutMs);
}

// ---- LocalFileOffsetStore ----

std::string LocalFileOffsetStore::DefaultStoreDir() {
  const char* env = std::getenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR");
  if (env != nullptr && *env != '\0') return env;
  std::string home;
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    home = h;
  } else {
    // Java's user.home comes from the password database when HOME is not set.
    struct passwd pw;
    struct passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(::getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
      home = found->pw_dir;
    }
  }
  return (home.empty() ? std::string(".") : home) + "/.rocketmq_offsets";
}

LocalFileOffsetStore::LocalFileOffsetStore(const std::string& client_id, const std::string& group,
                                           const std::string& store_dir)
    : path_((store_dir.empty() ? DefaultStoreDir() : store_dir) + "/" + client_id + "/" + group +
            "/offsets.json") {}

Result<std::optional<std::map<MessageQueue, int64_t>>> LocalFileOffsetStore::ReadLocalOffsets()
    const {
  using Table = std::map<MessageQueue, int64_t>;
  auto decode = [](const std::string& text) -> Result<Table> {
    ORBIT_ASSIGN_OR_RETURN(auto wrapper, protocol::OffsetSerializeWrapper::Decode(text));
    Table table;
    for (const auto& [mq, offset] : wrapper.offset_table) table.emplace(FromWire(mq), offset);
    return table;
  };
  // Why the main file could not be used, when it exists but could not.
  std::optional<Status> main_problem;
  auto main = ReadWholeFile(path_);
  if (!main.ok()) {
    main_problem = main.status();
  } else if (main->has_value() && !(*main)->empty()) {
    auto table = decode(**main);
    if (table.ok()) return std::optional<Table>(std::move(table).value());
    main_problem = Malformed("offset file '" + path_ + "' is corrupt: " + table.status().message());
  }
  if (main_problem) {
    ORBIT_LOG_WARN("{}; trying its backup", main_problem->message());
  }

  const std::string bak_path = path_ + ".bak";
  auto bak = ReadWholeFile(bak_path);
  std::optional<Status> bak_problem;
  if (!bak.ok()) {
    bak_problem = bak.status();
  } else if (bak->has_value() && !(*bak)->empty()) {
    auto table = decode(**bak);
    if (table.ok()) return std::optional<Table>(std::move(table).value());
    bak_problem = Malformed("backup '" + bak_path + "' is corrupt: " + table.status().message());
  }
  if (!main_problem && !bak_problem) return std::optional<Table>();  // nothing stored yet
  std::string message = "no usable consumer offsets: ";
  message += main_problem ? main_problem->message() : "'" + path_ + "' is missing or empty";
  message += "; ";
  message += bak_problem ? bak_problem->message() : "backup '" + bak_path + "' is missing or empty";
  const bool io = (main_problem && main_problem->code() == ErrorCode::kIoError) ||
                  (bak_problem && bak_problem->code() == ErrorCode::kIoError);
  return Status(io ? ErrorCode::kIoError : ErrorCode::kMalformed, std::move(message));
}

Status LocalFileOffsetStore::Load() {
  ORBIT_ASSIGN_OR_RETURN(auto table, ReadLocalOffsets());
  if (!table) return Status::Ok();
  PutAll(*table);
  ORBIT_LOG_INFO("loaded {} consumer offsets from {}", table->size(), path_);
  return Status::Ok();
}

int64_t LocalFileOffsetStore::ReadOffset(const MessageQueue& mq, ReadOffsetType type) {
  if (type != ReadOffsetType::kReadFromStore) {
    if (std::optional<int64_t> offset = MemoryOffset(mq)) return *offset;
    if (type == ReadOffsetType::kReadFromMemory) return -1;
  }
  auto table = ReadLocalOffsets();
  if (!table.ok()) {
    ORBIT_LOG_WARN("offset of {} not read: {}", mq.ToString(), table.status().ToString());
    return -1;
  }
  if (!table->has_value()) return -1;
  auto it = (*table)->find(mq);
  if (it == (*table)->end()) return -1;
  UpdateOffset(mq, it->second, false);
  return it->second;
}

Status LocalFileOffsetStore::PersistAll(const std::set<MessageQueue>& mqs) {
  if (mqs.empty()) return Status::Ok();
  MutexLock lock(file_mu_);
  protocol::OffsetSerializeWrapper wrapper;
  for (const auto& [mq, offset] : CloneOffsetTable("")) {
    if (mqs.contains(mq)) wrapper.offset_table.emplace(ToWire(mq), offset);
  }
  Status s = StringToFile(wrapper.EncodePretty(), path_);
  if (!s.ok()) ORBIT_LOG_ERROR("consumer offsets not persisted: {}", s.ToString());
  return s;
}

}  // namespace orbit::client
