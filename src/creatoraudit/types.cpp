#include "creatoraudit/types.hpp"

#include <algorithm>

#include "util/http_status.hpp"
#include "util/text.hpp"

namespace creatoraudit {

std::string_view period_name(Period period) {
  switch (period) {
    case Period::days_7:
      return "7d";
    case Period::days_30:
      return "30d";
    case Period::days_90:
      return "90d";
  }
  return "30d";
}

std::optional<Period> parse_period(std::string_view name) {
  for (Period period : {Period::days_7, Period::days_30, Period::days_90}) {
    if (name == period_name(period)) {
      return period;
    }
  }
  return std::nullopt;
}

std::string describe(const Problem& problem) {
  std::string out = "HTTP " + std::to_string(problem.status);
  if (const std::string_view reason = util::http_reason_phrase(problem.status); !reason.empty()) {
    out += ' ';
    out += reason;
  }
  if (!problem.code.empty()) {
    out += ", " + util::one_line(problem.code, 64);
  }
  const std::string& text = problem.detail.empty() ? problem.title : problem.detail;
  if (!text.empty()) {
    out += ": " + util::one_line(text);
  }
  if (!problem.errors.empty()) {
    // The first few entries name what to fix; a hostile list of thousands must not flood the line.
    constexpr std::size_t k_shown = 5;
    out += " [";
    for (std::size_t i = 0; i < problem.errors.size() && i < k_shown; ++i) {
      const FieldError& error = problem.errors[i];
      out += (i > 0 ? "; " : "") + util::one_line(error.field, 64) + (error.field.empty() ? "" : ": ") +
             util::one_line(error.message, 200);
    }
    if (problem.errors.size() > k_shown) {
      out += "; and " + std::to_string(problem.errors.size() - k_shown) + " more";
    }
    out += "]";
  }
  if (!problem.is_document) {
    out += " (the body was no problem document)";
  }
  out += problem.request_id.empty() ? " (no X-Request-ID)"
                                    : " (X-Request-ID " + util::one_line(problem.request_id, 128) + ")";
  return out;
}

bool AccountMetrics::scraped() const {
  return std::any_of(metrics.begin(), metrics.end(),
                     [](const Metric& metric) { return metric.value.kind != MetricValue::Kind::empty; });
}

}  // namespace creatoraudit
