// `roster-enrich lookup --provider creatoraudit PLATFORM HANDLE`: one creator's engagement metrics.
// Finds the account by listing the organization's accounts; tracks it when it is not tracked (one
// account of the plan's quota; one POST whose retries inside the call carry the same
// Idempotency-Key); with --wait polls until its first refresh; prints the metrics for
// --audit-period. A run keeps its keys in the state file; a lookup holds its key for the call only.

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/audit_session.hpp"
#include "cli/commands.hpp"
#include "cli/signals.hpp"
#include "creatoraudit/audit_columns.hpp"
#include "creatoraudit/audit_record.hpp"
#include "creatoraudit/client.hpp"
#include "creatoraudit/idempotency_key.hpp"
#include "output/column_group.hpp"
#include "roster/handle.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/text.hpp"

namespace cli {

using core::ExitCode;
using core::Fatal;

namespace {

struct AuditAnswer {
  std::string platform;
  std::string handle;
  std::string status;  // metrics, pending, invalid, quota_exceeded, error
  std::string error;
  std::string account_id;
  std::optional<std::string> last_scrape_time;
  bool tracked_now = false;
  std::string period;
  std::string metrics_json;  // the item verbatim, when status is metrics
  std::vector<creatoraudit::Metric> metrics;
};

// The lookup's JSON object as `run` writes it (the audit column group's members, one piece of code
// for both), plus `tracked_now` inside `audit`: whether this lookup took an account of the quota.
std::string audit_answer_json(const AuditAnswer& answer, core::Platform platform) {
  creatoraudit::AuditRecord record;
  record.platform = platform;
  record.handle = answer.handle;
  record.status = creatoraudit::parse_audit_status(answer.status).value_or(creatoraudit::AuditStatus::error);
  record.error = answer.error;
  record.account_id = answer.account_id;
  record.last_scrape_time = answer.last_scrape_time.value_or("");
  record.period = answer.period;
  record.metrics_json = answer.metrics_json;
  const std::vector<creatoraudit::AuditRecord> records{record};
  const creatoraudit::AuditColumns columns(records);
  roster::CellLookup cell;
  cell.platform = platform;
  cell.handle = answer.handle;
  std::string members = columns.json_members(cell, 0);
  members.insert(members.size() - 1, answer.tracked_now ? ",\"tracked_now\":true" : ",\"tracked_now\":false");
  std::string document = "{\"platform\":";
  output::append_json_string(document, answer.platform);
  document += ",\"handle\":";
  output::append_json_string(document, answer.handle);
  return document + "," + members + "}\n";
}

std::string audit_answer_text(const AuditAnswer& answer) {
  std::string out = answer.platform + " @" + util::one_line(answer.handle, 80) + "  (CreatorAudit)\n";
  out += "  status        " + answer.status + "\n";
  if (!answer.error.empty()) {
    out += "  error         " + util::one_line(answer.error) + "\n";
  }
  if (!answer.account_id.empty()) {
    out += "  account       " + answer.account_id + (answer.tracked_now ? " (tracked now)" : "") + "\n";
  }
  out += "  refreshed     " +
         (answer.last_scrape_time ? util::one_line(*answer.last_scrape_time, 60) : std::string("not yet")) +
         "\n";
  if (!answer.period.empty()) {
    out += "  period        " + answer.period + "\n";
  }
  for (const creatoraudit::Metric& metric : answer.metrics) {
    const std::string name = util::one_line(metric.name, 40);
    const std::string value = metric.value.kind == creatoraudit::MetricValue::Kind::empty
                                  ? std::string("-")
                                  : util::one_line(metric.value.text, 80);
    out += "  " + name + std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') + value + "\n";
  }
  return out;
}

std::optional<creatoraudit::Account> find_tracked(creatoraudit::Client& api, core::Platform platform,
                                                  const std::string& handle) {
  auto accounts = api.list_accounts(platform);
  if (!accounts) {
    throw audit_fatal_from(accounts.error());
  }
  const auto found =
      std::find_if(accounts->begin(), accounts->end(), [&](const creatoraudit::Account& account) {
        return util::equals_ignoring_case(account.username, handle);
      });
  return found == accounts->end() ? std::nullopt : std::optional<creatoraudit::Account>(*found);
}

}  // namespace

core::ExitCode run_audit_lookup(const LookupOptions& options, const GlobalOptions& global) {
  const auto platform = core::parse_platform(util::trim(options.platform));
  if (!platform) {
    throw Fatal(ExitCode::usage, "unknown platform '" + util::one_line(options.platform, 40) + "'");
  }
  if (*platform != core::Platform::instagram && *platform != core::Platform::tiktok) {
    throw Fatal(ExitCode::usage, "CreatorAudit covers instagram and tiktok, not " +
                                     std::string(core::platform_name(*platform)) +
                                     "; use --provider creatorscore for that platform");
  }
  if (!options.include.empty()) {
    throw Fatal(ExitCode::usage, "--include is CreatorScore's; leave it out with --provider creatoraudit");
  }
  const auto poll_interval = util::parse_duration(options.poll_interval);
  if (!poll_interval || poll_interval->count() <= 0) {
    throw Fatal(ExitCode::usage, "--poll-interval: '" + options.poll_interval + "' is not a duration");
  }
  const std::string handle(roster::strip_handle(options.handle));
  if (const std::string_view problem = roster::handle_problem(handle); !problem.empty()) {
    throw Fatal(ExitCode::usage, "HANDLE: " + std::string(problem) + "; give the creator's username");
  }
  const std::atomic<bool>& stop_flag = install_stop_handlers();
  AuditSession session(global, resolve_audit_base_url(options.audit, global), read_audit_key(options.audit),
                       &stop_flag);
  creatoraudit::Client& api = session.api();

  AuditAnswer answer;
  answer.platform = std::string(core::platform_name(*platform));
  answer.handle = handle;
  ExitCode code = ExitCode::ok;
  std::optional<creatoraudit::Account> account = find_tracked(api, *platform, handle);
  if (!account) {
    // One logical write, one key: http::Client's retries of this POST re-send it unchanged, so an
    // answer lost on the way cannot track the account twice.
    auto tracked = api.track_account(*platform, handle, creatoraudit::new_idempotency_key());
    if (!tracked) {
      throw audit_fatal_from(tracked.error());
    }
    switch (tracked->outcome) {
      case creatoraudit::TrackOutcome::created:
      case creatoraudit::TrackOutcome::replayed:
        answer.tracked_now = true;
        account = tracked->account;
        break;
      case creatoraudit::TrackOutcome::existing:
        account = tracked->account;
        break;
      case creatoraudit::TrackOutcome::conflict:
        account = find_tracked(api, *platform, handle);  // tracked already, not yet listed before
        if (!account) {
          answer.status = "error";
          answer.error = tracked->message;
          code = ExitCode::some_rows_unscored;
        }
        break;
      case creatoraudit::TrackOutcome::invalid:
        answer.status = "invalid";
        answer.error = tracked->message;
        code = ExitCode::some_rows_unscored;
        break;
      case creatoraudit::TrackOutcome::quota_exceeded:
        answer.status = "quota_exceeded";
        answer.error = tracked->message;
        code = ExitCode::out_of_credits;
        break;
    }
  }
  if (account) {
    answer.account_id = account->id;
    std::string etag;
    while (!account->refreshed() && options.wait) {
      if (!session.clock().sleep_for(*poll_interval)) {
        break;  // interrupted: report it pending
      }
      auto fetched = api.get_account(account->id, etag);
      if (!fetched) {
        throw audit_fatal_from(fetched.error());
      }
      if (fetched->outcome == creatoraudit::FetchOutcome::not_found) {
        throw Fatal(ExitCode::api_unavailable,
                    "CreatorAudit no longer knows account " + account->id +
                        " (404 while waiting for its first refresh); run the lookup again");
      }
      if (fetched->outcome == creatoraudit::FetchOutcome::changed) {
        account = fetched->account;
        etag = fetched->etag;
      }
    }
    answer.last_scrape_time = account->last_scrape_time;
    answer.status = "pending";
    code = ExitCode::incomplete;
    if (account->refreshed()) {
      auto metrics = api.metrics(options.audit_period, {account->id});
      if (!metrics) {
        throw audit_fatal_from(metrics.error());
      }
      if (metrics->rejected) {
        answer.status = "error";
        answer.error = metrics->message;
        code = ExitCode::some_rows_unscored;
      } else if (!metrics->page.items.empty() && metrics->page.items.front().scraped()) {
        const creatoraudit::AccountMetrics& item = metrics->page.items.front();
        answer.status = "metrics";
        answer.period =
            item.period.empty() ? std::string(creatoraudit::period_name(options.audit_period)) : item.period;
        answer.metrics = item.metrics;
        answer.metrics_json = item.item_json;
        code = ExitCode::ok;
      }
    }
  }
  const bool as_json = options.json || ::isatty(STDOUT_FILENO) == 0;
  const std::string text = as_json ? audit_answer_json(answer, *platform) : audit_answer_text(answer);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return code;
}

}  // namespace cli
