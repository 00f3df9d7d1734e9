#pragma once

// The commands of orbit-admin (Apache RocketMQ's mqadmin on the Orbit client SDK) and what they
// share: the common flags, the clients they start, timestamps and error wording.
//
// A command is a name, a one-line description, its flags (Apache's short and long names) and a
// run function that gets the parsed options and an Output. Run functions return a Status: not
// ok means the command failed (exit code 1), with a message a person understands. Usage
// problems (a missing -b/-c, values that do not fit together) come from the check function
// (exit code 2, with the command's help).
//
// Threads: everything runs on the program's main thread.

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "apps/admin/output.h"
#include "orbit/admin.h"
#include "orbit/producer.h"
#include "orbit/pull_consumer.h"
#include "orbit/status.h"

namespace orbit::admin {

// The flags every command has.
struct CommonOptions {
  std::string namesrv;     // -n; empty: $NAMESRV_ADDR
  std::string access_key;  // --accessKey; empty: $ORBIT_ACCESS_KEY
  std::string secret_key;  // --secretKey; empty: $ORBIT_SECRET_KEY
  bool json = false;
  int64_t timeout_ms = 5000;
  std::string log_level = "off";
};

struct Command {
  std::string name;
  std::string description;
  std::function<void(CLI::App*)> add_flags;
  // A usage problem with the parsed flags, "" when there is none.
  std::function<std::string()> check;
  std::function<Status(const CommonOptions&, Output&)> run;
};

// A Command whose flags land in an `O` owned by the command.
template <typename O>
Command MakeCommand(std::string name, std::string description, void (*add)(CLI::App*, O*),
                    Status (*run)(const CommonOptions&, const O&, Output&),
                    std::string (*check)(const O&) = nullptr) {
  auto options = std::make_shared<O>();
  Command c;
  c.name = std::move(name);
  c.description = std::move(description);
  c.add_flags = [options, add](CLI::App* app) { add(app, options.get()); };
  c.check = [options, check]() { return check != nullptr ? check(*options) : std::string(); };
  c.run = [options, run](const CommonOptions& common, Output& out) {
    return run(common, *options, out);
  };
  return c;
}

// Every command, in the order `orbit-admin help` lists them.
std::vector<Command> AllCommands();
void AddTopicCommands(std::vector<Command>* commands);
void AddGroupCommands(std::vector<Command>* commands);
void AddClusterCommands(std::vector<Command>* commands);
void AddMessageCommands(std::vector<Command>* commands);

// Runs orbit-admin with its arguments (argv[0] is the program); the exit code: 0 ok, 1 the
// command failed, 2 a usage error.
int RunAdminTool(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);

// ---- Flags

// An Apache-style boolean: "-o" alone means true; "-o true" and "-o false" work too.
CLI::Option* AddBool(CLI::App* cmd, const std::string& names, bool* value, const std::string& help);
// -b brokerAddr / -c clusterName, as the commands that act on brokers take them.
struct BrokerTarget {
  std::string broker_addr;
  std::string cluster;
};
void AddBrokerTarget(CLI::App* cmd, BrokerTarget* target);
// "" when exactly one of -b and -c is given.
std::string CheckBrokerTarget(const BrokerTarget& target);

// ---- Clients

// The name servers: the flag, else $NAMESRV_ADDR. Error when neither is set.
Result<std::string> NameServers(const CommonOptions& common);
// Fills the settings every client takes from the common flags (name servers, ACL signing, a
// unique instance name as Apache's tool uses).
Status ConfigureClient(const CommonOptions& common, ClientConfig* config);
Result<std::unique_ptr<AdminClient>> StartAdmin(const CommonOptions& common);
Result<std::unique_ptr<PullConsumer>> StartPullConsumer(const CommonOptions& common,
                                                        const std::string& group);
// The master addresses -b/-c designate.
Result<std::vector<std::string>> TargetBrokers(AdminClient& admin, const BrokerTarget& target);

// ---- Values

// A timestamp as Apache's tools take it: milliseconds since the epoch, or local time as
// "yyyy-MM-dd#HH:mm:ss:SSS" (also accepted: "yyyy-MM-dd HH:mm:ss" and "yyyy-MM-dd").
Result<int64_t> ParseTimestamp(const std::string& text);
int64_t NowMs();

// The message of a failed call in words, prefixed with what was being done ("" for none).
Status Explain(const Status& status, const std::string& doing);

// ---- Messages as the message commands print them
Json MessageJson(const MessageExt& msg, bool with_body);
// The "Key: value" block of queryMsgById and friends.
void PrintMessageDetail(const MessageExt& msg, Output& out);
// One line per message, as printMsg and consumeMessage print them.
std::string MessageLine(const MessageExt& msg, bool with_body);
// "{k=v, k=v}" as Java prints a map.
std::string PropertiesString(const std::map<std::string, std::string, std::less<>>& properties);

}  // namespace orbit::admin
