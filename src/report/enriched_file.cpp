#include "report/enriched_file.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/platform.hpp"
#include "roster/csv_reader.hpp"
#include "roster/delimiter.hpp"
#include "roster/profile_url.hpp"
#include "util/text.hpp"

namespace report {

namespace {

using ordered_json = nlohmann::ordered_json;

// Header names compared as the roster's layout detection compares them: case, spaces, `_`, `-`
// ignored.
std::string squeezed_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c != ' ' && c != '_' && c != '-') {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

// The column an analyst calls the creator by; else the roster's first column.
std::size_t name_column_of(const std::vector<std::string>& inputs) {
  static const std::array<std::string_view, 8> k_names = {
      "name", "creatorname", "creator", "displayname", "fullname", "talent", "influencer", "talentname"};
  for (std::string_view wanted : k_names) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (squeezed_name(inputs[i]) == wanted) {
        return i;
      }
    }
  }
  return 0;
}

std::optional<std::size_t> input_column_named(const std::vector<std::string>& inputs,
                                              std::initializer_list<std::string_view> names) {
  for (std::string_view wanted : names) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (squeezed_name(inputs[i]) == wanted) {
        return i;
      }
    }
  }
  return std::nullopt;
}

std::optional<double> number_of(std::string_view text) {
  text = util::trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE) {
    return std::nullopt;
  }
  return value;
}

// The formula guard's `'` (output/enriched_writer.hpp) is for spreadsheets, not readers.
std::string unguarded(std::string_view text) {
  if (text.size() >= 2 && text[0] == '\'' &&
      (text[1] == '=' || text[1] == '+' || text[1] == '-' || text[1] == '@' || text[1] == '\t' ||
       text[1] == '\r')) {
    text.remove_prefix(1);
  }
  return std::string(text);
}

// Platform and handle of a long or url roster's row, from its own columns.
struct IdentityColumns {
  std::optional<std::size_t> platform;
  std::optional<std::size_t> handle;
  std::optional<std::size_t> url;
};

IdentityColumns identity_columns_of(const std::vector<std::string>& inputs) {
  return {input_column_named(inputs, {"platform", "network", "channel"}),
          input_column_named(inputs, {"handle", "username", "user", "account"}),
          input_column_named(inputs, {"url", "profileurl", "profile", "link"})};
}

void identify(Creator& creator, const std::vector<std::string>& fields, const IdentityColumns& columns) {
  auto field = [&](std::optional<std::size_t> i) -> std::string {
    return i && *i < fields.size() ? std::string(util::trim(fields[*i])) : std::string();
  };
  if (columns.platform && columns.handle) {
    creator.platform = util::to_lower(field(columns.platform));
    creator.handle = field(columns.handle);
  } else if (columns.url) {
    core::Platform platform{};
    std::string handle;
    if (roster::parse_profile_link(field(columns.url), platform, handle).empty()) {
      creator.platform = std::string(core::platform_name(platform));
      creator.handle = handle;
    }
  } else if (columns.handle) {
    creator.handle = field(columns.handle);
  }
  if (!creator.handle.empty() && creator.handle[0] == '@') {
    creator.handle.erase(0, 1);
  }
}

// Where one provider's columns sit in the CSV header.
struct ScoreSet {
  std::size_t first = 0;  // the `status` column; then score, tier, 7 agents, knockouts, display_name, …
  std::string platform;   // a wide roster's `<platform>_` prefix, without the `_`
};
struct AuditSet {
  std::size_t first = 0;  // the `audit_status` column
  std::string platform;
  std::optional<std::size_t> engagement_rate;
};

constexpr std::size_t k_score_columns = 17;  // creatorscore/score_columns.cpp, k_base_columns
constexpr std::size_t k_knockouts_offset = 10;
constexpr std::size_t k_display_name_offset = 11;
constexpr std::size_t k_followers_offset = 12;
constexpr std::size_t k_error_offset = 15;

// `tiktok_status` -> "tiktok"; `cs_status`, `status` -> "".
std::string platform_of_prefix(std::string prefix) {
  if (util::starts_with_ignoring_case(prefix, "cs_") || util::starts_with_ignoring_case(prefix, "ca_")) {
    prefix.erase(0, 3);
  }
  if (!prefix.empty() && prefix.back() == '_') {
    prefix.pop_back();
  }
  return util::to_lower(prefix);
}

