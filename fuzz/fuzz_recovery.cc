// Recovery of a commit log whose tail is arbitrary bytes: a store with a few valid records,
// followed by the fuzzer's input (a torn or garbled tail), is opened after an unclean stop on
// the in-memory fault file system. Recovery must not crash, and every message it then serves
// must be intact (body CRC), whatever the tail held.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/message.h"
#include "protocol/properties.h"
#include "store/fault_file_system.h"
#include "store/message_store.h"

namespace {

orbit::store::StoreConfig Config() {
  orbit::store::StoreConfig c;
  c.store_path_root_dir = "/s";
  c.mapped_file_size_commit_log = 64 * 1024;
  c.mapped_file_size_consume_queue = 100 * 20;
  c.max_hash_slot_num = 64;
  c.max_index_num = 256;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orbit::store;
  if (size > 48 * 1024) return 0;
  FaultFileSystem fs;
  int64_t end = 0;
  {
    StoreOptions o;
    o.fs = &fs;
    o.start_threads = false;
    auto store = MessageStore::Open(Config(), o);
    if (!store.ok()) std::abort();
    orbit::protocol::MessageProperties props;
    props.Set("KEYS", "k1 k2");
    props.Set("TAGS", "T");
    std::string encoded = orbit::protocol::EncodeProperties(props);
    for (int i = 0; i < 5; ++i) {
      std::string body(50 + i * 10, static_cast<char>('a' + i));
      MessageInput in;
      in.topic = "F";
      in.queue_id = i % 2;
      in.body = body;
      in.properties = encoded;
      in.born_host = orbit::protocol::HostAddress::IPv4(1, 2, 3, 4, 5);
      if (!(*store)->PutMessage(in).status.ok()) std::abort();
    }
    (*store)->DispatchNow();
    end = (*store)->GetMaxPhyOffset();
    fs.Crash(CrashMode::kProcessKill);
  }
  {
    auto file = fs.Open("/s/commitlog/00000000000000000000", OpenMode::kReadWrite);
    if (!file.ok()) std::abort();
    (void)(*file)->Write(static_cast<uint64_t>(end),
                         std::string_view(reinterpret_cast<const char*>(data), size));
  }
  StoreOptions o;
  o.fs = &fs;
  o.start_threads = false;
  auto store = MessageStore::Open(Config(), o);
  if (!store.ok()) return 0;
  (*store)->DispatchNow();
  for (int32_t q = 0; q < 2; ++q) {
    GetResult g = (*store)->GetMessage("F", q, 0, 64);
    for (const auto& m : g.messages) {
      auto rec = orbit::protocol::DecodeRecord(m.view());
      if (!rec.ok() || !orbit::protocol::VerifyBodyCrc(*rec).ok()) std::abort();
    }
  }
  return 0;
}
