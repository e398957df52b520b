#pragma once

// The state file's schema: its version (PRAGMA user_version), the application id that marks a
// file as ours, and the migrations that upgrade version N to N+1. Internal to state/.

#include "state/run_info.hpp"
#include "state/sqlite_handle.hpp"
#include "util/expected.hpp"

namespace state {

// The schema version this build writes. Files of an older version are upgraded on open, one
// version per transaction; a file of a newer version is refused, never downgraded.
inline constexpr int k_schema_version = 3;

// PRAGMA application_id of our files ("RsEn"), so `file` and we can tell them from other SQLite
// databases (https://sqlite.org/pragma.html#pragma_application_id).
inline constexpr int k_application_id = 0x5273456e;

// Read-write: creates the schema in a new or empty file, or upgrades an older one. Returns
// not_ours for someone else's database, too_new for a newer schema. Throws StateFileFailure when
// SQLite fails.
util::Expected<util::Ok, StoreError> prepare_schema(Database& db);

// Read-only: the file must hold our schema at a version this build reads (any, up to ours).
util::Expected<util::Ok, StoreError> check_schema(Database& db);

// The StoreError for a failure thrown by the wrappers (kind chosen by SQLite's result code).
StoreError store_error_from(const core::Fatal& failure);

}  // namespace state