std::string row_field(const std::vector<std::string>& fields, std::size_t i) {
  return i < fields.size() ? fields[i] : std::string();
}

class CsvEnriched {
 public:
  explicit CsvEnriched(const std::vector<std::string>& header) : m_header(header) {
    std::size_t first_output = header.size();
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& name = header[i];
      if (ends_with(name, "audit_status")) {
        AuditSet set{i, platform_of_prefix(name.substr(0, name.size() - std::strlen("audit_status"))), {}};
        const std::string prefix = name.substr(0, name.size() - std::strlen("status"));
        for (std::size_t j = i + 1; j < header.size() && header[j].rfind(prefix, 0) == 0; ++j) {
          if (header[j] == prefix + "engagement_rate") {
            set.engagement_rate = j;
          }
        }
        m_audit.push_back(set);
        first_output = std::min(first_output, i);
      } else if (ends_with(name, "status") && i + 2 < header.size() && ends_with(header[i + 1], "score") &&
                 ends_with(header[i + 2], "tier") && i + k_score_columns <= header.size() &&
                 ends_with(header[i + k_score_columns - 1], "job_id")) {
        m_scores.push_back({i, platform_of_prefix(name.substr(0, name.size() - std::strlen("status")))});
        first_output = std::min(first_output, i);
      }
    }
    m_inputs.assign(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(first_output));
    m_identity = identity_columns_of(m_inputs);
  }

  bool usable() const { return !m_scores.empty() || !m_audit.empty(); }
  const std::vector<std::string>& inputs() const { return m_inputs; }
  bool has_scores() const { return !m_scores.empty(); }
  bool has_audit() const { return !m_audit.empty(); }
  bool has_engagement() const {
    for (const AuditSet& set : m_audit) {
      if (set.engagement_rate) {
        return true;
      }
    }
    return false;
  }

  // The row's lookups: one per set of columns (a wide roster's per platform), pairing CreatorScore's
  // and CreatorAudit's sets of the same platform; a wide roster's empty sets are no lookup.
  void add_row(std::size_t row, const std::vector<std::string>& fields, std::size_t name_column,
               std::vector<Creator>& out) const {
    const bool wide = m_scores.size() > 1 || m_audit.size() > 1;
    std::vector<std::string> platforms;
    for (const ScoreSet& set : m_scores) {
      platforms.push_back(set.platform);
    }
    for (const AuditSet& set : m_audit) {
      if (std::find(platforms.begin(), platforms.end(), set.platform) == platforms.end()) {
        platforms.push_back(set.platform);
      }
    }
    for (const std::string& platform : platforms) {
      Creator creator;
      creator.row = row;
      creator.name = name_column < fields.size() && name_column < m_inputs.size() ? fields[name_column] : "";
      bool named = false;
      for (const ScoreSet& set : m_scores) {
        if (set.platform != platform) {
          continue;
        }
        creator.status = row_field(fields, set.first);
        creator.score = number_of(row_field(fields, set.first + 1));
        creator.tier = unguarded(row_field(fields, set.first + 2));
        for (std::string& knockout : util::split(row_field(fields, set.first + k_knockouts_offset), ';')) {
          if (!util::trim(knockout).empty()) {
            creator.knockouts.push_back(unguarded(util::trim(knockout)));
          }
        }
        creator.display_name = unguarded(row_field(fields, set.first + k_display_name_offset));
        creator.followers = number_of(row_field(fields, set.first + k_followers_offset));
        creator.error = unguarded(row_field(fields, set.first + k_error_offset));
        named = named || !creator.status.empty();
      }
      for (const AuditSet& set : m_audit) {
        if (set.platform != platform) {
          continue;
        }
        creator.audit_status = row_field(fields, set.first);
        if (set.engagement_rate) {
          creator.engagement_rate = number_of(row_field(fields, *set.engagement_rate));
        }
        named = named || !creator.audit_status.empty();
      }
      if (wide) {
        if (!named) {
          continue;
        }
        creator.platform = platform;
        for (std::size_t i = 0; i < m_inputs.size() && i < fields.size(); ++i) {
          if (util::to_lower(m_inputs[i]) == platform ||
              (platform == "x" && util::equals_ignoring_case(m_inputs[i], "twitter"))) {
            creator.handle = std::string(util::trim(fields[i]));
          }
        }
        core::Platform parsed{};
        std::string handle;
        if (roster::looks_like_link(creator.handle) &&
            roster::parse_profile_link(creator.handle, parsed, handle).empty()) {
          creator.handle = handle;
        }
        if (!creator.handle.empty() && creator.handle[0] == '@') {
          creator.handle.erase(0, 1);
        }
      } else {
        identify(creator, fields, m_identity);
      }
      out.push_back(std::move(creator));
    }
  }

 private:
  std::vector<std::string> m_header;
  std::vector<std::string> m_inputs;
  IdentityColumns m_identity;
  std::vector<ScoreSet> m_scores;
  std::vector<AuditSet> m_audit;
};

