#include "base/properties.h"

#include <charconv>

#include "base/utf8.h"

namespace orbit {
namespace {

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// Joins continuation lines into logical lines.
std::vector<std::string> LogicalLines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (end < text.size() && text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    if (continuing) {
      while (!line.empty() && IsWs(line.front())) line.remove_prefix(1);
    }
    size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) {
      current.append(line.substr(0, line.size() - 1));
      continuing = true;
    } else {
      current.append(line);
      lines.push_back(std::move(current));
      current.clear();
      continuing = false;
    }
    if (end >= text.size()) break;
  }
  if (continuing) lines.push_back(std::move(current));
  return lines;
}

Status Unescape(std::string_view in, std::string* out) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\' || i + 1 >= in.size()) {
      out->push_back(c);
      continue;
    }
    char e = in[++i];
    switch (e) {
      case 't':
        out->push_back('\t');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'u': {
        unsigned cp = 0;
        if (in.size() - i - 1 < 4) return Malformed("properties: short \\u escape");
        auto r = std::from_chars(in.data() + i + 1, in.data() + i + 5, cp, 16);
        if (r.ptr != in.data() + i + 5) return Malformed("properties: bad \\u escape");
        i += 4;
        AppendUtf8(out, cp);
        break;
      }
      default:
        out->push_back(e);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<PropertyList> ParseProperties(std::string_view text) {
  PropertyList props;
  for (const std::string& raw : LogicalLines(text)) {
    std::string_view line = raw;
    while (!line.empty() && IsWs(line.front())) line.remove_prefix(1);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    size_t k = 0;
    while (k < line.size() && line[k] != '=' && line[k] != ':' && !IsWs(line[k])) {
      if (line[k] == '\\') ++k;
      ++k;
    }
    k = std::min(k, line.size());
    std::string_view key = line.substr(0, k);
    size_t v = k;
    while (v < line.size() && IsWs(line[v])) ++v;
    if (v < line.size() && (line[v] == '=' || line[v] == ':')) ++v;
    while (v < line.size() && IsWs(line[v])) ++v;
    std::string key_out, value_out;
    ORBIT_RETURN_IF_ERROR(Unescape(key, &key_out));
    ORBIT_RETURN_IF_ERROR(Unescape(line.substr(v), &value_out));
    bool replaced = false;
    for (auto& [pk, pv] : props) {
      if (pk == key_out) {
        pv = value_out;
        replaced = true;
      }
    }
    if (!replaced) props.emplace_back(std::move(key_out), std::move(value_out));
  }
  return props;
}

std::string FormatProperties(const PropertyList& props) {
  auto escape = [](std::string_view s, bool is_key, std::string* out) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == '\n') {
        out->append("\\n");
      } else if (c == '\r') {
        out->append("\\r");
      } else if (c == '\t') {
        out->append("\\t");
      } else if (c == '\\' || ((is_key || i == 0) && (c == ' ' || c == '=' || c == ':')) ||
                 ((c == '#' || c == '!') && i == 0)) {
        out->push_back('\\');
        out->push_back(c);
      } else {
        out->push_back(c);
      }
    }
  };
  std::string out;
  for (const auto& [k, v] : props) {
    escape(k, true, &out);
    out.push_back('=');
    escape(v, false, &out);
    out.push_back('\n');
  }
  return out;
}

Result<std::string> UpdatePropertiesText(std::string_view text, const PropertyList& updates) {
  std::vector<bool> seen(updates.size(), false);
  std::string out;
  std::string entry;  // the physical lines of one logical line, terminators included
  auto flush_entry = [&]() -> Status {
    if (entry.empty()) return Status::Ok();
    ORBIT_ASSIGN_OR_RETURN(PropertyList parsed, ParseProperties(entry));
    bool replaced = false;
    if (parsed.size() == 1) {
      for (size_t i = 0; i < updates.size(); ++i) {
        if (updates[i].first != parsed[0].first) continue;
        out += FormatProperties({updates[i]});
        seen[i] = true;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += entry;
    entry.clear();
    return Status::Ok();
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(pos, next - pos);
    entry.append(line);
    if (end == std::string_view::npos) entry.push_back('\n');
    std::string_view bare = line;
    while (!bare.empty() && (bare.back() == '\n' || bare.back() == '\r')) bare.remove_suffix(1);
    size_t backslashes = 0;
    while (backslashes < bare.size() && bare[bare.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) ORBIT_RETURN_IF_ERROR(flush_entry());
    pos = next;
  }
  ORBIT_RETURN_IF_ERROR(flush_entry());
  for (size_t i = 0; i < updates.size(); ++i) {
    if (!seen[i]) out += FormatProperties({updates[i]});
  }
  return out;
}

}  // namespace orbit
