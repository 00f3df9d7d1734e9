// Queue allocation strategies (orbit/allocate_strategy.h). Each one reproduces the arithmetic of
// the Java strategy of the same name in Apache RocketMQ 4.9, including its edge cases, because a
// group may mix Java and Orbit consumers: two members that disagree leave queues unconsumed or
// consume them twice.

#include "orbit/allocate_strategy.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/log.h"

namespace orbit {

namespace {

using Queues = std::vector<MessageQueue>;
using ClientIds = std::vector<std::string>;

// The checks the Java strategies other than CONFIG and MACHINE_ROOM make first. Sets `index` to
// the position of `current` in `clients`, or -1 when it is absent (not an error: Java logs it as
// a bug of the caller and allocates nothing).
Status CheckArguments(const std::string& group, const std::string& current, const Queues& queues,
                      const ClientIds& clients, std::ptrdiff_t& index) {
  if (current.empty()) return InvalidArgument("allocate: current client id is empty");
  if (queues.empty()) return InvalidArgument("allocate: the list of all queues is empty");
  if (clients.empty()) return InvalidArgument("allocate: the list of all client ids is empty");
  auto it = std::find(clients.begin(), clients.end(), current);
  if (it == clients.end()) {
    ORBIT_LOG_INFO("[BUG] consumer group {}: client id {} is not among the group's {} clients",
                   group, current, clients.size());
    index = -1;
  } else {
    index = it - clients.begin();
  }
  return Status::Ok();
}

// The strategies that check their arguments as Java's do and then pick by the position of the
// current client among all clients.
class IndexedStrategy : public AllocateStrategy {
 public:
  Result<Queues> Allocate(const std::string& group, const std::string& current,
                          const Queues& queues, const ClientIds& clients) const final {
    ORBIT_RETURN_IF_ERROR(CheckSettings());
    std::ptrdiff_t index = -1;
    ORBIT_RETURN_IF_ERROR(CheckArguments(group, current, queues, clients, index));
    if (index < 0) return Queues{};
    return Pick(index, current, queues, clients);
  }

 protected:
  virtual Status CheckSettings() const { return Status::Ok(); }
  // REQUIRES: `queues` and `clients` non-empty; clients[index] == current.
  virtual Queues Pick(std::ptrdiff_t index, const std::string& current, const Queues& queues,
                      const ClientIds& clients) const = 0;
};

class Averagely final : public IndexedStrategy {
 public:
  std::string Name() const override { return "AVG"; }

 protected:
  Queues Pick(std::ptrdiff_t index, const std::string& /*current*/, const Queues& queues,
              const ClientIds& clients) const override {
    Queues result;
    const auto q = static_cast<std::ptrdiff_t>(queues.size());
    const auto c = static_cast<std::ptrdiff_t>(clients.size());
    const std::ptrdiff_t rem = q % c;
    // The first `rem` clients take one queue more than the others.
    const bool takes_extra = rem > 0 && index < rem;
    const std::ptrdiff_t size = q <= c ? 1 : q / c + (takes_extra ? 1 : 0);
    const std::ptrdiff_t start = takes_extra ? index * size : index * size + rem;
    const std::ptrdiff_t count = std::min(size, q - start);  // <= 0: nothing left for this one
    for (std::ptrdiff_t i = 0; i < count; ++i) result.push_back(queues[(start + i) % q]);
    return result;
  }
};

class AveragelyByCircle final : public IndexedStrategy {
 public:
  std::string Name() const override { return "AVG_BY_CIRCLE"; }

 protected:
  Queues Pick(std::ptrdiff_t index, const std::string& /*current*/, const Queues& queues,
              const ClientIds& clients) const override {
    Queues result;
    for (size_t i = static_cast<size_t>(index); i < queues.size(); i += clients.size())
      result.push_back(queues[i]);
    return result;
  }
};

// Java's default consistent-hash function (ConsistentHashRouter's MD5Hash): the first four bytes
// of MD5(text) as an unsigned big-endian number. Java hashes String.getBytes(), the platform
// charset, UTF-8 on any usual JVM; Orbit's strings already hold UTF-8.
uint32_t Md5Hash(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_md5(), nullptr) != 1 || len < 4) {
    return 0;  // not seen with a working libcrypto; the ring stays usable, only less even
  }
  return (uint32_t{digest[0]} << 24) | (uint32_t{digest[1]} << 16) | (uint32_t{digest[2]} << 8) |
         uint32_t{digest[3]};
}

class ConsistentHash final : public IndexedStrategy {
 public:
  explicit ConsistentHash(int virtual_nodes) : virtual_nodes_(virtual_nodes) {}

  std::string Name() const override { return "CONSISTENT_HASH"; }

 protected:
  Status CheckSettings() const override {
    if (virtual_nodes_ >= 0) return Status::Ok();
    return InvalidArgument("consistent hash allocation: virtual node count " +
                           std::to_string(virtual_nodes_) + " is negative");
  }

