#include "output/enriched_writer.hpp"

#include <optional>
#include <set>
#include <string_view>

#include "core/platform.hpp"
#include "util/atomic_file.hpp"
#include "util/text.hpp"

namespace output {

namespace {

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

std::string guard_formula(std::string text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                        text[0] == '\r')) {
    text.insert(text.begin(), '\'');
  }
  return text;
}

util::Expected<WriteStats, std::string> write_enriched(const WriteOptions& options,
                                                       roster::RosterReader& reader,
                                                       const std::vector<const ColumnGroup*>& groups,
                                                       const Locate& locate) {
  auto file = util::AtomicFile::create(options.path);
  if (!file) {
    return util::unexpected(file.error());
  }
  const std::vector<std::string>& header = reader.header();
  const char delimiter = reader.delimiter();
  const bool wide = reader.layout() == roster::Layout::wide;
  std::vector<std::vector<std::string>> columns;
  for (const ColumnGroup* group : groups) {
    columns.push_back(group->columns());
  }

  // CSV header: input columns, then each group's set (a set per platform column when wide); a
  // group's name that collides with an input column gets the group's prefix before it (cs_, ca_).
  std::set<std::string> taken;
  for (const std::string& name : header) {
    taken.insert(util::to_lower(name));
  }
  const std::vector<std::string> sets = wide ? reader.wide_columns() : std::vector<std::string>{""};
  if (options.format == Format::csv) {
    if (options.bom) {
      file->write("\xEF\xBB\xBF");
    }
    std::vector<std::string> names = header;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string prefix = groups[g]->collision_prefix();
      for (const std::string& set : sets) {
        for (const std::string& column : columns[g]) {
          const std::string name = set.empty() ? column : util::to_lower(set) + "_" + column;
          names.push_back(taken.count(util::to_lower(name)) > 0 ? prefix + name : name);
        }
      }
    }
    file->write(csv_line(names, delimiter));
  } else if (options.format == Format::json) {
    file->write("[");
  }
  const std::vector<std::string> keys = unique_keys(header);
  const auto formatted = [guard = options.formula_guard](std::vector<Cell> cells) {
    std::vector<std::string> texts;
    texts.reserve(cells.size());
    for (Cell& cell : cells) {
      texts.push_back(guard && cell.kind == Cell::Kind::text ? guard_formula(std::move(cell.value))
                                                             : std::move(cell.value));
    }
    return texts;
  };

  WriteStats stats;
  // Per group: its formatted cells (CSV) or JSON members of recently written lookups.
  std::vector<RecentByLookup<std::vector<std::string>>> recent_cells(groups.size());
  std::vector<RecentByLookup<std::string>> recent_members(groups.size());
  std::vector<std::optional<std::size_t>> places;
  roster::Row row;
  for (;;) {
    auto more = reader.next(row);
    if (!more) {
      return util::unexpected(more.error().message);
    }
    if (!*more) {
      break;
    }
    places.clear();
    for (const roster::CellLookup& lookup : row.lookups) {
      places.push_back(lookup.valid() ? locate(lookup) : std::nullopt);
    }
    if (options.format == Format::csv) {
      std::vector<std::string> cells = row.cells;
      cells.resize(std::max(cells.size(), header.size()));
      for (std::size_t g = 0; g < groups.size(); ++g) {
        for (const std::string& set : sets) {
          std::size_t match = 0;
          while (match < row.lookups.size() && !set.empty() && row.lookups[match].column != set) {
            ++match;
          }
          if (match == row.lookups.size()) {
            if (wide) {
              cells.insert(cells.end(), columns[g].size(), "");
            } else {
              const std::vector<std::string> unnamed = formatted(groups[g]->cells_of_unnamed_row());
              cells.insert(cells.end(), unnamed.begin(), unnamed.end());
            }
            continue;
          }
          const roster::CellLookup& lookup = row.lookups[match];
          const std::vector<std::string>& result = recent_cells[g].get(
              places[match], [&] { return formatted(groups[g]->cells(lookup, places[match])); });
          cells.insert(cells.end(), result.begin(), result.end());
        }
      }
      file->write(csv_line(cells, delimiter));
    } else {
      // Written as text rather than built as a JSON tree and dumped: each group's members of a
      // lookup are made once (recent_members), and a row costs no tree of its own. The text is
      // what the tree's dump was (unit "a JSON row is the text nlohmann's dump of it would be").
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
        text += i == 0 ? "{\"platform\":" : ",{\"platform\":";
        append_json_string_or_null(text, lookup.platform ? core::platform_name(*lookup.platform) : "");
        text += ",\"handle\":";
        append_json_string(text, lookup.handle);
        for (std::size_t g = 0; g < groups.size(); ++g) {
          text += ',';
          text += recent_members[g].get(places[i],
                                        [&] { return groups[g]->json_members(lookup, places[i]); });
        }
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
