#include "state/run_record.hpp"

#include <charconv>

namespace state {

namespace {

// Reads "<word> <integer>" at the front of `text`, advancing it past a following space.
bool take_field(std::string_view& text, std::string_view word, std::int64_t& value) {
  if (text.substr(0, word.size()) != word || text.size() < word.size() + 2 || text[word.size()] != ' ') {
    return false;
  }
  text.remove_prefix(word.size() + 1);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || value < 0) {
    return false;
  }
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  return true;
}

}  // namespace

std::string format_run_record(const RunRecord& record) {
  return "run " + std::to_string(record.run_id) + " commits " + std::to_string(record.commits) + " lookups " +
         std::to_string(record.lookups);
}

std::optional<RunRecord> parse_run_record(std::string_view line) {
  RunRecord record;
  if (!take_field(line, "run", record.run_id) || !take_field(line, "commits", record.commits) ||
      !take_field(line, "lookups", record.lookups) || !line.empty() || record.run_id == 0) {
    return std::nullopt;
  }
  return record;
}

std::optional<std::string> lost_records_problem(const std::string& path, const RunRecord& record,
                                                const StoredRun& stored) {
  if (stored.exists && stored.commits >= record.commits) {
    return std::nullopt;
  }
  std::string what = "the state file " + path + " lost ";
  if (!stored.exists) {
    what += "the incomplete run it held (run " + std::to_string(record.run_id) + ", " +
            std::to_string(record.lookups) + " lookups)";
  } else {
    what += "the last writes of its incomplete run (run " + std::to_string(record.run_id) + ", " +
            std::to_string(record.lookups) + " lookups: " + std::to_string(stored.commits) + " of " +
            std::to_string(record.commits) + " commits are there)";
  }
  return what +
         "; its -wal file was deleted or not copied with it. Nothing was submitted: restore the file with "
         "its -wal, or run again with --restart to start afresh (jobs already paid for may be paid again)";
}

}  // namespace state
