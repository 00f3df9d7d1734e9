#pragma once

// Runs orbit-store's command line in-process and captures what it prints (store_tool_test).

#include <sstream>
#include <string>
#include <vector>

#include "apps/store/store_tool.h"

namespace orbit::store_tool {

struct Output {
  int code = -1;
  std::string out;
  std::string err;
};

// `args` without the program name.
inline Output RunTool(std::vector<std::string> args) {
  args.insert(args.begin(), "orbit-store");
  std::ostringstream out;
  std::ostringstream err;
  Output o;
  o.code = RunCommandLine(args, out, err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

}  // namespace orbit::store_tool
