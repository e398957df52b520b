#include "output/enriched_writer.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>

#include "output/json_text.hpp"
#include "util/atomic_file.hpp"
#include "util/text.hpp"

namespace output {

namespace {

using nlohmann::json;

const std::vector<std::string> k_base_columns = {
    "status",    "score",          "tier",         "content_risk", "brand_safety",   "sentiment",
    "authenticity", "audience_quality", "community_trust", "roi_prediction", "knockouts", "display_name",
    "followers", "last_scored_at", "public_profile_url", "error", "job_id"};

const std::vector<std::string> k_agent_columns = {"content_risk",     "brand_safety",    "sentiment",     "authenticity",
                                                  "audience_quality", "community_trust", "roi_prediction"};

// What was made from the answers of recently written lookups, by their place in the roster index:
// a roster naming a creator on many rows parses its JSON once rather than once a row (a
// 1,000,000-row roster naming 2,000 creators spent 60% of its run's CPU on that). Direct-mapped,
// so its memory stays bounded however many creators the roster names; each slot knows whose it is.
template <class Value>
class RecentByLookup {
 public:
  // `make()` when the lookup's value is not held (or it has no place in the index). The reference
  // is good until the next call.
  template <class Make>
  const Value& get(std::optional<std::size_t> lookup, Make make) {
    if (!lookup) {
      m_unplaced = make();
      return m_unplaced;
    }
    Slot& slot = m_slots[*lookup % k_slots];
    if (slot.lookup != lookup) {
      slot.value = make();
      slot.lookup = lookup;
    }
    return slot.value;
  }

 private:
  static constexpr std::size_t k_slots = 4096;
  struct Slot {
    std::optional<std::size_t> lookup;
    Value value;
  };
  std::vector<Slot> m_slots = std::vector<Slot>(k_slots);
  Value m_unplaced;
};

json parse_creator(std::string_view creator_json) {
  return creator_json.empty() ? json() : json::parse(creator_json, nullptr, false);
}

// JSON text as nlohmann's compact dump writes it, invalid UTF-8 replaced rather than refused.
std::string json_dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void append_json_string(std::string& out, std::string_view text) {
  out += json_dump(json(std::string(text)));
}

// `text` as a JSON string, or null when empty.
void append_json_string_or_null(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json_string(out, text);
  }
}

// A lookup's creator as JSON text: its payload re-serialised (object keys sorted), or null when it
// has none or it is not JSON.
std::string creator_text(std::string_view creator_json) {
  const json creator = parse_creator(creator_json);
  return creator.is_discarded() ? "null" : json_dump(creator);
}

// A cell of a numeric column (score, the agent scores, followers): a JSON number only. Anything
// else the API put there, a string above all ("85", "=1+1", "1e999"), is not written as a number
// nor run as a formula: the cell stays empty (the JSON output keeps the payload as sent).
std::string number_cell(const json& value) {
  return value.is_number() ? json_text(value) : std::string();
}

// A cell of a text column: the API's value as text, through the guard when asked. A JSON number is
// written as itself: it cannot start a formula.
std::string text_cell(const json& value, bool guard) {
  const std::string text = json_text(value);
  return guard && !value.is_number() ? guard_formula(text) : text;
}

// The result cells of one lookup, in result_columns() order. Every cell made of API text goes
// through the guard when asked (man/roster-enrich.1, "OUTPUT").
std::vector<std::string> result_cells(const LookupView& view, const std::vector<std::string>& include, bool guard) {
  std::vector<std::string> cells;
  const json creator = parse_creator(view.creator_json);
  const bool has_creator = creator.is_object();
  const auto member = [](const json& object, const char* name) -> const json* {
    const auto it = object.is_object() ? object.find(name) : object.end();
    return it != object.end() ? &*it : nullptr;
  };
  const auto text_field = [&](const char* name) -> std::string {
    const json* value = member(creator, name);
    return value != nullptr ? text_cell(*value, guard) : "";
  };
  const auto number_field = [&](const json& object, const char* name) -> std::string {
    const json* value = member(object, name);
    return value != nullptr ? number_cell(*value) : "";
  };
  cells.emplace_back(core::status_name(view.status));
  cells.push_back(number_field(creator, "score"));
  cells.push_back(text_field("tier"));
  const json* agents = member(creator, "agents");
  for (const std::string& agent : k_agent_columns) {
    cells.push_back(agents != nullptr ? number_field(*agents, agent.c_str()) : "");
  }
  std::string knockouts;
  if (has_creator && creator.contains("knockouts") && creator["knockouts"].is_array()) {
    std::vector<std::string> parts;
    for (const json& item : creator["knockouts"]) {
      parts.push_back(json_text(item));
    }
    knockouts = util::join(parts, "; ");
    if (guard) knockouts = guard_formula(knockouts);
  }
  cells.push_back(knockouts);
  cells.push_back(text_field("display_name"));
  cells.push_back(number_field(creator, "followers"));
  cells.push_back(text_field("last_scored_at"));
  cells.push_back(text_field("public_profile_url"));
  const auto guarded = [guard](std::string_view text) {
    return guard ? guard_formula(std::string(text)) : std::string(text);
  };
  cells.push_back(guarded(view.error));
  cells.push_back(view.status == core::LookupStatus::cached ? "" : guarded(view.job_id));
  for (const std::string& name : include) {
    cells.push_back(text_field(name.c_str()));
  }
  return cells;
}

std::string csv_field(std::string_view value, char delimiter) {
  const bool needs_quotes = value.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) {
    return std::string(value);
  }
  std::string out = "\"";
  for (char c : value) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& cells, char delimiter) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += delimiter;
    line += csv_field(cells[i], delimiter);
  }
  return line + "\n";
}

