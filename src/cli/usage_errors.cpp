#include "cli/usage_errors.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

#include "util/duration.hpp"

namespace cli {

namespace {

// Optimal string alignment distance: an adjacent swap (`rnu`) counts as one edit, as in git.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string nearest_word(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance && distance < candidate.size()) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(command->get_name());
  }
  return names;
}

const CLI::App* command_named(const CLI::App& app, std::string_view name) {
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->get_name() == name) {
      return command;
    }
  }
  return nullptr;
}

std::string list_of(const std::vector<std::string>& words, const std::string& last_joint = " and ") {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == words.size() ? last_joint : ", ") + words[i];
  }
  return out;
}

}  // namespace

bool safe_to_echo(std::string_view word) {
  const std::size_t longest = word.starts_with("--") ? 40 : 20;
  return word.size() <= longest && std::all_of(word.begin(), word.end(), [](unsigned char c) {
           return std::islower(c) || std::isdigit(c) || c == '-';
         });
}

namespace {

// An unknown option that looks like an attempt to pass the key as a flag.
bool looks_like_key_option(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* hint : {"key", "token", "secret", "password", "auth", "bearer"}) {
    if (lower.find(hint) != std::string::npos) {
      return true;
    }
  }
  return false;
}

const CLI::Option* find_option(const CLI::App& app, const CLI::App* command, const std::string& name) {
  const CLI::Option* option = command ? command->get_option_no_throw(name) : nullptr;
  return option ? option : app.get_option_no_throw(name);
}

bool is_known(const CLI::App& app, const CLI::App* command, const std::string& name) {
  if (find_option(app, command, name)) {
    return true;
  }
  // `-vq`: several short flags in one word.
  if (name.size() > 2 && name[1] != '-') {
    return std::all_of(name.begin() + 1, name.end(),
                       [&](char c) { return find_option(app, command, std::string("-") + c) != nullptr; });
  }
  return false;
}

// What the words say, read the way CLI11 reads them, as far as the messages need it.
struct Reading {
  const CLI::App* command = nullptr;  // the command named
  std::string first_word;             // the first word that is no option nor option value
  std::size_t first_word_at = 0;
  std::string unknown_option;  // the first unknown option, without `=value`
};

Reading read_words(const CLI::App& app, const std::vector<std::string>& args) {
  Reading reading;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") {
      break;
    }
    if (word.size() > 1 && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      const CLI::Option* option = find_option(app, reading.command, name);
      if (option == nullptr && !is_known(app, reading.command, name)) {
        if (reading.unknown_option.empty()) reading.unknown_option = name;
      } else if (option && option->get_items_expected_min() > 0 && word.find('=') == std::string::npos) {
        ++i;  // its value
      }
      continue;
    }
    if (reading.command == nullptr && reading.first_word.empty()) {
      reading.first_word = word;
      reading.first_word_at = i;
      reading.command = command_named(app, word);
    }
  }
  return reading;
}

std::string help_hint(const CLI::App* command) {
  return command ? "see `roster-enrich " + command->get_name() + " --help`" : "see `roster-enrich --help`";
}

std::string unknown_command(const CLI::App& app, const std::string& word) {
  const std::vector<std::string> names = command_names(app);
  const std::string guess = nearest_word(word, names);
  const std::string shown = safe_to_echo(word) ? " '" + word + "'" : "";
  if (!guess.empty()) {
    return "unknown command" + shown + "; did you mean '" + guess + "'?";
  }
  return "unknown command" + shown + "; the commands are " + list_of(names) + " (see `roster-enrich --help`)";
}

std::string unknown_option(const CLI::App& app, const CLI::App* command, const std::string& name) {
  if (looks_like_key_option(name)) {
    return "unknown option " + name +
           "; the API key is never a flag: set CREATORSCORE_API_KEY or use --api-key-file FILE";
  }
  std::vector<std::string> names;
  for (const CLI::App* scope : {&app, command}) {
    if (scope == nullptr) continue;
    for (const CLI::Option* option : scope->get_options()) {
      for (const std::string& long_name : option->get_lnames()) names.push_back("--" + long_name);
    }
  }
  const std::string shown = safe_to_echo(name) ? " " + name : "";
  const std::string guess = nearest_word(name, names);
  if (!guess.empty()) {
    return "unknown option" + shown + "; did you mean " + guess + "?";
  }
  return "unknown option" + shown + "; " + help_hint(command);
}

