// `roster-enrich lookup PLATFORM HANDLE`: one creator, cache-or-queue; --wait polls its job.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <unistd.h>

#include "cli/api_session.hpp"
#include "cli/commands.hpp"
#include "cli/signals.hpp"
#include "cli/usage_errors.hpp"
#include "creatorscore/client.hpp"
#include "output/creator_card.hpp"
#include "roster/handle.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/text.hpp"

namespace cli {

namespace {

constexpr const char* k_lookup_description = R"(Look up one creator: a cached score at once (free), or a queued job.

Examples:
  roster-enrich lookup tiktok alixearle
  roster-enrich lookup youtube MrBeast --wait            # poll until the score is ready
  roster-enrich lookup x jack --include narrative,velocity --json

A fresh score costs credits (1-3 by platform). Prints a card on a terminal, JSON otherwise or with --json.

With --provider creatoraudit (instagram and tiktok only; key from CREATORAUDIT_API_KEY or
--audit-key-file): finds the account among those the organization tracks, tracks it when it is not
tracked (that takes one account of the plan's quota), with --wait waits for its first refresh
(polling GET /accounts/{id}), then prints its metrics for --audit-period:
  roster-enrich lookup --provider creatoraudit tiktok alixearle --wait --audit-period 7d)";

// A job reported `done` without a creator is asked about this many more times, then reported as
// an error (as the run does: engine/engine.cpp).
constexpr int k_max_polls_after_done_without_creator = 3;

void end_as_error(output::LookupAnswer& answer, const std::string& reason, core::ExitCode& code) {
  answer.status = "error";
  answer.eta_seconds.reset();
  answer.creator_json.clear();
  answer.error = reason;
  code = core::ExitCode::some_rows_unscored;
}

constexpr const char* k_lookup_exit_codes =
    "Exit codes: 0 scored or cached, 75 queued and not done yet (ask again later: the job is not paid\n"
    "twice, or use --wait), 1 the job failed or the creator was refused, 3 out of credits, 64 usage,\n"
    "69 API unavailable, 77 bad key. CreatorAudit: 75 not refreshed yet, 3 the plan's quota is used up.";

// Whether a handle a roster row could not hold (`problem`) is refused here, before any request:
// one that would reach another endpoint (empty, dots alone) or be charged for a creator who is not
// there (a character past ASCII that shows as nothing, bytes that are not UTF-8). An ASCII space,
// slash or control character, or a handle too long, the API refuses itself, free (400
// invalid_handle), and says so.
bool refused_before_sending(std::string_view handle, std::string_view problem) {
  if (problem.empty()) {
    return false;
  }
  const bool past_ascii = std::any_of(handle.begin(), handle.end(), [](char c) { return (c & 0x80) != 0; });
  return past_ascii || problem == "handle is empty" || problem == "handle is only dots";
}

// A handle refused before any request: status `invalid` and the reason, as a roster row shows it;
// exit 1, as for a creator the API refused.
core::ExitCode print_refused_handle(core::Platform platform, const std::string& handle,
                                    std::string_view problem, bool json) {
  output::LookupAnswer answer;
  answer.platform = std::string(core::platform_name(platform));
  answer.handle = handle;
  answer.status = "invalid";
  answer.error = std::string(problem);
  const bool as_json = json || ::isatty(STDOUT_FILENO) == 0;
  const std::string text = as_json ? output::lookup_json(answer) : output::creator_card(answer);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return core::ExitCode::some_rows_unscored;
}

}  // namespace

CLI::App* add_lookup_command(CLI::App& app, LookupOptions& options) {
  CLI::App* command = app.add_subcommand("lookup", "one creator, cache-or-queue; waits for the score with --wait");
  command->description(k_lookup_description);
  command->footer(k_lookup_exit_codes);
  command->add_option("PLATFORM", options.platform, "tiktok, instagram, youtube, x/twitter, ...")->required();
  command->add_option("HANDLE", options.handle, "the creator's handle (a leading @ is dropped)")->required();
  command
      ->add_option("--include", options.include, "extra fields: narrative,velocity,risk_flags,detailed_analysis")
      ->delimiter(',')
      ->check(one_of({"narrative", "velocity", "risk_flags", "detailed_analysis"}));
  command->add_flag("--wait", options.wait, "poll the job until it ends");
  command->add_option("--poll-interval", options.poll_interval, "with --wait: poll this often")
      ->check(duration_with_unit())
      ->capture_default_str();
  command->add_flag("--json", options.json, "print JSON (the default when stdout is not a terminal)");
  command->add_option("--provider", options.provider, "creatorscore (default) or creatoraudit (engagement metrics)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, LookupProvider>{
          {"creatorscore", LookupProvider::creatorscore}, {"creatoraudit", LookupProvider::creatoraudit}}))
      ->transform(one_of({"creatorscore", "creatoraudit"}))
      ->option_text("creatorscore|creatoraudit");
  add_audit_connection_options(*command, options.audit);
  add_audit_period_option(*command, options.audit_period);
  return command;
}

