#pragma once

// Consumer offset stores (Java's OffsetStore, RemoteBrokerOffsetStore, LocalFileOffsetStore;
// consumer.md §5-§6): where a consumer group keeps, per queue, the next offset to consume.
//
//   - RemoteBrokerOffsetStore (clustering): offsets live on the queue's broker. The consumers
//     update them in memory; PersistAll sends them (UPDATE_CONSUMER_OFFSET, oneway) every 5 s;
//     ReadOffset(kReadFromStore) asks the broker (QUERY_CONSUMER_OFFSET).
//   - LocalFileOffsetStore (broadcasting): offsets live in a file of this client,
//       <dir>/<clientId>/<group>/offsets.json
//     holding Java's OffsetSerializeWrapper as fastjson writes it pretty (TAB-indented):
//       {
//       	"offsetTable":{{
//       			"brokerName":"broker-a",
//       			"queueId":0,
//       			"topic":"TopicTest"
//       		}:42
//       	}
//       }
//     Written as Java's MixAll.string2File: the new text to offsets.json.tmp, the previous
//     offsets.json copied to offsets.json.bak, then the .tmp renamed over offsets.json. Read
//     back with a fallback to offsets.json.bak when offsets.json is missing, empty or corrupt.
//
// Offsets read as -1 when unknown (and, for the remote store, -2 when the broker could not be
// asked), as in Java. Errors are Status values; nothing throws.
//
// Threads: every method may be called from any thread (pull, consume and scheduler threads).
// Lock order: LocalFileOffsetStore::file_mu_ before OffsetStore::mu_; mu_ is never held while
// talking to a broker or touching a file.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/thread_annotations.h"
#include "orbit/message.h"
#include "orbit/status.h"
#include "protocol/remoting_command.h"

namespace orbit::client {

enum class ReadOffsetType {
  kReadFromMemory,        // the in-memory offset, or -1
  kReadFromStore,         // the broker's (or the file's) offset, cached in memory when found
  kMemoryFirstThenStore,  // memory when known there, else the store
};

// Timeout of Java's offset requests (QUERY_/UPDATE_CONSUMER_OFFSET).
inline constexpr int64_t kOffsetRequestTimeoutMs = 5000;

// The in-memory offset table and the interface both stores share.
class OffsetStore {
 public:
  virtual ~OffsetStore() = default;

  // Reads what the store keeps from an earlier run (the local file); nothing for the remote
  // store.
  virtual Status Load() = 0;
  // Sets the offset of `mq`; with `increase_only` only when larger than the known one.
  void UpdateOffset(const MessageQueue& mq, int64_t offset, bool increase_only) ORBIT_EXCLUDES(mu_);
  // The offset of `mq`; -1 when unknown (see each store for kReadFromStore).
  virtual int64_t ReadOffset(const MessageQueue& mq, ReadOffsetType type) = 0;
  // Stores the offsets of the queues in `mqs` (those with an offset); nothing when `mqs` is
  // empty. The first failure is returned after every queue was tried; memory is kept.
  virtual Status PersistAll(const std::set<MessageQueue>& mqs) = 0;
  // Stores the offset of one queue, when known.
  virtual Status Persist(const MessageQueue& mq) = 0;
  // Forgets the in-memory offset of `mq`.
  virtual void RemoveOffset(const MessageQueue& mq) = 0;
  // The in-memory offsets of `topic`'s queues (every queue when `topic` is blank).
  std::map<MessageQueue, int64_t> CloneOffsetTable(const std::string& topic) const
      ORBIT_EXCLUDES(mu_);
  // Sends `offset` of `mq` to its broker now (remote store; a no-op for the local one).
  virtual Status UpdateConsumeOffsetToBroker(const MessageQueue& mq, int64_t offset,
                                             bool oneway) = 0;

 protected:
  std::optional<int64_t> MemoryOffset(const MessageQueue& mq) const ORBIT_EXCLUDES(mu_);
  void Erase(const MessageQueue& mq) ORBIT_EXCLUDES(mu_);
  void PutAll(const std::map<MessageQueue, int64_t>& offsets) ORBIT_EXCLUDES(mu_);