  Queues Pick(std::ptrdiff_t /*index*/, const std::string& current, const Queues& queues,
              const ClientIds& clients) const override {
    Queues result;
    const std::map<uint32_t, const std::string*> ring = BuildRing(clients);
    if (ring.empty()) return result;  // no virtual nodes: nobody gets anything
    for (const MessageQueue& mq : queues) {
      auto it = ring.lower_bound(Md5Hash(mq.ToString()));
      if (it == ring.end()) it = ring.begin();
      if (*it->second == current) result.push_back(mq);
    }
    return result;
  }

 private:
  // Java's ring, point for point: a TreeMap where a later point replaces an earlier one of the
  // same hash, and a client listed twice adds points numbered on from the ones it still has on
  // the ring (ConsistentHashRouter.addNode counts a node's surviving points first).
  std::map<uint32_t, const std::string*> BuildRing(const ClientIds& clients) const {
    std::map<uint32_t, const std::string*> ring;
    std::unordered_map<std::string_view, int> points_on_ring;
    for (const std::string& client : clients) {
      const int first = points_on_ring[client];
      for (int i = 0; i < virtual_nodes_; ++i) {
        const uint32_t hash = Md5Hash(client + "-" + std::to_string(first + i));
        auto [it, inserted] = ring.try_emplace(hash, &client);
        if (!inserted) {
          --points_on_ring[*it->second];
          it->second = &client;
        }
        ++points_on_ring[client];
      }
    }
    return ring;
  }

  const int virtual_nodes_;
};

class ByConfig final : public AllocateStrategy {
 public:
  explicit ByConfig(Queues queues) : queues_(std::move(queues)) {}

  std::string Name() const override { return "CONFIG"; }

  Result<Queues> Allocate(const std::string& /*group*/, const std::string& /*current*/,
                          const Queues& /*queues*/, const ClientIds& /*clients*/) const override {
    return queues_;
  }

 private:
  const Queues queues_;
};

// The number of parts Java's String.split("@") yields: the text cut at every '@', trailing empty
// parts dropped (so "a@b@" has 2 parts, "@b" has 2, "a@" has 1 and "@" has 0), and "" is one part.
// Sets `first` to the first part when there is one.
size_t JavaSplitAtCount(std::string_view text, std::string_view& first) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (true) {
    const size_t at = text.find('@', begin);
    parts.push_back(text.substr(begin, at == std::string_view::npos ? at : at - begin));
    if (at == std::string_view::npos) break;
    begin = at + 1;
  }
  if (parts.size() > 1) {  // no '@' at all: the text itself, even when empty
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
  }
  if (!parts.empty()) first = parts.front();
  return parts.size();
}

class ByMachineRoom final : public AllocateStrategy {
 public:
  explicit ByMachineRoom(std::set<std::string> idcs) : idcs_(std::move(idcs)) {}

  std::string Name() const override { return "MACHINE_ROOM"; }

  Result<Queues> Allocate(const std::string& /*group*/, const std::string& current,
                          const Queues& queues, const ClientIds& clients) const override {
    Queues result;
    auto it = std::find(clients.begin(), clients.end(), current);
    if (it == clients.end()) return result;
    const auto index = static_cast<size_t>(it - clients.begin());
    Queues in_room;
    for (const MessageQueue& mq : queues) {
      std::string_view idc;
      if (JavaSplitAtCount(mq.broker_name, idc) == 2 && idcs_.contains(std::string(idc)))
        in_room.push_back(mq);
    }
    const size_t per_client = in_room.size() / clients.size();
    const size_t rem = in_room.size() % clients.size();
    for (size_t i = per_client * index; i < per_client * (index + 1); ++i)
      result.push_back(in_room[i]);
    // The leftovers at the end go one each to the first `rem` clients.
    if (index < rem) result.push_back(in_room[per_client * clients.size() + index]);
    return result;
  }

 private:
  const std::set<std::string> idcs_;
};

}  // namespace

std::shared_ptr<AllocateStrategy> AllocateAveragely() { return std::make_shared<Averagely>(); }

std::shared_ptr<AllocateStrategy> AllocateAveragelyByCircle() {
  return std::make_shared<AveragelyByCircle>();
}

std::shared_ptr<AllocateStrategy> AllocateConsistentHash(int virtual_nodes) {
  return std::make_shared<ConsistentHash>(virtual_nodes);
}

std::shared_ptr<AllocateStrategy> AllocateByConfig(std::vector<MessageQueue> queues) {
  return std::make_shared<ByConfig>(std::move(queues));
}

std::shared_ptr<AllocateStrategy> AllocateByMachineRoom(std::set<std::string> consumer_idcs) {
  return std::make_shared<ByMachineRoom>(std::move(consumer_idcs));
}

}  // namespace orbit
