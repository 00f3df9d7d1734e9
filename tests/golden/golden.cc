#include "golden/golden.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace orbit::testing {
namespace {

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() + 0 && s[i + 1] == 'x') {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Value of " key=" up to the next space.
std::string Field(const std::string& line, const std::string& key) {
  std::string pat = " " + key + "=";
  size_t p = line.find(pat);
  if (p == std::string::npos) throw std::runtime_error("golden: no " + key + " in " + line);
  p += pat.size();
  size_t e = line.find(' ', p);
  return line.substr(p, e == std::string::npos ? std::string::npos : e - p);
}

int32_t IntField(const std::string& line, const std::string& key) {
  return static_cast<int32_t>(std::stol(Field(line, key)));
}

void ParseExt(const std::string& line, GoldenFrame* f) {
  size_t start = line.find(" ext={");
  if (start == std::string::npos) return;
  start += 6;
  size_t end = line.find("} body~", start);
  if (end == std::string::npos) end = line.rfind('}');
  std::string inner = line.substr(start, end - start);
  std::string last_key;
  size_t pos = 0;
  while (pos < inner.size()) {
    size_t comma = inner.find(',', pos);
    std::string tok =
        inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? inner.size() : comma + 1;
    size_t eq = tok.find('=');
    bool is_key = eq != std::string::npos && eq > 0 &&
                  std::all_of(tok.begin(), tok.begin() + static_cast<long>(eq), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                  });
    if (is_key) {
      last_key = tok.substr(0, eq);
      f->ext[last_key] = Unescape(tok.substr(eq + 1));
    } else if (!last_key.empty()) {
      f->ext[last_key] += "," + Unescape(tok);  // a value that itself contains commas
    }
  }
}

GoldenFrame ParseFrameLine(const std::string& file, const std::string& line) {
  GoldenFrame f;
  f.file = file;
  f.line = line;
  f.index = std::stoi(line.substr(6, line.find(' ', 6) - 6));
  // "FRAME n pkts=.. t=.. DIR src->dst len=.. KIND ..."
  size_t t = line.find(" t=");
  size_t dir_start = line.find(' ', t + 1) + 1;
  f.direction = line.substr(dir_start, line.find(' ', dir_start) - dir_start);
  size_t rt = line.find(" RESPONSE to ");
  if (rt != std::string::npos) {
    f.is_response = true;
    f.request_code = std::stoi(line.substr(rt + 13));
  }
  f.code = IntField(line, "code");
  f.opaque = IntField(line, "opaque");
  f.flag = IntField(line, "flag");
  f.ser = Field(line, "ser");
  f.lang = Field(line, "lang");
  f.version = IntField(line, "ver");
  f.header_len = IntField(line, "hdrLen");
  f.body_len = IntField(line, "bodyLen");
  size_t r = line.find(" remark='");
  if (r != std::string::npos) {
    size_t e = line.find("' ext={", r);
    f.remark = Unescape(line.substr(r + 9, e - r - 9));
  }
  ParseExt(line, &f);
  return f;
}

}  // namespace

std::string GoldenDir() {
  const char* env = std::getenv("ORBIT_TEST_DATA_DIR");
  return std::string(env != nullptr ? env : ORBIT_TEST_DATA_DIR) + "/golden";
}

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(GoldenDir())) {
    if (e.path().extension() == ".txt") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<GoldenFrame> LoadGoldenFile(const std::string& name) {
  std::ifstream in(GoldenDir() + "/" + name + ".txt");
  if (!in) throw std::runtime_error("golden: cannot open " + name);
  std::vector<GoldenFrame> frames;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("FRAME ", 0) == 0) {
      frames.push_back(ParseFrameLine(name, line));
    } else if (line.rfind("HEX ", 0) == 0 && !frames.empty()) {
      frames.back().bytes = Unhex(line.substr(4));
    }
  }
  return frames;
}

std::vector<GoldenFrame> LoadAllGoldenFrames() {
  std::vector<GoldenFrame> all;
  for (const auto& name : GoldenFiles()) {
    auto frames = LoadGoldenFile(name);
    all.insert(all.end(), frames.begin(), frames.end());
  }
  return all;
}

}  // namespace orbit::testing
