// orbit-admin: the operator's command line for RocketMQ clusters, Orbit's and Apache's (Apache
// RocketMQ's mqadmin with the same commands and flags). The commands live in the orbit_admin_tool
// library (command.h); this file only hands them the arguments.

#include <cstdio>
#include <string>
#include <vector>

#include "apps/admin/command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  return orbit::admin::RunAdminTool(args, stdout, stderr);
}
