// The command line of orbit-admin: picks the command, parses its flags, runs it and turns the
// outcome into an exit code (see command.h).

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "apps/admin/command.h"

namespace orbit::admin {
namespace {

constexpr const char* kProgram = "orbit-admin";

void Write(std::FILE* file, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), file);
  std::fflush(file);
}

std::string CommandList(const std::vector<Command>& commands) {
  std::string out = fmt::format(
      "{0}: operate RocketMQ clusters (Apache RocketMQ's mqadmin, for Orbit and Apache)\n\n"
      "Usage: {0} <command> [flags]      run a command (-n NAMESRV or $NAMESRV_ADDR)\n"
      "       {0} help <command>         the command's flags\n\n"
      "Commands:\n",
      kProgram);
  for (const Command& c : commands) out += fmt::format("  {:<22}{}\n", c.name, c.description);
  out += fmt::format(
      "\nEvery command takes --json (one JSON document on stdout) and --accessKey/--secretKey "
      "(ACL 1.0).\nExit codes: 0 ok, 1 the command failed, 2 usage error.\n");
  return out;
}

void AddCommonFlags(CLI::App* app, CommonOptions* common) {
  app->add_option("-n,--namesrvAddr", common->namesrv,
                  "name servers, host:port[;host:port] (default: $NAMESRV_ADDR)");
  app->add_option("--accessKey", common->access_key,
                  "ACL 1.0 access key: sign every request (default: $ORBIT_ACCESS_KEY)");
  app->add_option("--secretKey", common->secret_key,
                  "ACL 1.0 secret key (default: $ORBIT_SECRET_KEY)");
  app->add_flag("--json", common->json, "print the result as one JSON document on stdout");
  app->add_option("--timeout", common->timeout_ms, "timeout of each request in ms")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{600000}));
  app->add_option("--logLevel", common->log_level, "client log level on stderr")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

// The command's parser: its flags and the common ones, help on -h/--help.
std::unique_ptr<CLI::App> MakeApp(const Command& command, CommonOptions* common) {
  auto app =
      std::make_unique<CLI::App>(command.description, std::string(kProgram) + " " + command.name);
  app->set_help_flag("-h,--help", "print this help");
  command.add_flags(app.get());
  AddCommonFlags(app.get(), common);
  app->footer("Exit codes: 0 ok, 1 the command failed (message on stderr), 2 usage error.");
  return app;
}

void SetupClientLogging(const std::string& level) {
  static std::shared_ptr<spdlog::logger> logger = spdlog::stderr_color_mt("orbit-admin");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

const Command* Find(const std::vector<Command>& commands, const std::string& name) {
  for (const Command& c : commands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  AddTopicCommands(&commands);
  AddGroupCommands(&commands);
  AddClusterCommands(&commands);
  AddMessageCommands(&commands);
  return commands;
}

int RunAdminTool(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  const std::vector<Command> commands = AllCommands();
  if (args.size() < 2 || args[1] == "help" || args[1] == "-h" || args[1] == "--help") {
    if (args.size() < 3 || args[1] != "help") {
      Write(out, CommandList(commands));
      return 0;
    }
    const Command* command = Find(commands, args[2]);
    if (command == nullptr) {
      Write(err, fmt::format("{}: unknown command '{}' (run '{} help' for the list)\n", kProgram,
                             args[2], kProgram));
      return 2;
    }
    CommonOptions common;
    Write(out, MakeApp(*command, &common)->help());
    return 0;
  }
  const Command* command = Find(commands, args[1]);
  if (command == nullptr) {
    Write(err, fmt::format("{}: unknown command '{}' (run '{} help' for the list)\n", kProgram,
                           args[1], kProgram));
    return 2;
  }
  CommonOptions common;
  std::unique_ptr<CLI::App> app = MakeApp(*command, &common);
  // CLI11 wants the arguments reversed when given as a vector.
  std::vector<std::string> rest(args.rbegin(), args.rend() - 2);
  try {
    app->parse(rest);
  } catch (const CLI::CallForHelp&) {
    Write(out, app->help());
    return 0;
  } catch (const CLI::ParseError& e) {
    Write(err, fmt::format("{}: {}: {}\n\n{}", kProgram, command->name, e.what(), app->help()));
    return 2;
  }
  if (std::string problem = command->check(); !problem.empty()) {
    Write(err, fmt::format("{}: {}: {}\n\n{}", kProgram, command->name, problem, app->help()));
    return 2;
  }
  SetupClientLogging(common.log_level);
  Output output = Output::ToFile(out, common.json);
  const Status st = command->run(common, output);
  if (!st.ok()) {
    Write(err, fmt::format("{}: {}: {}\n", kProgram, command->name, Explain(st, "").message()));
    return 1;
  }
  return 0;
}

}  // namespace orbit::admin
