#include "state/sqlite_handle.hpp"

#include <sqlite3.h>

#include <climits>

#include "core/exit_code.hpp"
#include "util/text.hpp"

namespace state {

namespace {

// How long a statement waits for another connection's lock before failing with SQLITE_BUSY. Only
// one process writes a state file (StateLock); the wait covers a `status` reader starting a read
// transaction during a checkpoint. https://sqlite.org/c3ref/busy_timeout.html
constexpr int k_busy_timeout_ms = 5000;

int to_int_length(std::string_view text) {
  return text.size() > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(text.size());
}

// One line saying what failed and what to do next, chosen by SQLite's primary result code.
std::string failure_message(const std::string& path, OpenMode mode, std::string_view what, int code,
                            std::string_view reason) {
  // SQLite's message may quote SQL from the file itself (a damaged schema), line breaks and all.
  std::string detail = util::one_line(reason);
  if (!what.empty()) {
    detail += " (" + std::string(what) + ")";
  }
  switch (code & 0xff) {
    case SQLITE_NOTADB:
      return "cannot use the state file " + path + ": it is not a roster-enrich state file (" + detail +
             "); pass --state FILE to use another file";
    case SQLITE_CORRUPT:
      return "the state file " + path + " is damaged (" + detail +
             "); move it away to start afresh, or pass --state FILE";
    case SQLITE_FULL:
      return "cannot write the state file " + path + ": " + detail + "; free some disk space or pass --state FILE";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the state file " + path + " is busy (" + detail + "); wait for the other process or pass --state FILE";
    default:
      break;
  }
  if (mode == OpenMode::read_only) {
    return "cannot read the state file " + path + ": " + detail + "; check the path or pass --state FILE";
  }
  return "cannot write the state file " + path + ": " + detail +
         "; check the directory's permissions or pass --state FILE";
}

}  // namespace

// ---- Database ----

Database::Database(const std::string& path, OpenMode mode) : m_path(path), m_mode(mode) {
  const int flags = (mode == OpenMode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 returns a handle even on failure (except out of memory); it carries the reason.
    const std::string reason = m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    sqlite3_close_v2(m_db);
    m_db = nullptr;
    throw StateFileFailure(rc, failure_message(m_path, m_mode, "open", rc, reason));
  }
  sqlite3_extended_result_codes(m_db, 1);
  sqlite3_busy_timeout(m_db, k_busy_timeout_ms);
}

Database::Database(Database&& other) noexcept : m_path(std::move(other.m_path)), m_mode(other.m_mode), m_db(other.m_db) {
  other.m_db = nullptr;
}

Database::~Database() {
  // close_v2 defers the close until every statement is finalized, so destruction order of
  // Statement members does not matter.
  sqlite3_close_v2(m_db);
}

void Database::exec(std::string_view sql, std::string_view what) {
  const std::string text(sql);
  const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    fail(what, rc);
  }
}

std::int64_t Database::query_int(std::string_view sql, std::string_view what) {
  Statement statement(*this, sql);
  if (!statement.step(what)) {
    return 0;
  }
  return statement.column_int(0);
}

void Database::fail(std::string_view what) const { fail(what, sqlite3_extended_errcode(m_db)); }

void Database::fail(std::string_view what, int code) const {
  const std::string reason = m_db != nullptr && sqlite3_extended_errcode(m_db) == code ? sqlite3_errmsg(m_db)
                                                                                         : sqlite3_errstr(code);
  throw StateFileFailure(code, failure_message(m_path, m_mode, what, code, reason));
}

// ---- Statement ----

Statement::Statement(Database& db, std::string_view sql) : m_db(db) {
  const int rc = sqlite3_prepare_v3(db.get(), sql.data(), to_int_length(sql), SQLITE_PREPARE_PERSISTENT, &m_stmt,
                                    nullptr);
  if (rc != SQLITE_OK) {
    db.fail("prepare a statement", rc);
  }
}

Statement::Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) { other.m_stmt = nullptr; }

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(m_stmt, index, value);
  if (rc != SQLITE_OK) {
    m_db.fail("bind a value", rc);
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  const int rc = sqlite3_bind_text(m_stmt, index, value.data(), to_int_length(value), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) {
    m_db.fail("bind a value", rc);
  }
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  if (value) {
    return bind(index, *value);
  }
  const int rc = sqlite3_bind_null(m_stmt, index);
  if (rc != SQLITE_OK) {
    m_db.fail("bind a value", rc);
  }
  return *this;
}

bool Statement::step(std::string_view what) {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  sqlite3_reset(m_stmt);
  m_db.fail(what, rc);
}

void Statement::run(std::string_view what) {
  while (step(what)) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(m_stmt, index); }

std::optional<std::int64_t> Statement::column_optional_int(int index) const {
  if (sqlite3_column_type(m_stmt, index) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(m_stmt, index);
}

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(m_stmt, index);
  if (text == nullptr) {
    return {};
  }
  const int bytes = sqlite3_column_bytes(m_stmt, index);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
}

// ---- Transaction ----

Transaction::Transaction(Database& db, std::string_view what) : m_db(db), m_what(what) {
  m_db.exec("BEGIN IMMEDIATE", m_what);
}

Transaction::~Transaction() {
  if (m_open) {
    // Nothing to report from a destructor: a failed rollback leaves the transaction to SQLite,
    // which rolls it back when the connection closes.
    sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  // With journal_mode=WAL and synchronous=FULL, COMMIT returns after the WAL is fsynced
  // (https://sqlite.org/pragma.html#pragma_synchronous): durable across power loss.
  m_db.exec("COMMIT", m_what);
  m_open = false;
}

}  // namespace state
