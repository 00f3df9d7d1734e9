#pragma once

// A table of config keys for one component: the key as RocketMQ spells it, a description, and
// how to read and write it. The same table applies .properties files, prints the effective
// config (-p) and generates docs/config.md.

#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/properties.h"
#include "base/status.h"

namespace orbit {

template <typename C>
struct ConfigField {
  std::string key;
  std::string description;
  std::function<Status(C&, std::string_view)> set;
  std::function<std::string(const C&)> get;
};

Result<int64_t> ParseConfigInt(std::string_view key, std::string_view text);
Result<bool> ParseConfigBool(std::string_view key, std::string_view text);

template <typename C, typename T>
ConfigField<C> MakeConfigField(std::string key, T C::*member, std::string description) {
  ConfigField<C> f{std::move(key), std::move(description), nullptr, nullptr};
  std::string k = f.key;
  if constexpr (std::is_same_v<T, std::string>) {
    f.set = [member](C& c, std::string_view v) {
      c.*member = std::string(v);
      return Status::Ok();
    };
    f.get = [member](const C& c) { return c.*member; };
  } else if constexpr (std::is_same_v<T, bool>) {
    f.set = [member, k](C& c, std::string_view v) {
      ORBIT_ASSIGN_OR_RETURN(c.*member, ParseConfigBool(k, v));
      return Status::Ok();
    };
    f.get = [member](const C& c) { return std::string(c.*member ? "true" : "false"); };
  } else {
    static_assert(std::is_integral_v<T>);
    f.set = [member, k](C& c, std::string_view v) {
      ORBIT_ASSIGN_OR_RETURN(int64_t n, ParseConfigInt(k, v));
      if (n < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
          n > static_cast<int64_t>(std::numeric_limits<T>::max())) {
        return InvalidArgument("config key " + k + ": " + std::string(v) + " is out of range");
      }
      c.*member = static_cast<T>(n);
      return Status::Ok();
    };
    f.get = [member](const C& c) { return std::to_string(c.*member); };
  }
  return f;
}

// Applies known keys; unknown keys are collected in *unknown (RocketMQ ignores them too) so the
// caller can warn. A known key with a bad value is an error naming it.
template <typename C>
Status ApplyConfig(const std::vector<ConfigField<C>>& fields, const PropertyList& props, C* config,
                   std::vector<std::string>* unknown) {
  for (const auto& [key, value] : props) {
    bool found = false;
    for (const auto& f : fields) {
      if (f.key == key) {
        ORBIT_RETURN_IF_ERROR(f.set(*config, value));
        found = true;
        break;
      }
    }
    if (!found && unknown != nullptr) unknown->push_back(key);
  }
  return Status::Ok();
}

template <typename C>
PropertyList ConfigToProperties(const std::vector<ConfigField<C>>& fields, const C& config) {
  PropertyList out;
  for (const auto& f : fields) out.emplace_back(f.key, f.get(config));
  return out;
}

// A markdown table of keys, defaults (from a default-constructed config) and descriptions.
template <typename C>
std::string ConfigMarkdown(const std::vector<ConfigField<C>>& fields, const C& defaults) {
  std::string out = "| key | default | meaning |\n|---|---|---|\n";
  for (const auto& f : fields) {
    std::string def = f.get(defaults);
    out += "| `" + f.key + "` | " + (def.empty() ? std::string("(empty)") : "`" + def + "`") +
           " | " + f.description + " |\n";
  }
  return out;
}

}  // namespace orbit
