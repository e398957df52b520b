// `roster-enrich run`: the product. Reads the roster, opens or resumes its state, checks the key,
// runs the engine, writes the enriched roster whatever happened, prints the summary, and maps the
// outcome to PRODUCT.md's exit codes.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <unistd.h>

#include "cli/api_session.hpp"
#include "cli/commands.hpp"
#include "cli/providers.hpp"
#include "cli/roster_input.hpp"
#include "cli/run_state.hpp"
#include "cli/signals.hpp"
#include "cli/state_failure.hpp"
#include "cli/usage_errors.hpp"
#include "cli/audit_session.hpp"
#include "creatoraudit/audit_columns.hpp"
#include "creatoraudit/audit_provider.hpp"
#include "creatorscore/client.hpp"
#include "creatorscore/score_columns.hpp"
#include "creatorscore/score_provider.hpp"
#include "engine/engine.hpp"
#include "http/client.hpp"
#include "http/rate_limiter.hpp"
#include "output/enriched_writer.hpp"
#include "output/format.hpp"
#include "output/progress_printer.hpp"
#include "util/atomic_file.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"

namespace cli {

using core::ExitCode;
using core::Fatal;

namespace {

constexpr const char* k_run_description = R"(Submit the roster, wait for every score, write the enriched roster.

Examples:
  roster-enrich run roster.csv -o enriched.csv
  roster-enrich run roster.csv -o enriched.json --max-credits 500
  roster-enrich run roster.csv -o out.csv --deadline 50m     # from cron: exit 75 = run again later
  cat roster.csv | roster-enrich run - --format jsonl > enriched.jsonl

Stopped early (deadline, Ctrl-C, a crash, credits)? Run the same command again: it resumes,
never paying twice. Progress and the summary go to stderr; stdout carries data alone.)";

util::Duration duration_option(const std::string& text, const char* flag) {
  const auto parsed = util::parse_duration(text);
  if (!parsed) {
    throw Fatal(ExitCode::usage, std::string(flag) + ": '" + text + "' is not a duration (e.g. 250ms, 45s, 5m, 1h30m)");
  }
  return *parsed;
}

creatorscore::ScoreRunConfig engine_config(const RunOptions& options, const creatorscore::Pricing& pricing) {
  creatorscore::ScoreRunConfig config;
  config.batch_size = static_cast<std::size_t>(options.batch_size);
  config.poll_interval = duration_option(options.poll_interval, "--poll-interval");
  config.slow_poll_interval = duration_option(options.slow_poll_interval, "--slow-poll-interval");
  config.slow_after = duration_option(options.slow_after, "--slow-after");
  if (options.max_credits) {
    config.max_credits = *options.max_credits;
  }
  if (!options.deadline.empty()) {
    config.deadline = duration_option(options.deadline, "--deadline");
  }
  config.include = options.include;
  config.pricing = pricing;
  return config;
}

output::Format output_format(const RunOptions& options) {
  const std::string sheet = output::spreadsheet_extension(options.output);
  if (!sheet.empty() && options.format.empty()) {
    throw Fatal(ExitCode::usage, "cannot write " + sheet + " (" + options.output +
                                     "): name the output .csv, which Excel opens (with --bom for accents), "
                                     "or give --format csv to keep the name");
  }
  if (options.format.empty()) {
    return output::format_from_path(options.output);
  }
  const auto format = output::parse_format(options.format);
  if (!format) {
    throw Fatal(ExitCode::usage, "--format must be csv, json or jsonl (got '" + options.format + "')");
  }
  return *format;
}

std::string resume_command(const RunOptions& options) {
  std::string command;
  for (std::size_t i = 0; i < options.argv.size(); ++i) {
    const std::string& arg = options.argv[i];
    if (arg == "--restart") {
      continue;  // resuming must not discard the run it resumes
    }
    if (!command.empty()) {
      command += ' ';
    }
    const bool plain = arg.find_first_not_of(
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=:,@%+") ==
                       std::string::npos;
    command += plain && !arg.empty() ? arg : "'" + arg + "'";
  }
  return command;
}

// PRODUCT.md, "Exit codes": the outcome of a run that got as far as the engine.
ExitCode exit_code_for(const engine::RunOutcome& outcome, const engine::Progress& progress, std::size_t invalid_rows) {
  ExitCode code = ExitCode::ok;
  if (outcome.fatal_code) {
    code = core::most_important(code, *outcome.fatal_code);
  }
  if (outcome.unsubmitted_left) {
    code = core::most_important(code, ExitCode::out_of_credits);
  }
  if (outcome.ending == engine::RunOutcome::Ending::deadline ||
      outcome.ending == engine::RunOutcome::Ending::interrupted) {
    code = core::most_important(code, ExitCode::incomplete);
  }
  if (invalid_rows > 0 || progress.failed > 0 || progress.not_found > 0 || progress.errors > 0) {
    code = core::most_important(code, ExitCode::some_rows_unscored);
  }
  return code;
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunOptions& options) {
  CLI::App* command = app.add_subcommand("run", "submit the roster, wait for every score, write the enriched roster");
  command->description(k_run_description);
  add_roster_options(*command, options.roster);
  command
      ->add_option("-o,--output", options.output,
                   "where to write the enriched roster (`-` = stdout); checked before anything is submitted")
      ->capture_default_str();
  command->add_option("--format", options.format, "csv, json or jsonl (default: from the output's extension, else csv)");
  command->add_option("--state", options.state,
                      "the state file (default: under $XDG_STATE_HOME/roster-enrich/, derived from the roster and URL)");
  command->add_flag("--restart", options.restart, "discard an incomplete run of this roster and start afresh");
  command->add_option("--batch-size", options.batch_size, "creators per submit request")
      ->check(whole_number_in(1, 100))
      ->capture_default_str();
  command->add_option("--poll-interval", options.poll_interval, "poll a young job this often")
      ->check(duration_with_unit())
      ->capture_default_str();
  command->add_option("--slow-poll-interval", options.slow_poll_interval, "poll an old job this often")
      ->check(duration_with_unit())
      ->capture_default_str();
  command->add_option("--slow-after", options.slow_after, "a job is old after this")
      ->check(duration_with_unit())
      ->capture_default_str();
  command->add_option("--max-credits", options.max_credits, "never spend more than N credits in this invocation")
      ->check(whole_number_in(0, 1'000'000'000'000LL));
  command->add_option("--deadline", options.deadline,
                      "stop waiting after this long, write what is known, exit 75 (e.g. 50m)")
      ->check(duration_with_unit());
  command
      ->add_option("--include", options.include,
                   "extra fields: narrative,velocity,risk_flags,detailed_analysis (no credits, but one more request "
                   "per creator)")
      ->delimiter(',')
      ->check(one_of({"narrative", "velocity", "risk_flags", "detailed_analysis"}));
  command->add_flag("--no-formula-guard", options.no_formula_guard,
                    "do not prefix API text starting with = + - @ TAB CR with ' in CSV output");
  add_run_audit_options(*command, options);
  command->add_flag("--bom", options.bom,
                    "begin the CSV output with a UTF-8 BOM (it does anyway when the roster began with one)");
  command->add_option("--report", options.report, "also write `report`'s HTML page of the output to FILE")
      ->option_text("FILE");
  return command;
}

namespace {

// Why an invocation left the run incomplete, as `status` shows it: the ending, or for a run that
// went through to the end with lookups skipped, what skipped them.
std::string stop_reason(const engine::RunOutcome& outcome, const std::vector<state::LookupRecord>& records) {
  if (outcome.ending != engine::RunOutcome::Ending::completed) {
    return std::string(engine::ending_name(outcome.ending));
  }
  if (outcome.state_error) {
    return "the state file could not be written";
  }
  const bool out_of_credits = std::any_of(records.begin(), records.end(), [](const state::LookupRecord& record) {
    return record.status == core::LookupStatus::skipped && record.error == "insufficient_credits";
  });
  return out_of_credits ? "out of credits" : "--max-credits reached";
}

output::ProgressStyle progress_style(const GlobalOptions& global) {
  if (global.quiet) {
    return output::ProgressStyle::quiet;
  }
  if (global.log_format == LogFormat::json) {
    return output::ProgressStyle::json;
  }
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  switch (global.progress) {
    case ProgressMode::always: return output::ProgressStyle::live;
    case ProgressMode::never: return output::ProgressStyle::log;
    case ProgressMode::automatic: break;
  }
  return terminal ? output::ProgressStyle::live : output::ProgressStyle::log;
}

}  // namespace

ExitCode run_run(const RunOptions& options, const GlobalOptions& global) {
  const output::Format format = output_format(options);
  if (!options.report.empty() && options.output == "-") {
    throw Fatal(ExitCode::usage, "--report is made from the written output: give -o FILE too");
  }
  // Every flag is checked before the roster is read or the API contacted.
  creatorscore::ScoreRunConfig config = engine_config(options, creatorscore::Pricing::vendor_table());
  const std::atomic<bool>& stop_flag = install_stop_handlers();
  const bool use_score = options.providers.creatorscore;
  const bool use_audit = options.providers.creatoraudit;

  LoadedRoster loaded = load_roster(options.roster);
  const roster::RosterIndex& index = loaded.index;
  if (const auto unusable = roster::unusable_error(index)) {
    throw Fatal(unusable->code, unusable->message);
  }

  // Each provider in use needs its key; one not in use is never asked for one, nor contacted.
  const std::string base_url = resolve_base_url(global);
  std::optional<ApiSession> session;
  if (use_score) {
    session.emplace(global, base_url, read_api_key(global), &stop_flag);
  }
  std::optional<AuditSession> audit_session;
  if (use_audit) {
    audit_session.emplace(global, resolve_audit_base_url(options.audit, global), read_audit_key(options.audit),
                          &stop_flag, session ? &session->clock() : nullptr);
  }
  util::RealClock& clock = session ? session->clock() : audit_session->clock();
  const char* no_color = std::getenv("NO_COLOR");
  output::ProgressPrinter printer(stderr, progress_style(global), no_color == nullptr || *no_color == '\0');
  printer.set_api_clock([&clock] { return clock.now(); });  // the live line's countdown

  // The state file is locked and opened before any request (PRODUCT.md, "The run", step 1).
  RunState run_state(options, index, base_url, audit_session ? audit_session->base_url() : std::string(),
                     clock.now());

  // One request per provider checks its key before anything is spent.
  const auto stop_at_key_check = [&run_state](const Fatal& fatal) {
    if (fatal.code() == ExitCode::incomplete) {  // SIGINT/SIGTERM during the check: not an error
      run_state.finish(false, std::string(engine::ending_name(engine::RunOutcome::Ending::interrupted)));
    }
    return fatal;
  };
  std::optional<creatorscore::Account> account;
  if (session) {
    auto checked = session->api().account();
    if (!checked) {
      throw stop_at_key_check(fatal_from(checked.error()));
    }
    account = *checked;
    run_state.check_tenant(account->tenant_id, account->tenant_name);
  }
  if (audit_session) {
    auto whoami = audit_session->api().whoami();
    if (!whoami) {
      throw stop_at_key_check(audit_fatal_from(whoami.error()));
    }
  }
  // An output that cannot be written now (a missing or read-only directory) fails before anything
  // is spent rather than after a run of an hour. After the key check: 77 and 69 come before 73.
  if (const auto writable = util::AtomicFile::check(options.output); !writable) {
    throw Fatal(ExitCode::cannot_write,
                writable.error() + "; nothing was submitted: give a writable --output and run again");
  }

  if (account) {
    config.pricing = account->pricing;
  }
  // One real second between progress updates, whatever the time scale.
  config.wait_slice = std::max(util::Duration(1), std::chrono::duration_cast<util::Duration>(
                                                      std::chrono::duration<double, std::milli>(
                                                          1000.0 * clock.time_scale())));
  const auto on_wait = [&printer](const http::WaitNotice& notice) {
    printer.on_coded_warning(notice.message, std::string(http::wait_notice_code(notice.kind)),
                             {{"asked_ms", notice.asked.count()}, {"cap_ms", notice.cap.count()},
                              {"waiting_ms", notice.waiting.count()}});
  };
  std::vector<state::LookupRecord>& records = run_state.records();
  engine::Engine run_engine(clock, printer, config);
  std::vector<engine::Provider*> providers;
  std::optional<creatorscore::ScoreProvider> score;
  if (session) {
    score.emplace(run_engine, session->api(), run_state.store(), clock, printer, config, records);
    score->set_balance(account->balance);
    score->set_stats_source([&session] { return session->http().stats(); });
    session->http().set_wait_observer(on_wait);
    providers.push_back(&*score);
  }
  std::optional<creatoraudit::AuditProvider> audit;
  if (audit_session) {
    creatoraudit::AuditProviderConfig audit_config;
    audit_config.period = options.audit_period;
    audit_config.track = options.audit_track == AuditTrack::existing_only ? creatoraudit::TrackMode::existing
                                                                          : creatoraudit::TrackMode::new_accounts;
    if (options.audit_max_new) {
      audit_config.max_new = static_cast<std::size_t>(*options.audit_max_new);
    }
    audit_config.poll_interval = config.poll_interval;
    audit_config.slow_poll_interval = config.slow_poll_interval;
    audit_config.slow_after = config.slow_after;
    if (config.deadline) {
      audit_config.deadline = clock.now() + *config.deadline;
    }
    audit.emplace(run_state.audit_records(), audit_session->api(), run_state.store(), clock, audit_config);
    audit_session->http().set_wait_observer(on_wait);
    providers.push_back(&*audit);
  }
  if (config.deadline) {
    // The engine stops at the deadline between requests; a retry's wait past it is not made either.
    for (http::Client* client : {session ? &session->http() : nullptr,
                                 audit_session ? &audit_session->http() : nullptr}) {
      if (client != nullptr) {
        client->set_deadline(clock.now() + *config.deadline);
      }
    }
  }
  engine::RunOutcome outcome = run_engine.run(providers);
  if (score) {
    outcome.state_error = score->state_error();
    outcome.unsaved_paid = score->unsaved_paid();
  }
  printer.finish();

  // Write the output whatever the outcome: a result the API gave is never lost.
  output::WriteOptions write_options;
  write_options.path = options.output;
  write_options.format = format;
  write_options.formula_guard = !options.no_formula_guard;
  auto reader = roster::RosterReader::open(index.path, loaded.options);
  if (!reader) {
    throw Fatal(reader.error().code, reader.error().message);
  }
  write_options.bom = options.bom || (*reader)->began_with_bom();
  std::optional<creatorscore::ScoreColumns> score_columns;
  std::optional<creatoraudit::AuditColumns> audit_columns;
  std::vector<const output::ColumnGroup*> groups;
  if (use_score) {
    groups.push_back(&score_columns.emplace(records, options.include));
  }
  if (use_audit) {
    groups.push_back(&audit_columns.emplace(run_state.audit_records()));
  }
  const auto locate = [&](const roster::CellLookup& cell) { return index.find(cell); };
  const auto written = output::write_enriched(write_options, **reader, groups, locate);

  // A run whose output could not be written has not delivered its results: it stays incomplete, so
  // running again (with a writable --output) resumes from the state file and writes them without
  // submitting anything again.
  const bool run_ended = outcome.ending == engine::RunOutcome::Ending::completed &&
                         !outcome.unsubmitted_left && !outcome.state_error;
  const bool finished = run_ended && written;
  const std::string reason = finished     ? std::string(engine::ending_name(outcome.ending))
                             : !run_ended ? stop_reason(outcome, records)
                                          : std::string("the output could not be written");
  if (!outcome.state_error) {
    run_state.finish(finished, reason);
  } else {
    try {
      run_state.finish(false, reason);
    } catch (const Fatal& failure) {
      // Still unwritable: the run stays `running` in the file, which resumes the same way.
      if (failure.code() != ExitCode::cannot_write) {
        throw;
      }
    }
  }

  output::RunSummary summary;
  summary.rows = index.rows;
  summary.invalid_rows = index.invalid_rows;
  summary.unique = index.lookups.size();
  summary.progress = run_engine.progress();
  summary.outcome = std::string(engine::ending_name(outcome.ending));
  summary.notes = run_state.notes();
  summary.creatorscore_ran = use_score;
  ExitCode code = exit_code_for(outcome, summary.progress, index.invalid_rows);
  for (const engine::ProviderOutcome& provider : outcome.providers) {
    if (provider.some_failed) {  // CreatorAudit's error and not_tracked lookups (exit 1)
      code = core::most_important(code, ExitCode::some_rows_unscored);
    }
  }
  if (!written || outcome.state_error) {
    code = core::most_important(code, ExitCode::cannot_write);
  }
  if (code == ExitCode::incomplete || code == ExitCode::out_of_credits || code == ExitCode::api_unavailable) {
    summary.resume_command = resume_command(options);
  }
  printer.print_summary(summary);

  if (outcome.state_error) {
    StateFailure failure{*outcome.state_error, outcome.unsaved_paid, summary.progress.skipped, options.output,
                         std::nullopt};
    if (!written) {
      failure.output_error = written.error();
    }
    // Not silenced by --quiet: they are what the user paid for.
    for (const std::string& line : unsaved_job_lines(failure, records)) {
      std::fprintf(stderr, "roster-enrich: %s\n", line.c_str());
    }
    if (code != ExitCode::key_rejected && code != ExitCode::api_unavailable) {
      throw Fatal(ExitCode::cannot_write, state_failure_message(failure, records));
    }
    std::fprintf(stderr, "roster-enrich: error: %s\n", state_failure_message(failure, records).c_str());
  }
  if (code == ExitCode::key_rejected || code == ExitCode::api_unavailable) {
    throw Fatal(code, outcome.fatal_message);
  }
  if (!written) {
    throw Fatal(ExitCode::cannot_write,
                written.error() + "; the results are kept in the state file: run again with a writable --output");
  }
  if (!options.report.empty()) {
    write_report(ReportOptions{options.output, options.report, "", ""});
  }
  return code;
}

}  // namespace cli