std::string json_text(const ordered_json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_null()) {
    return {};
  }
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::optional<double> json_number(const ordered_json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) {
    return std::nullopt;
  }
  const ordered_json& value = object[name];
  if (value.is_number()) {
    return value.get<double>();
  }
  return std::nullopt;
}

// One JSON row object (`{"row", "input", "lookups"}`), as output/enriched_writer.cpp writes it.
bool add_json_row(const ordered_json& object, Enriched& enriched, std::vector<std::string>& inputs) {
  if (!object.is_object() || !object.contains("lookups") || !object["lookups"].is_array()) {
    return false;
  }
  const std::size_t row = object.contains("row") && object["row"].is_number_unsigned()
                              ? object["row"].get<std::size_t>()
                              : enriched.creators.size() + 1;
  std::vector<std::string> fields;
  if (object.contains("input") && object["input"].is_object()) {
    if (inputs.empty()) {
      for (const auto& [column, value] : object["input"].items()) {
        inputs.push_back(column);
      }
      enriched.name_column = inputs.empty() ? "" : inputs[name_column_of(inputs)];
    }
    for (const std::string& column : inputs) {
      fields.push_back(object["input"].contains(column) ? json_text(object["input"][column]) : "");
    }
  }
  const std::size_t name_column = inputs.empty() ? 0 : name_column_of(inputs);
  for (const ordered_json& lookup : object["lookups"]) {
    if (!lookup.is_object()) {
      continue;
    }
    Creator creator;
    creator.row = row;
    creator.name = name_column < fields.size() ? fields[name_column] : "";
    creator.platform = lookup.contains("platform") ? json_text(lookup["platform"]) : "";
    creator.handle = lookup.contains("handle") ? json_text(lookup["handle"]) : "";
    if (lookup.contains("status")) {
      enriched.has_scores = true;
      creator.status = json_text(lookup["status"]);
      creator.error = lookup.contains("error") ? json_text(lookup["error"]) : "";
      const ordered_json* payload = lookup.contains("creator") ? &lookup["creator"] : nullptr;
      if (payload != nullptr && payload->is_object()) {
        creator.score = json_number(*payload, "score");
        creator.followers = json_number(*payload, "followers");
        creator.tier = payload->contains("tier") ? json_text((*payload)["tier"]) : "";
        creator.display_name = payload->contains("display_name") ? json_text((*payload)["display_name"]) : "";
        if (payload->contains("knockouts") && (*payload)["knockouts"].is_array()) {
          for (const ordered_json& knockout : (*payload)["knockouts"]) {
            creator.knockouts.push_back(json_text(knockout));
          }
        }
      }
    }
    if (lookup.contains("audit") && lookup["audit"].is_object()) {
      enriched.has_audit = true;
      const ordered_json& audit = lookup["audit"];
      creator.audit_status = audit.contains("status") ? json_text(audit["status"]) : "";
      if (audit.contains("metrics")) {
        creator.engagement_rate = json_number(audit["metrics"], "engagement_rate");
        enriched.has_engagement = enriched.has_engagement || creator.engagement_rate.has_value();
      }
    }
    enriched.creators.push_back(std::move(creator));
  }
  return true;
}

ReadError not_an_output(const std::string& path, const std::string& why) {
  return {core::ExitCode::roster_unusable, "cannot read " + path +
                                               " as an output of `roster-enrich run`: " + why +
                                               "; give the file `run -o` wrote (CSV, JSON or JSON Lines)"};
}

