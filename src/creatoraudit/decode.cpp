#include "creatoraudit/decode.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "util/json_nesting.hpp"

namespace creatoraudit {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Bounded nesting: a hostile body of a million '[' must not exhaust the stack.
constexpr int k_max_nesting = 64;
// A hostile 422 with a million entries in `errors` must not make a million-entry message.
constexpr std::size_t k_max_field_errors = 1000;
constexpr std::size_t k_max_metrics_per_item = 256;
constexpr std::size_t k_max_metric_name = 64;

template <typename Json>
util::Expected<Json, DecodeError> parse_json_object(std::string_view body) {
  if (util::json_nests_deeper_than(body, k_max_nesting)) {
    return util::unexpected(
        DecodeError("the response nests deeper than " + std::to_string(k_max_nesting) + " levels"));
  }
  Json document = Json::parse(body, nullptr, false);
  if (document.is_discarded()) {
    return util::unexpected(DecodeError("the response is not valid JSON"));
  }
  if (!document.is_object()) {
    return util::unexpected(DecodeError("the response is not a JSON object"));
  }
  return document;
}

template <typename Json>
std::string text_of(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->template get<std::string>() : std::string();
}

template <typename Json>
std::optional<long long> whole_number_of(const Json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number()) {
    return std::nullopt;
  }
  const double value = it->template get<double>();
  if (!(value > -9e15 && value < 9e15)) {
    return std::nullopt;
  }
  return static_cast<long long>(value);
}

// The object under `data`, or nullptr when there is none.
const json* data_object(const json& root) {
  const auto it = root.find("data");
  return it != root.end() && it->is_object() ? &*it : nullptr;
}

// The array under `data`, or nullptr when there is none.
template <typename Json>
const Json* data_array(const Json& root) {
  const auto it = root.find("data");
  return it != root.end() && it->is_array() ? &*it : nullptr;
}

// Parses `body` as a JSON object and hands it to `read`; whatever nlohmann throws on the way
// becomes a DecodeError.
template <typename T, typename Json = json, typename Read>
util::Expected<T, DecodeError> read_object(std::string_view body, Read read) {
  try {
    auto document = parse_json_object<Json>(body);
    if (!document) {
      return util::unexpected(document.error());
    }
    return read(static_cast<const Json&>(*document));
  } catch (const json::exception& error) {
    return util::unexpected(
        DecodeError(std::string("the response has an unexpected shape: ") + error.what()));
  }
}

std::optional<Account> account_from(const json& object) {
  Account account;
  account.id = text_of(object, "id");
  if (account.id.empty()) {
    return std::nullopt;
  }
  account.platform = text_of(object, "platform");
  account.username = text_of(object, "username");
  account.category = text_of(object, "category");
  account.scrape_interval_hours = whole_number_of(object, "scrape_interval_hours");
  account.created_at = text_of(object, "created_at");
  // Null until the first refresh; an empty string means no more than null does.
  if (std::string scraped = text_of(object, "last_scrape_time"); !scraped.empty()) {
    account.last_scrape_time = std::move(scraped);
  }
  return account;
}

void add_field_errors(const json& errors, std::vector<FieldError>& out) {
  if (errors.is_array()) {
    for (const json& entry : errors) {
      if (out.size() >= k_max_field_errors) {
        return;
      }
      if (entry.is_object()) {
        out.push_back({text_of(entry, "field"), text_of(entry, "message")});
      } else if (entry.is_string()) {
        out.push_back({{}, entry.get<std::string>()});
      }
    }
  } else if (errors.is_object()) {
    // Some servers key the messages by field: {"username": ["not found"]}.
    for (const auto& [field, messages] : errors.items()) {
      const json list = messages.is_array() ? messages : json::array({messages});
      for (const json& message : list) {
        if (out.size() >= k_max_field_errors) {
          return;
        }
        if (message.is_string()) {
          out.push_back({field, message.get<std::string>()});
        }
      }
    }
  }
}

bool is_plain_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_metric_name) {
    return false;
  }
  for (char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-' || c == '.';
    if (!plain) {
      return false;
    }
  }
  return true;
}

// A number, a string or null as a cell; nullopt for anything else.
std::optional<MetricValue> scalar_cell(const ordered_json& value) {
  MetricValue cell;
  if (value.is_null()) {
    return cell;
  }
  if (value.is_number()) {
    cell.kind = MetricValue::Kind::number;
    cell.text = value.dump();
    cell.number = value.get<double>();
    return cell;
  }
  if (value.is_string()) {
    cell.kind = MetricValue::Kind::text;
    cell.text = value.get<std::string>();
    return cell;
  }
  return std::nullopt;
}

// An array of numbers, strings and nulls as one text cell; nullopt when it holds anything else.
std::optional<MetricValue> joined_cell(const ordered_json& array) {
  MetricValue cell;
  cell.kind = MetricValue::Kind::text;
  bool first = true;
  for (const ordered_json& element : array) {
    const auto part = scalar_cell(element);
    if (!part) {
      return std::nullopt;
    }
    cell.text += (first ? "" : "; ") + part->text;
    first = false;
  }
  return cell;
}

class MetricList {
 public:
  explicit MetricList(std::vector<Metric>& out) : m_out(out) {}

  void add(std::string name, std::optional<MetricValue> value) {
    if (!value || m_out.size() >= k_max_metrics_per_item || !m_names.insert(name).second) {
      return;
    }
    m_out.push_back({std::move(name), std::move(*value)});
  }

