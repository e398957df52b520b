#include "creatorscore/decode.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "util/json_nesting.hpp"

namespace creatorscore {

namespace {

using nlohmann::json;

// Bounded nesting: a hostile body of a million '[' must not exhaust the stack.
constexpr int k_max_depth = 64;

util::Expected<json, DecodeError> parse_object(std::string_view body) {
  if (util::json_nests_deeper_than(body, k_max_depth)) {
    return util::unexpected(DecodeError("the response nests deeper than " + std::to_string(k_max_depth) + " levels"));
  }
  json document = json::parse(body, nullptr, false);
  if (document.is_discarded()) {
    return util::unexpected(DecodeError("the response is not valid JSON"));
  }
  if (!document.is_object()) {
    return util::unexpected(DecodeError("the response is not a JSON object"));
  }
  return document;
}

std::string string_field(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<long long> integer_field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number()) {
    return std::nullopt;
  }
  const double value = it->get<double>();
  if (!(value > -9e15 && value < 9e15)) {
    return std::nullopt;
  }
  return static_cast<long long>(value);
}

// eta_seconds is the guide to when to poll; hostile values (negative, absurd, not a number) must
// neither stall a run nor make it hammer the API.
std::optional<Seconds> eta_field(const json& object) {
  const auto value = integer_field(object, "eta_seconds");
  if (!value) {
    return std::nullopt;
  }
  constexpr long long k_day = 86400;
  return Seconds(std::clamp<long long>(*value, 0, k_day));
}

std::string creator_text(const json& object) {
  const auto it = object.find("creator");
  return it != object.end() && it->is_object() ? it->dump() : std::string();
}

std::optional<std::string> named_field(const json& creator, const char* name) {
  const auto it = creator.find(name);
  if (it == creator.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// Whom the answer's creator object says it is about (nothing when there is no such object).
CreatorIdentity creator_named(const json& object) {
  const auto it = object.find("creator");
  if (it == object.end() || !it->is_object()) {
    return {};
  }
  return {named_field(*it, "platform"), named_field(*it, "handle")};
}

ItemResult item_from(const json& object) {
  ItemResult item;
  item.platform = string_field(object, "platform");
  item.handle = string_field(object, "handle");
  const std::string status = string_field(object, "status");
  item.job_id = string_field(object, "job_id");
  item.eta = eta_field(object);
  const auto dedup = object.find("deduplicated");
  item.deduplicated = dedup != object.end() && dedup->is_boolean() && dedup->get<bool>();
  if (const auto charged = integer_field(object, "credits_charged")) {
    item.credits_charged = static_cast<int>(std::clamp<long long>(*charged, 0, 1000));
  }
  item.error_code = string_field(object, "error");
  item.message = string_field(object, "message");
  item.creator_json = creator_text(object);
  item.creator_named = creator_named(object);
  if (status == "cached" && !item.creator_json.empty()) {
    item.outcome = ItemOutcome::cached;
  } else if (status == "queued" && !item.job_id.empty()) {
    item.outcome = ItemOutcome::queued;
  } else {
    item.outcome = ItemOutcome::error;
    if (item.error_code.empty()) {
      item.error_code = status.empty() ? "invalid_response" : "unexpected_status";
      item.message = "the API answered status '" + status + "' without what that status promises";
    }
  }
  return item;
}

JobStatus job_from(const json& object) {
  JobStatus job;
  job.job_id = string_field(object, "job_id");
  const std::string status = string_field(object, "status");
  job.progress_message = string_field(object, "progress_message");
  const auto progress = object.find("progress");
  if (progress != object.end() && progress->is_number()) {
    job.progress = progress->get<double>();
  }
  job.eta = eta_field(object);
  job.completed_at = string_field(object, "completed_at");
  job.creator_json = creator_text(object);
  job.creator_named = creator_named(object);
  if (status == "done") {
    // Without a creator object the job is not done for us: the engine asks again a few times,
    // then records an error (it never polls such a job forever).
    job.state = job.creator_json.empty() ? JobState::done_without_creator : JobState::done;
  } else if (status == "failed") {
    job.state = JobState::failed;
    job.error = string_field(object, "error");
    if (job.error.empty()) {
      job.error = "failed";
    }
  } else if (status == "not_found") {
    job.state = JobState::not_found;
    job.error = string_field(object, "message");
  } else if (status == "processing") {
    job.state = JobState::processing;
  } else {
    // queued, or a state this client does not know yet: still in flight, poll again later.
    job.state = JobState::queued;
  }
  return job;
}

template <typename Decode>
auto guarded(Decode decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const json::exception& error) {
    return util::unexpected(DecodeError(std::string("the response has an unexpected shape: ") + error.what()));
  }
}

}  // namespace

bool is_json_object(std::string_view body) {
  return parse_object(body).has_value();
}

util::Expected<Account, DecodeError> decode_account(std::string_view body) {
  return guarded([&]() -> util::Expected<Account, DecodeError> {
    auto document = parse_object(body);
    if (!document) {
      return util::unexpected(document.error());
    }
    const json& root = *document;
    Account account;
    const json tenant = root.value("tenant", json::object());
    const json key = root.value("api_key", json::object());
    const json credits = root.value("credits", json::object());
    const json pricing = root.value("pricing", json::object());
    if (!tenant.is_object() || !credits.is_object() || !credits.contains("balance")) {
      return util::unexpected(DecodeError("the account response has no credits.balance"));
    }
    account.tenant_id = string_field(tenant, "id");
    account.tenant_name = string_field(tenant, "name");
    if (key.is_object()) {
      account.key_id = string_field(key, "id");
      account.key_label = string_field(key, "label");
      account.key_created_at = string_field(key, "created_at");
      account.key_last_used_at = string_field(key, "last_used_at");
    }
    const auto balance = integer_field(credits, "balance");
    if (!balance) {
      return util::unexpected(DecodeError("the account's credits.balance is not a number"));
    }
    account.balance = *balance;
    // Two shapes are documented (creatorscore-v1.md): a per-platform table when present, else the
    // vendor's published table.
    account.pricing = Pricing::vendor_table();
    if (pricing.is_object()) {
      const auto table = pricing.find("per_platform_credits");
      if (table != pricing.end() && table->is_object()) {
        account.pricing.from_account = true;
        for (const auto& [name, value] : table->items()) {
          const auto platform = core::parse_platform(name);
          if (platform && value.is_number_integer() && value.get<long long>() >= 0 && value.get<long long>() < 1000) {
            account.pricing.fresh_credits[*platform] = static_cast<int>(value.get<long long>());
          }
        }
      }
      if (const auto days = integer_field(pricing, "cache_freshness_days"); days && *days > 0) {
        account.cache_freshness_days = static_cast<int>(std::min<long long>(*days, 3650));
      }
    }
    return account;
  });
}

util::Expected<ItemResult, DecodeError> decode_item(std::string_view body) {
  return guarded([&]() -> util::Expected<ItemResult, DecodeError> {
    auto document = parse_object(body);
    if (!document) {
      return util::unexpected(document.error());
    }
    return item_from(*document);
  });
}

util::Expected<BulkSubmitResult, DecodeError> decode_bulk_submit(std::string_view body) {
  return guarded([&]() -> util::Expected<BulkSubmitResult, DecodeError> {
    auto document = parse_object(body);
    if (!document) {
      return util::unexpected(document.error());
    }
    const auto results = document->find("results");
    if (results == document->end() || !results->is_array()) {
      return util::unexpected(DecodeError("the bulk response has no results array"));
    }
    BulkSubmitResult out;
    for (const json& entry : *results) {
      if (entry.is_object()) {
        out.results.push_back(item_from(entry));
      }
    }
    const auto summary = document->find("summary");
    if (summary != document->end() && summary->is_object()) {
      out.credits_spent = integer_field(*summary, "credits_spent");
      out.credits_remaining = integer_field(*summary, "credits_remaining");
    }
    return out;
  });
}

util::Expected<JobStatus, DecodeError> decode_job(std::string_view body) {
  return guarded([&]() -> util::Expected<JobStatus, DecodeError> {
    auto document = parse_object(body);
    if (!document) {
      return util::unexpected(document.error());
    }
    return job_from(*document);
  });
}

util::Expected<std::vector<JobStatus>, DecodeError> decode_bulk_status(std::string_view body) {
  return guarded([&]() -> util::Expected<std::vector<JobStatus>, DecodeError> {
    auto document = parse_object(body);
    if (!document) {
      return util::unexpected(document.error());
    }
    const auto jobs = document->find("jobs");
    if (jobs == document->end() || !jobs->is_array()) {
      return util::unexpected(DecodeError("the bulk-status response has no jobs array"));
    }
    std::vector<JobStatus> out;
    for (const json& entry : *jobs) {
      if (entry.is_object()) {
        out.push_back(job_from(entry));
      }
    }
    return out;
  });
}

util::Expected<WebhookEvent, DecodeError> decode_webhook_event(std::string_view body) {
  return guarded([&]() -> util::Expected<WebhookEvent, DecodeError> {
    auto document = parse_object(body);
    if (!document) {
      return util::unexpected(document.error());
    }
    const json& root = *document;
    WebhookEvent event;
    const std::string name = string_field(root, "event");
    event.platform = string_field(root, "platform");
    event.handle = string_field(root, "handle");
    event.delivered_at = string_field(root, "delivered_at");
    // The event's body reads as a poll's answer would: its creator and error fields share names.
    event.job = job_from(root);
    if (event.job.job_id.empty()) {
      return util::unexpected(DecodeError("the event names no job_id"));
    }
    if (name == "score.completed") {
      if (event.job.creator_json.empty()) {
        return util::unexpected(DecodeError("the score.completed event has no creator object"));
      }
      event.kind = WebhookEventKind::score_completed;
      event.job.state = JobState::done;
      event.job.completed_at = string_field(root, "completed_at");
    } else if (name == "score.failed") {
      event.kind = WebhookEventKind::score_failed;
      event.job.state = JobState::failed;
      event.job.error = string_field(root, "error");
      if (event.job.error.empty()) {
        event.job.error = "failed";
      }
    } else {
      return util::unexpected(
          DecodeError("the event '" + name + "' is neither score.completed nor score.failed"));
    }
    return event;
  });
}

ErrorBody decode_error_body(std::string_view body) {
  try {
    auto document = parse_object(body);
    if (!document) {
      return {};
    }
    return {string_field(*document, "error"), string_field(*document, "message")};
  } catch (const json::exception&) {
    return {};
  }
}

}  // namespace creatorscore
