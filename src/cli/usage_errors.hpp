#pragma once

// Command-line mistakes as one line each, `roster-enrich: error: …`, saying what to do (exit 64),
// in place of CLI11's own text; "did you mean" for a mistyped command or option, as git and gh do;
// `help [COMMAND]` as gh reads it. The man page's EXIT STATUS lists the cases.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class ParseError;
class Validator;
}  // namespace CLI

namespace cli {

// `roster-enrich help [COMMAND]` becomes `roster-enrich [COMMAND] --help` in `args`. Returns the
// error line for `help NOSUCH`, else an empty string.
std::string rewrite_help_command(std::vector<std::string>& args, const CLI::App& app);

// The error line (without the `roster-enrich: error: ` prefix) for a failed parse of `args`.
std::string usage_error_line(const CLI::ParseError& error, const CLI::App& app,
                             const std::vector<std::string>& args);

// Validators whose messages say what to write instead: a duration with its unit (`5m`, not `5`),
// a whole number in [min, max], one of a few words.
CLI::Validator duration_with_unit();
CLI::Validator whole_number_in(long long min, long long max);
CLI::Validator one_of(std::initializer_list<const char*> words);

// The candidate nearest to `word` within two edits (gh's threshold), else empty: "did you mean".
std::string nearest_word(std::string_view word, const std::vector<std::string>& candidates);

// A word may be echoed back only if it cannot be a secret pasted in the wrong place: lower-case
// letters, digits and dashes only (an API key has `_`), and short, or an option's name (`--no-…`:
// a key does not start with dashes).
bool safe_to_echo(std::string_view word);

}  // namespace cli
