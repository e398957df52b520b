#include "sim/jobs.hpp"

#include <algorithm>
#include <cmath>

#include "sim/api_time.hpp"

namespace sim {

std::string_view job_status_name(JobStatus status) {
  switch (status) {
    case JobStatus::queued: return "queued";
    case JobStatus::processing: return "processing";
    case JobStatus::done: return "done";
    case JobStatus::failed: return "failed";
  }
  return "unknown";
}

JobStatus Job::status_at(util::TimePoint now) const {
  if (ended_at(now)) {
    return fails ? JobStatus::failed : JobStatus::done;
  }
  // The vendor's example shows jobs "Waiting in queue" before a worker takes them.
  if ((now - created_at) * 20 < duration) {
    return JobStatus::queued;
  }
  return JobStatus::processing;
}

int Job::progress_at(util::TimePoint now) const {
  const JobStatus status = status_at(now);
  if (status == JobStatus::done) {
    return 100;
  }
  if (status == JobStatus::queued || duration.count() <= 0) {
    return 0;
  }
  const util::TimePoint at = std::min(now, ends_at);
  const auto percent = (at - created_at).count() * 100 / duration.count();
  return static_cast<int>(std::clamp<std::int64_t>(percent, 0, 99));
}

std::int64_t Job::eta_seconds_at(util::TimePoint now) const {
  // The server cannot know a job will fail, so the estimate aims at the nominal end.
  const util::Duration remaining = std::max(util::Duration(0), created_at + duration - now);
  const double seconds = static_cast<double>(remaining.count()) / 1000.0 * eta_noise;
  return std::max<std::int64_t>(0, std::llround(seconds));
}

std::string make_job_id(Rng& rng) {
  static constexpr char k_hex[] = "0123456789abcdef";
  const std::uint64_t high = rng.next();
  const std::uint64_t low = rng.next();
  std::string id;
  for (int i = 0; i < 32; ++i) {
    const std::uint64_t word = i < 16 ? high : low;
    auto nibble = static_cast<unsigned>((word >> (4 * (15 - i % 16))) & 0xf);
    if (i == 12) {
      nibble = 4;  // version 4
    } else if (i == 16) {
      nibble = 8 | (nibble & 3);  // RFC 4122 variant
    }
    if (i == 8 || i == 12 || i == 16 || i == 20) {
      id += '-';
    }
    id += k_hex[nibble];
  }
  return id;
}

double draw_eta_noise(Rng& rng) {
  double noise = 0.75 + rng.unit() * 0.60;
  if (std::abs(noise - 1.0) < 0.03) {
    noise = noise < 1.0 ? 0.97 : 1.03;
  }
  return noise;
}

namespace {

std::string progress_message(const Job& job, JobStatus status, int progress) {
  if (status == JobStatus::queued) {
    return "Waiting in queue";
  }
  const std::string platform(core::platform_name(job.creator.platform));
  if (progress < 35) {
    return "Phase 1: collecting posts (" + platform + ")";
  }
  if (progress < 70) {
    return "Phase 2: enriching posts (" + platform + ")";
  }
  return "Phase 3: running scoring agents";
}

}  // namespace

Json job_json(const Job& job, util::TimePoint now, const Json& creator) {
  const JobStatus status = job.status_at(now);
  const int progress = job.progress_at(now);
  Json out = Json::object();
  out["job_id"] = job.id;
  out["status"] = job_status_name(status);
  out["progress"] = progress;
  switch (status) {
    case JobStatus::queued:
    case JobStatus::processing:
      out["progress_message"] = progress_message(job, status, progress);
      out["eta_seconds"] = job.eta_seconds_at(now);
      out["created_at"] = format_api_time(job.created_at);
      break;
    case JobStatus::done:
      out["completed_at"] = format_api_time(job.ends_at);
      out["creator"] = creator;
      break;
    case JobStatus::failed:
      out["error"] = job.error;
      out["failed_at"] = format_api_time(job.ends_at);
      break;
  }
  return out;
}

Json job_not_found_json(std::string_view job_id) {
  Json out = Json::object();
  out["job_id"] = job_id;
  out["status"] = "not_found";
  out["message"] = "No job with this id for this API key's tenant.";
  return out;
}

}  // namespace sim
