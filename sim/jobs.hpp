#pragma once

// A fresh-score job of the simulated API and how it looks at any API instant. A job's whole life is
// fixed when it is created (duration, outcome, the noise on its eta), so its state is a pure function
// of the time asked about.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/payloads.hpp"
#include "sim/rng.hpp"
#include "util/clock.hpp"

namespace sim {

enum class JobStatus { queued, processing, done, failed };

std::string_view job_status_name(JobStatus status);

struct Job {
  std::string id;
  std::size_t tenant = 0;  // index into the simulator's tenant list
  CreatorId creator;
  Credits charged = 0;
  Includes includes;  // asked for at submission; a done job's creator carries them
  util::TimePoint created_at;
  std::uint64_t request_serial = 0;  // the request that created it (dedup_within_batch_only)
  util::Duration duration{0};  // nominal: what progress and eta_seconds speak of
  bool fails = false;
  std::string error;        // why it fails, when it does (`profile_unavailable`, ...)
  util::TimePoint ends_at;  // done (created_at + duration) or failed (earlier)
  double eta_noise = 1.0;   // eta_seconds = true remaining time x this factor
  bool settled = false;     // its end was applied: creator cached, or charge refunded
  std::optional<util::TimePoint> first_reported_end;  // first response that showed done/failed

  // queued for the first 5% of the duration, then processing, then done or failed from ends_at on.
  JobStatus status_at(util::TimePoint now) const;
  bool ended_at(util::TimePoint now) const { return now >= ends_at; }

  // 0 while queued, rising to at most 99 while processing, 100 when done, frozen when failed.
  int progress_at(util::TimePoint now) const;

  // The API's estimate, deliberately wrong by eta_noise (vendors' etas are): whole seconds, >= 0.
  std::int64_t eta_seconds_at(util::TimePoint now) const;
};

// A random version-4 UUID in its canonical text form, drawn from `rng`.
std::string make_job_id(Rng& rng);

// A per-job eta noise factor in [0.75, 1.35], never within 3% of exact.
double draw_eta_noise(Rng& rng);

// The job as GET /api/v1/jobs/{id} and bulk-status show it at `now`. `creator` is the payload to
// embed when the job is done (ignored otherwise).
Json job_json(const Job& job, util::TimePoint now, const Json& creator);

// {job_id, status: "not_found", message}: unknown, expired or another tenant's job.
Json job_not_found_json(std::string_view job_id);

}  // namespace sim
