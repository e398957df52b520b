// libFuzzer target: any bytes as a CreatorAudit answer body, through every decoder (problem
// documents, whoami, meta, accounts, pages, metrics). Each must give a value or a DecodeError,
// never a crash, leak or undefined behaviour; and what the rest of the program relies on must hold:
// a problem's description is one line of bounded length, a metric's name is a plain column
// name met once per item, an item keeps at most 256 metrics, every account and item has its id.
// Build and run with tests/fuzz/run_fuzz.sh audit.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "creatoraudit/decode.hpp"

namespace {

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

bool one_line(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return false;
    }
  }
  return true;
}

// Parent and child names, each at most 64 bytes, joined by `_`: letters, digits, `_`, `-`, `.`.
bool plain_name(std::string_view name) {
  constexpr std::string_view k_allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
  return !name.empty() && name.size() <= 129 && name.find_first_not_of(k_allowed) == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)creatoraudit::is_json_object(body);
  for (int status : {422, 502}) {
    const auto problem = creatoraudit::decode_problem(status, body, std::string(body.substr(0, 16)));
    require(problem.status == status);
    const std::string line = creatoraudit::describe(problem);
    require(one_line(line) && line.size() < 4096);  // server text is cut, whatever its length
  }
  (void)creatoraudit::decode_whoami(body);
  (void)creatoraudit::decode_meta(body);
  if (const auto account = creatoraudit::decode_account(body)) {
    require(!account->id.empty());
  }
  if (const auto page = creatoraudit::decode_account_page(body)) {
    for (const auto& account : page->accounts) {
      require(!account.id.empty());
    }
  }
  if (const auto metrics = creatoraudit::decode_metrics(body)) {
    std::set<std::string> ids;
    for (const auto& item : metrics->items) {
      require(!item.account_id.empty() && ids.insert(item.account_id).second);
      require(item.metrics.size() <= 256);
      std::set<std::string> names;
      for (const auto& metric : item.metrics) {
        require(plain_name(metric.name) && names.insert(metric.name).second);
        require(metric.value.kind != creatoraudit::MetricValue::Kind::empty || metric.value.text.empty());
      }
    }
  }
  return 0;
}
