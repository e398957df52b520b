#pragma once

// Options every command accepts, before or after the command name.

#include <string>

namespace cli {

enum class ProgressMode { automatic, always, never };
enum class LogFormat { text, json };

struct GlobalOptions {
  std::string base_url;      // --base-url, else CREATORSCORE_BASE_URL, else the production URL
  std::string api_key_file;  // --api-key-file FILE, `-` = stdin; else CREATORSCORE_API_KEY
  bool allow_insecure_http = false;
  int verbosity = 0;  // -v: request log lines with the key masked
  bool quiet = false;
  ProgressMode progress = ProgressMode::automatic;
  LogFormat log_format = LogFormat::text;
  int rate_limit = 120;  // requests per rolling minute
};

inline constexpr const char* k_default_base_url = "https://creatorscore.io";

}  // namespace cli
