#include "sim/api_time.hpp"

#include <cstdio>

namespace sim {

namespace {

// Howard Hinnant's civil_from_days (http://howardhinnant.github.io/date_algorithms.html): the
// proleptic Gregorian date of a count of days since 1970-01-01, without relying on the C library's
// gmtime and its time_t range.
void civil_from_days(long long days, long long& year, unsigned& month, unsigned& day) {
  days += 719468;
  const long long era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<long long>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
}

long long floor_div(long long a, long long b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

std::string format_api_time(util::TimePoint at) {
  const long long unix_seconds = floor_div(k_base_unix_ms + at.since_epoch.count(), 1000);
  const long long days = floor_div(unix_seconds, 86400);
  const long long second_of_day = unix_seconds - days * 86400;
  long long year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  // Unsigned parts in bounded ranges, so the formatted length is provably bounded (GCC checks it).
  const auto hour = static_cast<unsigned>(second_of_day / 3600) % 24U;
  const auto minute = static_cast<unsigned>(second_of_day / 60 % 60);
  const auto second = static_cast<unsigned>(second_of_day % 60);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02u:%02u:%02uZ", year, month % 13U, day % 32U, hour, minute,
                second);
  return text;
}

}  // namespace sim