LookupView view_of(const roster::CellLookup& lookup, const Resolver& resolve) {
  if (!lookup.valid()) {
    return LookupView{core::LookupStatus::invalid, "", lookup.invalid_reason, "", std::nullopt};
  }
  return resolve(lookup);
}

// Header names made unique for JSON keys: a repeated name gets `_2`, `_3`...
std::vector<std::string> unique_keys(const std::vector<std::string>& header) {
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const std::string& name : header) {
    std::string key = name;
    for (int n = 2; seen.count(key) > 0; ++n) {
      key = name + "_" + std::to_string(n);
    }
    seen.insert(key);
    keys.push_back(key);
  }
  return keys;
}

}  // namespace

std::vector<std::string> result_columns(const std::vector<std::string>& include) {
  std::vector<std::string> columns = k_base_columns;
  columns.insert(columns.end(), include.begin(), include.end());
  return columns;
}

std::string guard_formula(std::string text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                        text[0] == '\r')) {
    text.insert(text.begin(), '\'');
  }
  return text;
}

util::Expected<WriteStats, std::string> write_enriched(const WriteOptions& options, roster::RosterReader& reader,
                                                       const Resolver& resolve) {
  auto file = util::AtomicFile::create(options.path);
  if (!file) {
    return util::unexpected(file.error());
  }
  const std::vector<std::string>& header = reader.header();
  const char delimiter = reader.delimiter();
  const bool wide = reader.layout() == roster::Layout::wide;
  const std::vector<std::string> columns = result_columns(options.include);

  // CSV header: input columns, then one result set (a set per platform column when wide); a
  // result name that collides with an input column gets the prefix cs_.
  std::set<std::string> taken;
  for (const std::string& name : header) {
    taken.insert(util::to_lower(name));
  }
  const auto result_name = [&](const std::string& name) {
    return taken.count(util::to_lower(name)) > 0 ? "cs_" + name : name;
  };
  std::vector<std::string> sets = wide ? reader.wide_columns() : std::vector<std::string>{""};
  if (options.format == Format::csv) {
    std::vector<std::string> names = header;
    for (const std::string& set : sets) {
      for (const std::string& column : columns) {
        names.push_back(result_name(set.empty() ? column : util::to_lower(set) + "_" + column));
      }
    }
    file->write(csv_line(names, delimiter));
  } else if (options.format == Format::json) {
    file->write("[");
  }
  const std::vector<std::string> keys = unique_keys(header);

  WriteStats stats;
  RecentByLookup<std::vector<std::string>> recent_cells;
  RecentByLookup<std::string> recent_creators;  // creator_text() of each
  roster::Row row;
  for (;;) {
    auto more = reader.next(row);
    if (!more) {
      return util::unexpected(more.error().message);
    }
    if (!*more) {
      break;
    }
    if (options.format == Format::csv) {
      std::vector<std::string> cells = row.cells;
      cells.resize(std::max(cells.size(), header.size()));
      for (const std::string& set : sets) {
        const roster::CellLookup* match = nullptr;
        for (const roster::CellLookup& lookup : row.lookups) {
          if (set.empty() || lookup.column == set) {
            match = &lookup;
            break;
          }
        }
        if (match == nullptr) {
          cells.insert(cells.end(), columns.size(), "");
          if (!wide) {
            cells[header.size()] = "invalid";  // a row that names nothing at all
          }
          continue;
        }
        const LookupView view = view_of(*match, resolve);
        const std::vector<std::string>& result = recent_cells.get(
            view.lookup, [&] { return result_cells(view, options.include, options.formula_guard); });
        cells.insert(cells.end(), result.begin(), result.end());
      }
      file->write(csv_line(cells, delimiter));
    } else {
      // Written as text rather than built as a JSON tree and dumped: each lookup's creator is
      // serialised once (recent_creators), and a row costs no tree of its own. The text is what
      // the tree's dump was (unit "a JSON row is the text nlohmann's dump of it would be").
      std::string text = "{\"row\":" + std::to_string(row.record) + ",\"input\":{";
      for (std::size_t i = 0; i < keys.size(); ++i) {
        text += i == 0 ? "" : ",";
        append_json_string(text, keys[i]);
        text += ':';
        append_json_string(text, i < row.cells.size() ? row.cells[i] : std::string());
      }
      text += "},\"lookups\":[";
      for (std::size_t i = 0; i < row.lookups.size(); ++i) {
        const roster::CellLookup& lookup = row.lookups[i];
        const LookupView view = view_of(lookup, resolve);
        text += i == 0 ? "{\"platform\":" : ",{\"platform\":";
        append_json_string_or_null(text, lookup.platform ? core::platform_name(*lookup.platform) : "");
        text += ",\"handle\":";
        append_json_string(text, lookup.handle);
        text += ",\"status\":";
        append_json_string(text, core::status_name(view.status));
        text += ",\"creator\":";
        text += recent_creators.get(view.lookup, [&] { return creator_text(view.creator_json); });
        text += ",\"error\":";
        append_json_string_or_null(text, view.error);
        text += ",\"job_id\":";
        append_json_string_or_null(text, view.job_id);
        text += '}';
      }
      text += "]}";
      if (options.format == Format::json) {
        file->write(stats.rows == 0 ? "\n" : ",\n");
        file->write(text);
      } else {
        file->write(text + "\n");
      }
    }
    ++stats.rows;
  }
  if (options.format == Format::json) {
    file->write(stats.rows == 0 ? "]\n" : "\n]\n");
  }
  auto committed = file->commit();
  if (!committed) {
    return util::unexpected(committed.error());
  }
  return stats;
}

}  // namespace output