// What to give for a missing positional argument.
std::string missing_argument(const std::string& name, const CLI::App* command) {
  if (name == "ROSTER") {
    return "missing ROSTER: give the roster CSV's path, or - for standard input (e.g. `roster-enrich " +
           (command ? command->get_name() : std::string("run")) + " roster.csv`)";
  }
  if (name == "PLATFORM" || name == "HANDLE") {
    return "missing " + name +
           ": give the platform and the handle (e.g. `roster-enrich lookup tiktok alixearle`)";
  }
  return "missing " + name + "; " + help_hint(command);
}

// CLI11 writes `NAME: detail`; the option's name, if the text starts with one.
std::string subject_of(const std::string& text) {
  const std::size_t colon = text.find(": ");
  return colon == std::string::npos ? std::string() : text.substr(0, colon);
}

}  // namespace

std::string rewrite_help_command(std::vector<std::string>& args, const CLI::App& app) {
  const Reading reading = read_words(app, args);
  if (reading.first_word != "help" || reading.command) {
    return {};
  }
  std::vector<std::string> rewritten(args.begin(), args.begin() + static_cast<long>(reading.first_word_at));
  if (reading.first_word_at + 1 < args.size()) {
    const std::string& topic = args[reading.first_word_at + 1];
    if (command_named(app, topic) == nullptr) {
      return unknown_command(app, topic);
    }
    rewritten.push_back(topic);
  }
  rewritten.emplace_back("--help");
  args = rewritten;
  return {};
}

std::string usage_error_line(const CLI::ParseError& error, const CLI::App& app,
                             const std::vector<std::string>& args) {
  const Reading reading = read_words(app, args);
  if (!reading.unknown_option.empty()) {
    return unknown_option(app, reading.command, reading.unknown_option);
  }
  if (reading.command == nullptr && !reading.first_word.empty()) {
    return unknown_command(app, reading.first_word);
  }
  const std::string text = error.what();
  const std::string subject = subject_of(text);
  if (dynamic_cast<const CLI::RequiredError*>(&error)) {
    if (reading.command == nullptr) {
      return "missing command: give one of " + list_of(command_names(app), " or ") +
             " (see `roster-enrich --help`)";
    }
    const std::string suffix = " is required";
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      return missing_argument(text.substr(0, text.size() - suffix.size()), reading.command);
    }
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) && !subject.empty()) {
    if (text.find("At Most") != std::string::npos) {
      return subject + " is given more than once; give it once";
    }
    if (text.ends_with("missing")) {
      return subject + " needs a value; " + help_hint(reading.command);
    }
  }
  if (dynamic_cast<const CLI::ValidationError*>(&error) && !subject.empty()) {
    return text;  // `--flag: ` and this file's validators' own words (what to write instead)
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error)) {
    // The words are not echoed: one of them may be a key pasted in the wrong place.
    return "too many arguments; " + help_hint(reading.command);
  }
  return (subject.empty() ? "invalid command line: " + text : text) + "; " + help_hint(reading.command);
}

CLI::Validator duration_with_unit() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (util::parse_duration(text)) {
          return {};
        }
        const bool bare_number = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
          return std::isdigit(c);
        });
        if (bare_number) {
          return "'" + text + "' has no unit; add one, e.g. " + text + "m or " + text +
                 "s (units: ms, s, m, h)";
        }
        return "'" + text + "' is not a duration; write it as 250ms, 45s, 5m or 1h30m";
      },
      "");
}

CLI::Validator whole_number_in(long long min, long long max) {
  const std::string range = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        long long value = 0;
        const auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (failure != std::errc() || end != text.data() + text.size()) {
          return "'" + text + "' is not a whole number; give one from " + range;
        }
        if (value < min || value > max) {
          return text + " is out of range; give a number from " + range;
        }
        return {};
      },
      "INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

CLI::Validator one_of(std::initializer_list<const char*> words) {
  std::vector<std::string> allowed(words.begin(), words.end());
  std::string set;
  for (const std::string& word : allowed) set += (set.empty() ? "" : ",") + word;
  return CLI::Validator(
      [allowed](std::string& text) -> std::string {
        if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) {
          return {};
        }
        const std::string shown = safe_to_echo(text) ? "'" + text + "'" : "this value";
        return shown + " is not allowed; give " + list_of(allowed, " or ");
      },
      "{" + set + "}");
}

}  // namespace cli