 private:
  std::vector<Metric>& m_out;
  std::set<std::string> m_names;
};

AccountMetrics metrics_from(const ordered_json& item) {
  AccountMetrics metrics;
  metrics.account_id = text_of(item, "account_id");
  metrics.period = text_of(item, "period");
  metrics.start_date = text_of(item, "start_date");
  metrics.end_date = text_of(item, "end_date");
  metrics.item_json = item.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  MetricList list(metrics.metrics);
  for (const auto& [name, value] : item.items()) {
    if (name == "account_id" || name == "period" || name == "start_date" || name == "end_date" ||
        !is_plain_name(name)) {
      continue;
    }
    if (value.is_object()) {
      for (const auto& [child, child_value] : value.items()) {
        if (is_plain_name(child)) {
          list.add(name + "_" + child, scalar_cell(child_value));
        }
      }
    } else if (value.is_array()) {
      list.add(name, joined_cell(value));
    } else {
      list.add(name, scalar_cell(value));
    }
  }
  return metrics;
}

}  // namespace

bool is_json_object(std::string_view body) {
  try {
    return parse_json_object<json>(body).has_value();
  } catch (const json::exception&) {
    return false;
  }
}

Problem decode_problem(int status, std::string_view body,
                       const std::optional<std::string>& request_id_header) {
  Problem problem;
  problem.status = status;
  try {
    if (auto document = parse_json_object<json>(body)) {
      problem.is_document = true;
      problem.type = text_of(*document, "type");
      problem.code = text_of(*document, "code");
      problem.title = text_of(*document, "title");
      problem.detail = text_of(*document, "detail");
      problem.request_id = text_of(*document, "request_id");
      if (const auto errors = document->find("errors"); errors != document->end()) {
        add_field_errors(*errors, problem.errors);
      }
    }
  } catch (const json::exception&) {
    problem = Problem{};
    problem.status = status;
  }
  if (request_id_header && !request_id_header->empty()) {
    problem.request_id = *request_id_header;
  }
  return problem;
}

util::Expected<WhoAmI, DecodeError> decode_whoami(std::string_view body) {
  return read_object<WhoAmI>(body, [](const json& root) -> util::Expected<WhoAmI, DecodeError> {
    const json* data = data_object(root);
    if (data == nullptr || text_of(*data, "organization_id").empty()) {
      return util::unexpected(DecodeError("the whoami response has no data.organization_id"));
    }
    return WhoAmI{text_of(*data, "organization_id"), text_of(*data, "api_key_name")};
  });
}

util::Expected<Meta, DecodeError> decode_meta(std::string_view body) {
  return read_object<Meta>(body, [](const json& root) -> util::Expected<Meta, DecodeError> {
    const json* data = data_object(root);
    const json& fields = data != nullptr ? *data : root;
    return Meta{text_of(fields, "version"), text_of(fields, "openapi_url"), text_of(fields, "docs_url")};
  });
}

util::Expected<Account, DecodeError> decode_account(std::string_view body) {
  return read_object<Account>(body, [](const json& root) -> util::Expected<Account, DecodeError> {
    const json* data = data_object(root);
    auto account = data != nullptr ? account_from(*data) : std::nullopt;
    if (!account) {
      return util::unexpected(DecodeError("the account response has no data.id"));
    }
    return std::move(*account);
  });
}

util::Expected<AccountPage, DecodeError> decode_account_page(std::string_view body) {
  return read_object<AccountPage>(body, [](const json& root) -> util::Expected<AccountPage, DecodeError> {
    const json* data = data_array(root);
    if (data == nullptr) {
      return util::unexpected(DecodeError("the page has no data array"));
    }
    AccountPage page;
    for (const json& item : *data) {
      auto account = item.is_object() ? account_from(item) : std::nullopt;
      if (account) {
        page.accounts.push_back(std::move(*account));
      } else {
        ++page.skipped;
      }
    }
    const auto pagination = root.find("pagination");
    if (pagination != root.end() && pagination->is_object()) {
      page.pagination.next_cursor = text_of(*pagination, "next_cursor");
      const auto has_next = pagination->find("has_next");
      page.pagination.has_next = has_next != pagination->end() && has_next->is_boolean()
                                     ? has_next->get<bool>()
                                     : !page.pagination.next_cursor.empty();
      page.pagination.limit = whole_number_of(*pagination, "limit");
    }
    return page;
  });
}

util::Expected<MetricsPage, DecodeError> decode_metrics(std::string_view body) {
  // ordered_json: metrics become columns in the order the API sent them.
  return read_object<MetricsPage, ordered_json>(
      body, [](const ordered_json& root) -> util::Expected<MetricsPage, DecodeError> {
        const ordered_json* data = data_array(root);
        if (data == nullptr) {
          return util::unexpected(DecodeError("the metrics response has no data array"));
        }
        MetricsPage page;
        std::set<std::string> seen;
        for (const ordered_json& item : *data) {
          if (!item.is_object()) {
            continue;
          }
          AccountMetrics metrics = metrics_from(item);
          if (!metrics.account_id.empty() && seen.insert(metrics.account_id).second) {
            page.items.push_back(std::move(metrics));
          }
        }
        const auto meta = root.find("meta");
        if (meta != root.end() && meta->is_object()) {
          page.period = text_of(*meta, "period");
          page.start_date = text_of(*meta, "start_date");
          page.end_date = text_of(*meta, "end_date");
        }
        return page;
      });
}

}  // namespace creatoraudit
