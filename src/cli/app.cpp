#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/global_options.hpp"
#include "cli/usage_errors.hpp"
#include "core/exit_code.hpp"
#include "http/curl_transport.hpp"

namespace cli {

namespace {

constexpr const char* k_description = R"(Score every creator of a roster through the CreatorScore API and write the roster back enriched.

Examples:
  roster-enrich quote roster.csv                 what it will cost, spending nothing
  roster-enrich run roster.csv -o enriched.csv   score it (resumable: run it again after a stop)
  roster-enrich account                          check the key, balance and prices
  roster-enrich status roster.csv                a run's progress, offline
  roster-enrich lookup tiktok alixearle --wait   one creator
  roster-enrich report enriched.csv -o r.html    an HTML report to send, offline

The key comes from CREATORSCORE_API_KEY or --api-key-file, never from a flag.
See `man roster-enrich` for every option, the exit codes and recipes for cron and CI.)";

// Lists each command by the first line of its description: the rest (examples) is for its own
// --help, which leads with them.
class CommandListFormatter : public CLI::Formatter {
 public:
  std::string make_subcommand(const CLI::App* command) const override {
    std::stringstream out;
    const std::string description = command->get_description();
    CLI::detail::format_help(out, command->get_display_name(true), description.substr(0, description.find('\n')),
                             column_width_);
    return out.str();
  }
};

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("--base-url", options.base_url,
                 "API base URL (default: $CREATORSCORE_BASE_URL, else https://creatorscore.io)");
  app.add_option("--api-key-file", options.api_key_file,
                 "read the API key from FILE (`-` = stdin) instead of $CREATORSCORE_API_KEY");
  app.add_flag("--allow-insecure-http", options.allow_insecure_http,
               "allow plain http:// to a non-loopback host (the key travels in clear)");
  app.add_flag("-v,--verbose", options.verbosity, "log every request (the key shows as ***)");
  app.add_flag("-q,--quiet", options.quiet, "print nothing on stderr but errors");
  app.add_option("--progress", options.progress, "auto: a live line on a terminal, log lines otherwise")
      ->transform(CLI::CheckedTransformer(std::map<std::string, ProgressMode>{{"auto", ProgressMode::automatic},
                                                                              {"always", ProgressMode::always},
                                                                              {"never", ProgressMode::never}}))
      ->transform(one_of({"auto", "always", "never"}))  // a transform runs before those added earlier
      ->option_text("auto|always|never");
  app.add_option("--log-format", options.log_format, "text lines, or JSON events one per line")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, LogFormat>{{"text", LogFormat::text}, {"json", LogFormat::json}}))
      ->transform(one_of({"text", "json"}))
      ->option_text("text|json");
  app.add_option("--rate-limit", options.rate_limit, "requests per rolling minute, retries included (default 120)")
      ->check(whole_number_in(1, 100000));
}

}  // namespace

int run(int argc, char** argv) {
  // libcurl is loaded and initialised by the first API session, not here: most starts (--help,
  // --version, status, quote without a key) send no request (http/curl_transport.hpp).
  CLI::App app{k_description, "roster-enrich"};
  app.set_version_flag("-V,--version", std::string("roster-enrich ") + ROSTER_ENRICH_VERSION);
  app.formatter(std::make_shared<CommandListFormatter>());
  app.require_subcommand(1);
  app.fallthrough();
  app.footer("Exit codes: 0 all scored, 1 some rows unscored, 3 out of credits, 64 usage, 65 bad roster,\n"
             "66 cannot open roster, 69 API unavailable, 73 cannot write, 75 incomplete (run again), 77 bad key;\n"
             "71 out of memory.");

  GlobalOptions global;
  add_global_options(app, global);

  AccountOptions account;
  QuoteOptions quote;
  RunOptions run_options;
  StatusOptions status;
  LookupOptions lookup;
  ReportOptions report;
  CLI::App* account_command = add_account_command(app, account);
  CLI::App* quote_command = add_quote_command(app, quote);
  CLI::App* run_command = add_run_command(app, run_options);
  CLI::App* status_command = add_status_command(app, status);
  CLI::App* lookup_command = add_lookup_command(app, lookup);
  CLI::App* report_command = add_report_command(app, report);
  for (int i = 0; i < argc; ++i) {
    run_options.argv.emplace_back(argv[i]);
  }

  std::vector<std::string> args = run_options.argv;
  if (const std::string problem = rewrite_help_command(args, app); !problem.empty()) {
    std::fprintf(stderr, "roster-enrich: error: %s\n", problem.c_str());
    return static_cast<int>(core::ExitCode::usage);
  }
  std::vector<char*> words;
  for (std::string& arg : args) {
    words.push_back(arg.data());
  }
  try {
    app.parse(static_cast<int>(words.size()), words.data());
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {
      return app.exit(error);  // --help, --version
    }
    std::fprintf(stderr, "roster-enrich: error: %s\n", usage_error_line(error, app, args).c_str());
    return static_cast<int>(core::ExitCode::usage);
  }

  core::ExitCode code = core::ExitCode::ok;
  try {
    if (account_command->parsed()) {
      code = run_account(account, global);
    } else if (quote_command->parsed()) {
      code = run_quote(quote, global);
    } else if (run_command->parsed()) {
      code = run_run(run_options, global);
    } else if (status_command->parsed()) {
      code = run_status(status, global);
    } else if (lookup_command->parsed()) {
      code = run_lookup(lookup, global);
    } else if (report_command->parsed()) {
      code = run_report(report, global);
    }
  } catch (const core::Fatal& fatal) {
    std::fprintf(stderr, "roster-enrich: error: %s\n", fatal.what());
    code = fatal.code();
  } catch (const std::exception& failure) {
    http::release_curl();
    if (core::is_out_of_resources(failure)) {
      // The state file holds whatever was paid for before this, so the same command resumes.
      std::fputs("roster-enrich: error: out of memory (the system refused memory or a thread); free some "
                 "memory, raise the limit (ulimit -v) or split the roster, then run the same command again\n",
                 stderr);
      return core::k_system_error;
    }
    // Every expected failure is a value or a core::Fatal; reaching here is a bug in roster-enrich.
    std::fprintf(stderr, "roster-enrich: internal error: %s; please report it\n", failure.what());
    return core::k_internal_error;
  }
  http::release_curl();
  return static_cast<int>(code);
}

}  // namespace cli