core::ExitCode run_lookup(const LookupOptions& options, const GlobalOptions& global) {
  if (options.provider == LookupProvider::creatoraudit) {
    return run_audit_lookup(options, global);
  }
  const auto platform = core::parse_platform(util::trim(options.platform));
  if (!platform) {
    throw core::Fatal(core::ExitCode::usage, "unknown platform '" + options.platform + "'");
  }
  const std::string handle(roster::strip_handle(options.handle));
  const auto poll_interval = util::parse_duration(options.poll_interval);
  if (!poll_interval || poll_interval->count() <= 0) {
    throw core::Fatal(core::ExitCode::usage, "--poll-interval: '" + options.poll_interval + "' is not a duration");
  }
  const std::atomic<bool>& stop_flag = install_stop_handlers();
  ApiSession session(global, resolve_base_url(global), read_api_key(global), &stop_flag);
  const std::string_view problem = roster::handle_problem(handle);
  if (refused_before_sending(handle, problem)) {
    return print_refused_handle(*platform, handle, problem, options.json);
  }

  auto item = session.api().lookup({*platform, handle}, options.include);
  if (!item) {
    throw fatal_from(item.error());
  }
  output::LookupAnswer answer;
  answer.platform = std::string(core::platform_name(*platform));
  answer.handle = handle;
  answer.job_id = item->job_id;
  answer.creator_json = item->creator_json;
  core::ExitCode code = core::ExitCode::ok;
  switch (item->outcome) {
    case creatorscore::ItemOutcome::cached: answer.status = "cached"; break;
    case creatorscore::ItemOutcome::queued:
      answer.status = "pending";
      if (item->eta) {
        answer.eta_seconds = item->eta->count();
      }
      break;
    case creatorscore::ItemOutcome::error:
      answer.status = item->error_code == "insufficient_credits" ? "skipped" : "error";
      answer.error = item->error_code + (item->message.empty() ? "" : ": " + item->message);
      code = item->error_code == "insufficient_credits" ? core::ExitCode::out_of_credits : core::ExitCode::some_rows_unscored;
      break;
  }
  if (item->outcome == creatorscore::ItemOutcome::cached &&
      !creatorscore::is_same_creator(item->creator_named, *platform, handle)) {
    end_as_error(answer, "answer_for_another_creator", code);  // never another creator's score
  }
  if (options.wait && item->outcome == creatorscore::ItemOutcome::queued) {
    int done_without_creator = 0;
    for (;;) {
      if (!session.clock().sleep_for(*poll_interval)) {
        code = core::ExitCode::incomplete;
        break;
      }
      auto job = session.api().job(item->job_id);
      if (!job) {
        throw fatal_from(job.error());
      }
      if (job->state == creatorscore::JobState::done_without_creator) {
        if (++done_without_creator > k_max_polls_after_done_without_creator) {
          end_as_error(answer, "done_without_creator", code);
          break;
        }
        continue;
      }
      if (job->state == creatorscore::JobState::done &&
          !creatorscore::is_same_creator(job->creator_named, *platform, handle)) {
        end_as_error(answer, "answer_for_another_creator", code);
        break;
      }
      if (job->state == creatorscore::JobState::done) {
        answer.status = "scored";
        answer.eta_seconds.reset();
        answer.creator_json = job->creator_json;
        if (!options.include.empty()) {
          // Done means cached: the include fields are free now (one more request).
          auto with_include = session.api().lookup({*platform, handle}, options.include);
          if (with_include && with_include->outcome == creatorscore::ItemOutcome::cached &&
              creatorscore::is_same_creator(with_include->creator_named, *platform, handle)) {
            answer.creator_json = with_include->creator_json;
          }
        }
        break;
      }
      if (job->state == creatorscore::JobState::failed || job->state == creatorscore::JobState::not_found) {
        answer.status = job->state == creatorscore::JobState::failed ? "failed" : "not_found";
        answer.eta_seconds.reset();
        answer.error = job->error;
        code = core::ExitCode::some_rows_unscored;
        break;
      }
      if (job->eta) {
        answer.eta_seconds = job->eta->count();
      }
    }
  } else if (item->outcome == creatorscore::ItemOutcome::queued) {
    code = core::ExitCode::incomplete;  // not scored yet: ask again, or use --wait
  }
  const bool as_json = options.json || ::isatty(STDOUT_FILENO) == 0;
  const std::string text = as_json ? output::lookup_json(answer) : output::creator_card(answer);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return code;
}

}  // namespace cli