util::Expected<Enriched, ReadError> read_json(const std::string& path, const std::string& text, bool lines) {
  Enriched enriched;
  std::vector<std::string> inputs;
  try {
    if (lines) {
      std::size_t line_number = 0;
      for (const std::string& line : util::split(text, '\n')) {
        ++line_number;
        if (util::trim(line).empty()) {
          continue;
        }
        if (!add_json_row(ordered_json::parse(line), enriched, inputs)) {
          return util::unexpected(not_an_output(
              path, "line " + std::to_string(line_number) + " is not a row object with lookups"));
        }
      }
    } else {
      const ordered_json rows = ordered_json::parse(text);
      if (!rows.is_array()) {
        return util::unexpected(not_an_output(path, "the JSON is not an array of rows"));
      }
      for (const ordered_json& row : rows) {
        if (!add_json_row(row, enriched, inputs)) {
          return util::unexpected(not_an_output(path, "an element is not a row object with lookups"));
        }
      }
    }
  } catch (const nlohmann::json::exception& error) {
    return util::unexpected(not_an_output(path, std::string("invalid JSON (") + error.what() + ")"));
  }
  return enriched;
}

util::Expected<Enriched, ReadError> read_csv(const std::string& path, const std::string& text) {
  std::size_t start = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  roster::DelimiterDetector detector;
  detector.feed(std::string_view(text).substr(start, 64 * 1024));
  std::FILE* file = fmemopen(const_cast<char*>(text.data() + start), text.size() - start, "r");
  if (file == nullptr) {
    return util::unexpected(ReadError{core::ExitCode::roster_unreadable, "cannot read " + path});
  }
  roster::CsvReader reader(file, detector.delimiter());
  std::vector<std::string> fields;
  auto header = reader.next(fields);
  if (!header || !*header) {
    return util::unexpected(not_an_output(path, header ? "the file is empty" : header.error().message));
  }
  const CsvEnriched layout(fields);
  if (!layout.usable()) {
    return util::unexpected(
        not_an_output(path, "no status/score/tier or audit_status columns in its header"));
  }
  Enriched enriched;
  enriched.has_scores = layout.has_scores();
  enriched.has_audit = layout.has_audit();
  enriched.has_engagement = layout.has_engagement();
  const std::size_t name_column = layout.inputs().empty() ? 0 : name_column_of(layout.inputs());
  enriched.name_column = layout.inputs().empty() ? "" : layout.inputs()[name_column];
  std::size_t row = 0;
  for (;;) {
    auto more = reader.next(fields);
    if (!more) {
      return util::unexpected(
          not_an_output(path, "line " + std::to_string(more.error().line) + ": " + more.error().message));
    }
    if (!*more) {
      break;
    }
    layout.add_row(++row, fields, name_column, enriched.creators);
  }
  return enriched;
}

}  // namespace

std::string Creator::key() const {
  if (handle.empty()) {
    return "#" + std::to_string(row);
  }
  return platform + ":" + util::to_lower(handle);
}

util::Expected<Enriched, ReadError> read_enriched(const std::string& path) {
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return util::unexpected(
        ReadError{core::ExitCode::roster_unreadable, "cannot open " + path + ": " + std::strerror(errno)});
  }
  struct stat info {};
  if (fstat(fileno(file), &info) == 0 && S_ISDIR(info.st_mode)) {
    std::fclose(file);
    return util::unexpected(
        ReadError{core::ExitCode::roster_unreadable, "cannot open " + path + ": it is a directory"});
  }
  std::string text;
  std::array<char, 64 * 1024> buffer{};
  for (;;) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file);
    text.append(buffer.data(), got);
    if (got < buffer.size()) {
      break;
    }
  }
  const bool failed = std::ferror(file) != 0;
  if (file != stdin) {
    std::fclose(file);
  }
  if (failed) {
    return util::unexpected(ReadError{core::ExitCode::roster_unreadable, "cannot read " + path});
  }
  const std::string lower = util::to_lower(path);
  if (ends_with(lower, ".jsonl") || ends_with(lower, ".ndjson")) {
    return read_json(path, text, true);
  }
  if (ends_with(lower, ".json")) {
    return read_json(path, text, false);
  }
  if (ends_with(lower, ".csv") || ends_with(lower, ".tsv") || ends_with(lower, ".txt")) {
    return read_csv(path, text);
  }
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    return read_json(path, text, false);
  }
  if (first != std::string::npos && text[first] == '{') {
    return read_json(path, text, true);
  }
  return read_csv(path, text);
}

}  // namespace report
