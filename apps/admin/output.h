#pragma once

// What orbit-admin prints: aligned text tables for people, one JSON document for scripts, and the
// sink every command writes to (stdout in the program, a string in tests).

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace orbit::admin {

// A JSON value built in memory and written compactly on one line. Object members keep the order
// they were set in. Strings are UTF-8; bytes that are not valid UTF-8 are written as \u00XX
// (read as Latin-1), so the output is always valid JSON whatever a message body holds.
class Json {
 public:
  enum class Type { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

  Json() = default;
  Json(bool b) : type_(Type::kBool), int_(b ? 1 : 0) {}               // NOLINT: by design
  Json(int v) : type_(Type::kInt), int_(v) {}                         // NOLINT
  Json(int64_t v) : type_(Type::kInt), int_(v) {}                     // NOLINT
  Json(double v) : type_(Type::kDouble), double_(v) {}                // NOLINT
  Json(std::string s) : type_(Type::kString), text_(std::move(s)) {}  // NOLINT
  Json(std::string_view s) : type_(Type::kString), text_(s) {}        // NOLINT
  Json(const char* s) : type_(Type::kString), text_(s) {}             // NOLINT

  static Json Array() { return Json(Type::kArray); }
  static Json Object() { return Json(Type::kObject); }

  // Object: appends a member (no check for a repeated key). Returns *this for chaining.
  Json& Set(std::string key, Json value);
  // Array: appends an element.
  Json& Push(Json value);
  size_t size() const { return items_.size(); }

  std::string Dump() const;

 private:
  explicit Json(Type type) : type_(type) {}
  void DumpTo(std::string* out) const;

  Type type_ = Type::kNull;
  int64_t int_ = 0;
  double double_ = 0;
  std::string text_;
  std::vector<std::string> keys_;  // objects: keys_[i] names items_[i]
  std::vector<Json> items_;
};

// `s` as a quoted JSON string.
std::string JsonQuote(std::string_view s);

// Rows of text in columns: each column as wide as its widest cell, two spaces between columns,
// the last column not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t rows() const { return rows_.size(); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Where a command's results go. Text is written as it comes (printMsg streams); a JSON document
// is written once, with a newline, at the end of the command.
class Output {
 public:
  using Writer = std::function<void(std::string_view)>;
  Output(Writer writer, bool json) : writer_(std::move(writer)), json_(json) {}
  // Writes to `file` (stdout in the program) and flushes after each write.
  static Output ToFile(std::FILE* file, bool json);

  // --json was given: the command emits one Json value and no text.
  bool json() const { return json_; }
  void Text(std::string_view text) { writer_(text); }
  void Line(std::string_view line);
  void Print(const Table& table) { writer_(table.Render()); }
  void Emit(const Json& value);

 private:
  Writer writer_;
  bool json_ = false;
};

// "2024-05-01 12:00:00,123" in local time (Apache's UtilAll.timeMillisToHumanString2); "" for
// 0 or less.
std::string HumanTime(int64_t ms);

}  // namespace orbit::admin
