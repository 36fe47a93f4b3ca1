// Errors as values: a Diagnostic says what went wrong and where (file, line, column).
// Result<T> carries either a value or the first Diagnostic. This module depends on nothing
// and never prints: the CLI formats diagnostics once, at the top.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace shardplan {

struct Diagnostic {
  std::string path;     // input the problem is in; empty when it concerns no file
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string message;  // what is wrong and, where it helps, what to do

  // "path:line:column: message", leaving out the parts that are unknown.
  std::string format() const;
  bool operator==(const Diagnostic&) const = default;
};

Diagnostic error_at(std::string path, int line, int column, std::string message);
Diagnostic error_in(std::string path, std::string message);

// 1-based line and column of byte `offset` in `text` (column counts bytes).
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(Diagnostic error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Diagnostic& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Diagnostic> state_;
};

// Non-fatal findings (skipped entries, stale timings) collected while reading.
using Warnings = std::vector<Diagnostic>;

}  // namespace shardplan
