#pragma once

// What the state file keeps of one lookup for one provider other than CreatorScore's own record
// (LookupRecord): the provider-neutral columns of schema v3's per-provider records. The store
// treats every field as opaque text; what a status or `detail` means is the provider's business
// (creatoraudit/audit_record.hpp converts to and from it). docs/providers.md, step 1.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/platform.hpp"

namespace state {

struct ProviderRecord {
  std::size_t index = 0;  // position in roster::RosterIndex::lookups (0 when loaded from the file)
  core::Platform platform = core::Platform::tiktok;
  std::string handle;  // as sent (the roster's first spelling)

  std::string status;           // the provider's status name, as its output writes it
  std::string external_id;      // the id the provider's API gave this lookup (CreatorAudit: account id)
  std::string payload;          // the result as the API sent it (CreatorAudit: the metrics item)
  std::string error;            // an API code and message, or our reason
  std::string idempotency_key;  // made durable by Store::begin_start before the request that sends it
  std::string etag;             // of the last answer about this lookup alone (If-None-Match)
  std::string detail;           // anything else the provider keeps across a resume (opaque text)
  std::int64_t cost = 0;        // what the lookup consumed (CreatorAudit: 1 quota account when tracked anew)
};

}  // namespace state
