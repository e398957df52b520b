#include "cli/providers.hpp"

#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace {

// Parses `words` as `run` would (after the command name); returns the options, or throws CLI11's
// ParseError.
cli::RunOptions parse_run_words_for_providers_test(std::vector<std::string> words) {
  cli::RunOptions options;
  CLI::App app;
  cli::add_run_audit_options(app, options);
  std::reverse(words.begin(), words.end());  // CLI11 takes them in reverse
  app.parse(words);
  return options;
}

}  // namespace

TEST_SUITE("cli::parse_providers") {
  TEST_CASE("one, both, either order, duplicates and empty items") {
    CHECK(*cli::parse_providers("creatorscore") == cli::ProviderSet{true, false});
    CHECK(*cli::parse_providers("creatoraudit") == cli::ProviderSet{false, true});
    CHECK(*cli::parse_providers("creatoraudit,creatorscore") == cli::ProviderSet{true, true});
    CHECK(*cli::parse_providers(" creatorscore , creatoraudit ,") == cli::ProviderSet{true, true});
    CHECK(*cli::parse_providers("creatoraudit,creatoraudit") == cli::ProviderSet{false, true});
  }

  TEST_CASE("an unknown name is refused with a did-you-mean") {
    const auto typo = cli::parse_providers("creatorscore,creatoraudt");
    REQUIRE_FALSE(typo);
    CHECK(typo.error() == "--providers: unknown provider 'creatoraudt'; did you mean 'creatoraudit'?");
    const auto far = cli::parse_providers("hypeauditor");
    REQUIRE_FALSE(far);
    CHECK(far.error().find("give creatorscore, creatoraudit or both") != std::string::npos);
  }

  TEST_CASE("a name that may be a pasted key is not echoed") {
    const auto pasted = cli::parse_providers("ca_live_Secret123");
    REQUIRE_FALSE(pasted);
    CHECK(pasted.error().find("Secret") == std::string::npos);
  }

  TEST_CASE("a list with no name is refused, not read as the default") {
    CHECK_FALSE(cli::parse_providers(""));
    CHECK_FALSE(cli::parse_providers(" , ,"));
  }

  TEST_CASE("providers_text names what is selected, in a fixed order") {
    CHECK(cli::providers_text({true, true}) == "creatorscore,creatoraudit");
    CHECK(cli::providers_text({false, true}) == "creatoraudit");
  }
}

TEST_SUITE("cli::add_run_audit_options") {
  TEST_CASE("defaults: creatorscore only, 30d, track new, no cap") {
    ::unsetenv(cli::k_providers_env);
    const cli::RunOptions options = parse_run_words_for_providers_test({});
    CHECK(options.providers == cli::ProviderSet{true, false});
    CHECK(options.audit_period == creatoraudit::Period::days_30);
    CHECK(options.audit_track == cli::AuditTrack::track_new);
    CHECK_FALSE(options.audit_max_new.has_value());
  }

  TEST_CASE("every option into RunOptions") {
    ::unsetenv(cli::k_providers_env);
    const cli::RunOptions options = parse_run_words_for_providers_test(
        {"--providers", "creatorscore,creatoraudit", "--audit-period", "90d", "--audit-track", "existing",
         "--audit-max-new", "0", "--audit-key-file", "k", "--audit-base-url", "https://x.test/v2"});
    CHECK(options.providers == cli::ProviderSet{true, true});
    CHECK(options.audit_period == creatoraudit::Period::days_90);
    CHECK(options.audit_track == cli::AuditTrack::existing_only);
    CHECK(options.audit_max_new == 0);
    CHECK(options.audit.key_file == "k");
    CHECK(options.audit.base_url == "https://x.test/v2");
  }

  TEST_CASE("ROSTER_ENRICH_PROVIDERS stands in for the flag; the flag wins") {
    ::setenv(cli::k_providers_env, "creatoraudit", 1);
    CHECK(parse_run_words_for_providers_test({}).providers == cli::ProviderSet{false, true});
    CHECK(parse_run_words_for_providers_test({"--providers", "creatorscore"}).providers ==
          cli::ProviderSet{true, false});
    ::setenv(cli::k_providers_env, "nope", 1);
    CHECK_THROWS_AS(parse_run_words_for_providers_test({}), CLI::ValidationError);
    ::unsetenv(cli::k_providers_env);
  }

  TEST_CASE("bad values are usage errors") {
    ::unsetenv(cli::k_providers_env);
    CHECK_THROWS_AS(parse_run_words_for_providers_test({"--providers", "creatoraudt"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse_run_words_for_providers_test({"--audit-period", "14d"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse_run_words_for_providers_test({"--audit-track", "all"}), CLI::ValidationError);
    CHECK_THROWS_AS(parse_run_words_for_providers_test({"--audit-max-new", "-1"}), CLI::ValidationError);
  }
}
