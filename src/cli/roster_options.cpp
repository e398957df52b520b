#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/roster_input.hpp"
#include "core/platform.hpp"

namespace cli {

void add_roster_options(CLI::App& command, RosterOptions& options) {
  command.add_option("ROSTER", options.roster, "the roster CSV (`-` = standard input)")->required();
  command.add_option("--delimiter", options.delimiter, "field delimiter: , ; tab or | (default: detected)");
  command.add_option("--platform-column", options.platform_column, "the column naming each row's platform");
  command.add_option("--handle-column", options.handle_column, "the column holding each row's handle");
  command.add_option("--url-column", options.url_column, "the column holding profile links");
  command.add_option("--platform", options.platform, "one platform for every row (with --handle-column)");
}

roster::Options to_reader_options(const RosterOptions& options) {
  roster::Options out;
  if (!options.delimiter.empty()) {
    const std::string& d = options.delimiter;
    if (d == "," || d == ";" || d == "|") {
      out.delimiter = d[0];
    } else if (d == "\t" || d == "tab" || d == "TAB" || d == "\\t") {
      out.delimiter = '\t';
    } else {
      throw core::Fatal(core::ExitCode::usage, "--delimiter must be one of , ; | tab (got '" + d + "')");
    }
  }
  out.platform_column = options.platform_column;
  out.handle_column = options.handle_column;
  out.url_column = options.url_column;
  if (!options.platform.empty()) {
    out.platform = core::parse_platform(options.platform);
    if (!out.platform) {
      throw core::Fatal(core::ExitCode::usage,
                        "--platform: unknown platform '" + options.platform +
                            "' (expected tiktok, instagram, youtube, x, twitter, facebook, reddit, twitch, kick, "
                            "linkedin, threads or snapchat)");
    }
  }
  return out;
}

LoadedRoster load_roster(const RosterOptions& options) {
  LoadedRoster loaded;
  roster::Options options_with_name = to_reader_options(options);
  std::string path = options.roster;
  if (roster::needs_spooling(path)) {
    // Read twice (index, then output), and not seekable: copied first, and known by its content.
    options_with_name.display_name = path == "-" ? "<stdin>" : path;
    auto spooled = roster::SpooledInput::from(path, options_with_name.display_name);
    if (!spooled) {
      throw core::Fatal(spooled.error().code, spooled.error().message);
    }
    loaded.spool = std::move(*spooled);
    path = loaded.spool->path();
  }
  auto index = roster::index_roster(path, options_with_name);
  if (!index) {
    throw core::Fatal(index.error().code, index.error().message);
  }
  loaded.index = std::move(*index);
  if (loaded.spool) {
    loaded.index.content_digest = loaded.spool->digest();
  }
  loaded.options = options_with_name;
  return loaded;
}

}  // namespace cli