  mutable Mutex mu_;  // leaf lock
  std::map<MessageQueue, int64_t> offsets_ ORBIT_GUARDED_BY(mu_);
};

// What the remote store asks the brokers, for one consumer group's offsets.
class OffsetBrokerApi {
 public:
  virtual ~OffsetBrokerApi() = default;
  // QUERY_CONSUMER_OFFSET to the master of `mq`'s broker (Java's findBrokerAddressInAdmin).
  // The offset, or the broker's refusal as Status::Remote(response code, remark), or a local
  // error (broker unknown, transport).
  virtual Result<int64_t> QueryConsumerOffset(const MessageQueue& mq, const std::string& group,
                                              int64_t timeout_ms) = 0;
  // UPDATE_CONSUMER_OFFSET with commitOffset = `offset`; oneway sends and does not wait.
  virtual Status UpdateConsumerOffset(const MessageQueue& mq, const std::string& group,
                                      int64_t offset, bool oneway, int64_t timeout_ms) = 0;
};

// Sends a request to the master of a broker (by broker name) and returns its response; for a
// oneway request the returned command is ignored (only the status counts).
using OffsetRequestSender = std::function<Result<protocol::RemotingCommand>(
    const std::string& broker_name, protocol::RemotingCommand request, int64_t timeout_ms,
    bool oneway)>;

// OffsetBrokerApi over a request sender: builds the QUERY_CONSUMER_OFFSET (14) and
// UPDATE_CONSUMER_OFFSET (15) requests (with bname = the queue's broker) and reads the answers;
// a response code other than SUCCESS becomes Status::Remote(code, remark).
class RemotingOffsetBrokerApi final : public OffsetBrokerApi {
 public:
  explicit RemotingOffsetBrokerApi(OffsetRequestSender send) : send_(std::move(send)) {}

  Result<int64_t> QueryConsumerOffset(const MessageQueue& mq, const std::string& group,
                                      int64_t timeout_ms) override;
  Status UpdateConsumerOffset(const MessageQueue& mq, const std::string& group, int64_t offset,
                              bool oneway, int64_t timeout_ms) override;

  static protocol::RemotingCommand BuildQueryRequest(const MessageQueue& mq,
                                                     const std::string& group);
  static protocol::RemotingCommand BuildUpdateRequest(const MessageQueue& mq,
                                                      const std::string& group, int64_t offset);

 private:
  OffsetRequestSender send_;
};

// Clustering: offsets kept by the brokers.
class RemoteBrokerOffsetStore final : public OffsetStore {
 public:
  // `api` must outlive the store.
  RemoteBrokerOffsetStore(OffsetBrokerApi* api, std::string group)
      : api_(api), group_(std::move(group)) {}

  Status Load() override { return Status::Ok(); }
  // kReadFromStore asks the broker: its offset (also kept in memory); -1 when the broker has
  // none (QUERY_NOT_FOUND); -2 when asking failed otherwise (another response code, broker
  // unknown, transport error).
  int64_t ReadOffset(const MessageQueue& mq, ReadOffsetType type) override;
  // Oneway UPDATE_CONSUMER_OFFSET for each queue of `mqs` with an offset; queues with an offset
  // that are not in `mqs` are forgotten (no longer assigned to this consumer).
  Status PersistAll(const std::set<MessageQueue>& mqs) override;
  Status Persist(const MessageQueue& mq) override;
  void RemoveOffset(const MessageQueue& mq) override { Erase(mq); }
  Status UpdateConsumeOffsetToBroker(const MessageQueue& mq, int64_t offset, bool oneway) override;

 private:
  OffsetBrokerApi* const api_;
  const std::string group_;
};

// Broadcasting: offsets kept in a file of this client.
class LocalFileOffsetStore final : public OffsetStore {
 public:
  // `store_dir` as Java's rocketmq.client.localOffsetStoreDir; empty: the environment's
  // ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR, else $HOME/.rocketmq_offsets.
  LocalFileOffsetStore(const std::string& client_id, const std::string& group,
                       const std::string& store_dir = "");

  // <dir>/<clientId>/<group>/offsets.json
  const std::string& path() const { return path_; }
  static std::string DefaultStoreDir();

  // Puts the file's offsets in memory. kMalformed when the file is corrupt (or unreadable) and
  // offsets.json.bak is missing or corrupt too; nothing (Ok) when neither file exists.
  Status Load() override;
  // kReadFromStore reads the file: its offset of `mq` (also kept in memory), else -1.
  int64_t ReadOffset(const MessageQueue& mq, ReadOffsetType type) override;
  // Writes the offsets of the queues of `mqs` (only those) to the file, replacing its content.
  // kIoError when the directory or a file cannot be written.
  Status PersistAll(const std::set<MessageQueue>& mqs) override ORBIT_EXCLUDES(file_mu_);
  // Java 4.9 keeps these three as no-ops for the local store.
  Status Persist(const MessageQueue&) override { return Status::Ok(); }
  void RemoveOffset(const MessageQueue&) override {}
  Status UpdateConsumeOffsetToBroker(const MessageQueue&, int64_t, bool) override {
    return Status::Ok();
  }

 private:
  // The file's table: nullopt when neither file has content.
  Result<std::optional<std::map<MessageQueue, int64_t>>> ReadLocalOffsets() const;

  const std::string path_;
  Mutex file_mu_;  // one writer of the files at a time; before mu_
};

}  // namespace orbit::client
