// The command line of orbit-store (CLI11), shared by main.cc and the tests.

#include <CLI/CLI.hpp>
#include <algorithm>

#include "apps/store/store_tool.h"

namespace orbit::store_tool {
namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 no corruption, 1 corrupt data found (bench: a put or read failed), 2 usage\n"
    "or I/O error.\n"
    "verify and dump read segment sizes from the files; no broker config is needed. The store\n"
    "is opened read-only and never changed, so it is safe to run on the store of a running\n"
    "broker (the newest data may then look torn or lagging). bench writes only in temporary\n"
    "directories of its own (see bench --help).";

constexpr const char* kVerifyHelp =
    "Checks every commit-log record (layout, position, body CRC) and filler; every\n"
    "consume-queue entry against the record it points at (size, topic, queue id, queue offset,\n"
    "tags code; for SCHEDULE_TOPIC_XXXX a delivery time not before the store time); index\n"
    "headers and entries (inside the log or below it, at a record, with one of its keys' hashes).\n"
    "Index layout: maxIndexNum = 4 x maxHashSlotNum (Apache's default ratio) unless\n"
    "--max-hash-slot-num is given.\n"
    "\n"
    "Exit 1 (corruption): invalid bytes between valid records, queue or index entries that point\n"
    "at the wrong bytes, files missing from the middle or of different sizes.\n"
    "Warnings, exit 0 unless --strict: a torn tail (non-zero bytes after the last valid record:\n"
    "an unclean stop leaves a partly written record, recovery cuts it); a queue or the index\n"
    "behind the log (recovery rebuilds them); entries ahead of the log (recovery drops them); the\n"
    "abort file (unclean stop). Zeros after the last record (pre-allocated files) are normal.\n"
    "Exit 2: DIR is not a store, or files could not be read.";

constexpr const char* kDumpHelp =
    "One line per message record in commit-log order, system topics included: topic, queueId,\n"
    "queueOffset, commitLogOffset, msgId (offset message id), keys, tags, properties (all,\n"
    "name=value;name=value), bodyLength and bodySha256 of the uncompressed body.\n"
    "Text lines are tab-separated key=value fields; backslash, tab, CR, LF and control bytes are\n"
    "escaped (\\\\ \\t \\r \\n \\xHH), and so are ';' in properties and '=' in property names.\n"
    "--json: one JSON object per line with topic, queueId, queueOffset, commitLogOffset, msgId,\n"
    "uniqKey, keys, tags, properties, sysFlag, storeTimestamp, bodyLength, bodySha256 (absent\n"
    "uniqKey/keys/tags are null).\n"
    "Corrupt regions are skipped and reported on stderr. Exit 1 when data was skipped or a body\n"
    "does not decompress, 2 on usage or I/O errors.";

constexpr const char* kBenchHelp =
    "Measures, in one run, the disk's own ceilings and the store's throughput, and reports each\n"
    "store figure as a ratio of the matching ceiling: machines are shared and noisy, so compare\n"
    "ratios within a run, not absolute figures across runs.\n"
    "Ceilings (plain POSIX calls): buffered sequential write, 64 KiB pwrites at the end of a\n"
    "file (MB/s); one writer's 4 KiB append + fdatasync (ops/s).\n"
    "Cases, for each mode x size x writers (topic BenchTopic, 8 queues, UNIQ_KEY, TAGS, WAIT):\n"
    "  async  ASYNC_FLUSH, WRITERS threads each calling PutMessageAsync in a loop; ratio = body\n"
    "         MB/s / buffered write MB/s; notes say how far the dispatcher was behind at the end\n"
    "  sync   SYNC_FLUSH group commit, WRITERS puts in flight from one thread (as the broker's\n"
    "         event loop drives it); ratio = msg/s / fdatasync ops/s, the ceiling measured\n"
    "         again just before the case; notes give the puts per commit-log sync and its time\n"
    "  read   per size: 100k messages (at most 256 MB) in one queue, GetMessage of 32 in a loop\n"
    "         (consume-queue lookup + commit-log read with CRC check); no ratio\n"
    "Each measurement uses a fresh directory under DIR (mkdtemp), removed afterwards. Every loop\n"
    "ends after its time or 50M operations; the run stops when DIR's disk has less than 2 GiB\n"
    "free. The run takes about (2 + cases) x S seconds plus store start and shutdown.\n"
    "Targets: async 128B 1 writer >= 1,000,000 msg/s; sync 128B 64 in flight: ratio >= 50.\n"
    "--json prints one document: dir, seconds, ceilings, cases, failures.\n"
    "Exit 0 when every case ran, 1 when a put or read failed, 2 on usage or I/O errors.";

}  // namespace

int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "orbit-store: reads an Apache RocketMQ 4.9 format store without a broker, and benchmarks "
      "the store on this machine's disk",
      "orbit-store"};
  app.require_subcommand(1);
  app.footer(kExitCodes);

  VerifyOptions verify_options;
  CLI::App* verify = app.add_subcommand("verify", "check the whole store and print a summary");
  verify->add_option("DIR", verify_options.dir, "store root (commitlog/, consumequeue/, index/)")
      ->required();
  verify->add_flag("--strict", verify_options.strict, "warnings fail the check too (exit 1)");
  verify
      ->add_option("--max-hash-slot-num", verify_options.max_hash_slot_num,
                   "the broker's maxHashSlotNum, for index files not of the 1:4 ratio")
      ->check(CLI::PositiveNumber);
  verify
      ->add_option("--max-details", verify_options.max_details,
                   "detail lines per kind of finding (0: all)")
      ->capture_default_str();
  verify->footer(kVerifyHelp);

  DumpOptions dump_options;
  std::string topic;
  CLI::App* dump = app.add_subcommand("dump", "print one line per message");
  dump->add_option("DIR", dump_options.dir, "store root (commitlog/, consumequeue/, index/)")
      ->required();
  dump->add_option("--topic", topic, "only the records of this topic");
  dump->add_flag("--json", dump_options.json, "JSON objects instead of key=value text");
  dump->footer(kDumpHelp);

  BenchOptions bench_options;
  CLI::App* bench = app.add_subcommand("bench", "measure the disk's ceilings and the store");
  bench->add_option("--dir", bench_options.dir,
                    "parent of the temporary directories (default $ORBIT_BENCH_DIR, else /tmp)");
  bench->add_option("--seconds", bench_options.seconds, "length of each measurement")
      ->capture_default_str();
  bench->add_option("--sizes", bench_options.sizes, "body sizes in bytes, 1 to 4194304")
      ->delimiter(',')
      ->capture_default_str();
  bench
      ->add_option("--writers", bench_options.writers,
                   "async: writer threads; sync: puts in flight (1 to 1024)")
      ->delimiter(',')
      ->capture_default_str();
  bench->add_option("--modes", bench_options.modes, "async, sync or both")
      ->delimiter(',')
      ->capture_default_str();
  bench->add_flag("--json", bench_options.json, "one JSON document instead of the table");
  bench->footer(kBenchHelp);

  try {
    // CLI11 takes the arguments without the program name, last one first.
    std::vector<std::string> rest;
    if (args.size() > 1) rest.assign(args.begin() + 1, args.end());
    std::reverse(rest.begin(), rest.end());
    app.parse(rest);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  }
  if (*verify) return RunVerify(verify_options, out, err);
  if (*bench) return RunBench(bench_options, out, err);
  if (dump->count("--topic") > 0) dump_options.topic = topic;
  return RunDump(dump_options, out, err);
}

}  // namespace orbit::store_tool
