#pragma once

// One RAII wrapper per SQLite handle (STYLE.md, "Interfaces"): Database owns a sqlite3*,
// Statement a sqlite3_stmt*, Transaction a BEGIN IMMEDIATE .. COMMIT that rolls back unless
// committed. sqlite3.h stays in state/*.cpp; this header only forward-declares the C types.
//
// Failures throw core::Fatal(cannot_write) with a one-line message naming the state file and
// what to do; callers that must return a value instead (SqliteStore::open, the status loader)
// catch it at their boundary.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/exit_code.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace state {

enum class OpenMode { read_write_create, read_only };

// The core::Fatal the wrappers throw, carrying SQLite's result code so a caller that turns it into
// a value (StoreError) can tell "not a database" from "cannot write". Still caught as core::Fatal.
class StateFileFailure : public core::Fatal {
 public:
  StateFileFailure(int sqlite_code, std::string message)
      : core::Fatal(core::ExitCode::cannot_write, std::move(message)), m_sqlite_code(sqlite_code) {}
  int sqlite_code() const { return m_sqlite_code; }

 private:
  int m_sqlite_code;
};

class Database {
 public:
  // Opens `path` (never a URI). Throws core::Fatal(cannot_write) on failure.
  Database(const std::string& path, OpenMode mode);
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  ~Database();

  // Runs one or more statements without results. Throws core::Fatal on failure; `what` names
  // the operation in the message ("create the schema").
  void exec(std::string_view sql, std::string_view what);

  // A single integer from a query such as "PRAGMA user_version" (0 when there is no row).
  std::int64_t query_int(std::string_view sql, std::string_view what);

  // Throws core::Fatal(cannot_write): "cannot write the state file PATH: <what>: <SQLite's
  // reason>; check the directory's permissions or pass --state FILE".
  [[noreturn]] void fail(std::string_view what) const;
  [[noreturn]] void fail(std::string_view what, int code) const;

  sqlite3* get() const { return m_db; }
  const std::string& path() const { return m_path; }
  OpenMode mode() const { return m_mode; }

 private:
  std::string m_path;
  OpenMode m_mode;
  sqlite3* m_db = nullptr;
};

class Statement {
 public:
  // Prepares `sql` (persistent: reused many times). Throws core::Fatal on failure.
  Statement(Database& db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in sqlite3_bind_*. Text is copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::optional<std::int64_t> value);  // nullopt binds NULL

  // True while a row is available, false when done. Throws core::Fatal on an error.
  bool step(std::string_view what);
  // Steps a statement that returns no rows, then resets it for the next use.
  void run(std::string_view what);
  void reset();

  std::int64_t column_int(int index) const;
  std::optional<std::int64_t> column_optional_int(int index) const;
  std::string column_text(int index) const;  // "" for NULL

 private:
  Database& m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// BEGIN IMMEDIATE on construction (takes the write lock at once, so a busy database shows here
// rather than half-way through); commit() makes it durable; destruction without commit() rolls
// back, so an exception leaves the file as it was.
class Transaction {
 public:
  Transaction(Database& db, std::string_view what);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  Database& m_db;
  std::string m_what;
  bool m_open = true;
};

}  // namespace state
