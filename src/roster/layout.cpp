#include "roster/layout.hpp"

#include <array>

#include "roster/handle.hpp"
#include "roster/profile_url.hpp"

namespace roster {

namespace {

constexpr std::array<std::string_view, 3> k_platform_names = {"platform", "network", "channel"};
constexpr std::array<std::string_view, 4> k_handle_names = {"handle", "username", "user", "account"};
constexpr std::array<std::string_view, 4> k_url_names = {"url", "profileurl", "profile", "link"};

constexpr std::string_view k_expected =
    "expected a platform column (platform, network, channel) with a handle column (handle, username, user, "
    "account), a link column (url, profile_url, profile, link), or one column per platform (tiktok, "
    "instagram, youtube, x, twitter, facebook, reddit, twitch, kick, linkedin, threads, snapchat)";

template <std::size_t N>
std::optional<std::size_t> find_named(const std::vector<std::string>& keys,
                                      const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    for (const std::string_view name : names) {
      if (keys[i] == name) {
        return i;
      }
    }
  }
  return std::nullopt;
}

std::string quoted(std::string_view name) {
  std::string out = "`";
  for (const char c : name.substr(0, 40)) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7F) ? '?' : c;
  }
  return out + (name.size() > 40 ? "...`" : "`");
}

RosterError usage(std::string message) { return RosterError{core::ExitCode::usage, std::move(message)}; }

}  // namespace

std::string header_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    key += c;
  }
  return key;
}

std::string describe_columns(const std::vector<std::string>& header) {
  constexpr std::size_t k_shown = 20;
  std::string out;
  for (std::size_t i = 0; i < header.size() && i < k_shown; ++i) {
    out += (i > 0 ? ", " : "") + quoted(header[i]);
  }
  if (header.size() > k_shown) {
    out += " and " + std::to_string(header.size() - k_shown) + " more";
  }
  return out;
}

util::Expected<ColumnMap, RosterError> map_columns(const std::vector<std::string>& header, const Options& options) {
  std::vector<std::string> keys;
  keys.reserve(header.size());
  for (const std::string& name : header) {
    keys.push_back(header_key(name));
  }
  const std::string columns = describe_columns(header);
  auto forced = [&](const std::string& name, std::string_view flag) -> util::Expected<std::size_t, RosterError> {
    const std::string key = header_key(name);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) {
        return i;
      }
    }
    return util::unexpected(usage(std::string(flag) + " " + quoted(name) + ": no such column (found: " + columns + ")"));
  };

  ColumnMap map;
  map.fixed_platform = options.platform;

  if (!options.url_column.empty()) {
    if (!options.handle_column.empty() || !options.platform_column.empty()) {
      return util::unexpected(usage("give either --url-column or --handle-column/--platform-column, not both"));
    }
    auto column = forced(options.url_column, "--url-column");
    if (!column) {
      return util::unexpected(column.error());
    }
    map.layout = Layout::url;
    map.url_column = *column;
    return map;
  }

  std::optional<std::size_t> handle = find_named(keys, k_handle_names);
  std::optional<std::size_t> platform = find_named(keys, k_platform_names);
  if (!options.handle_column.empty()) {
    auto column = forced(options.handle_column, "--handle-column");
    if (!column) {
      return util::unexpected(column.error());
    }
    handle = *column;
  }
  if (!options.platform_column.empty()) {
    if (options.platform) {
      return util::unexpected(usage("give either --platform-column or --platform, not both"));
    }
    auto column = forced(options.platform_column, "--platform-column");
    if (!column) {
      return util::unexpected(column.error());
    }
    platform = *column;
  }
  if (options.platform) {
    platform.reset();
  }
  const bool forced_long = !options.handle_column.empty() || !options.platform_column.empty();

  if (handle && (platform || options.platform)) {
    map.layout = Layout::long_form;
    map.handle_column = *handle;
    map.platform_column = platform;
    return map;
  }
  if (forced_long) {
    if (!handle) {
      return util::unexpected(RosterError::unusable("no handle column (handle, username, user, account) next to the platform "
                                       "column; found: " + columns + " (choose one with --handle-column)"));
    }
    return util::unexpected(RosterError::unusable("no platform column (platform, network, channel) next to the handle "
                                     "column; found: " + columns +
                                     " (choose one with --platform-column, or give --platform for every row)"));
  }

  if (const auto url = find_named(keys, k_url_names)) {
    map.layout = Layout::url;
    map.url_column = *url;
    return map;
  }

  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto column_platform = platform_from_cell(keys[i]);
    if (column_platform && (!options.platform || *options.platform == *column_platform)) {
      map.wide.emplace_back(i, *column_platform);
    }
  }
  if (!map.wide.empty()) {
    map.layout = Layout::wide;
    return map;
  }

  for (const std::string& name : header) {
    if (looks_like_link(name) || (!name.empty() && name.front() == '@')) {
      return util::unexpected(RosterError::unusable("no header row: line 1 holds data (" + quoted(name) +
                                       "); add a header such as `platform,handle` or `url`"));
    }
  }
  if (handle) {
    return util::unexpected(RosterError::unusable("found a handle column (" + quoted(header[*handle]) +
                                     ") but no platform column (platform, network, channel); add one, or give "
                                     "--platform for every row"));
  }
  if (platform) {
    return util::unexpected(RosterError::unusable("found a platform column (" + quoted(header[*platform]) +
                                     ") but no handle column (handle, username, user, account)"));
  }
  return util::unexpected(RosterError::unusable("no usable column (found: " + columns + "); " + std::string(k_expected)));
}

}  // namespace roster
