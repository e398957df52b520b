#pragma once

// The CreatorScore API v1 client: builds each endpoint's request, sends it through the shared
// http::Client (one rate limiter, one retry policy for every request), and decodes the answer.

#include <string>
#include <vector>

#include "creatorscore/types.hpp"
#include "util/expected.hpp"

namespace http {
class Client;
}

namespace creatorscore {

class Client {
 public:
  // `base_url` without the `/api/v1` suffix, e.g. https://creatorscore.io. `api_key` is sent as
  // X-API-Key and nowhere else. `http` must outlive this client.
  Client(http::Client& http, std::string base_url, std::string api_key);

  // GET /api/v1/account
  util::Expected<Account, ApiError> account();

  // GET /api/v1/creators/{platform}/{handle}[?include=...]. Path segments are percent-encoded, a
  // handle of dots alone too (%2E), so no handle reaches another path; an empty one sends nothing.
  util::Expected<ItemResult, ApiError> lookup(const LookupRequest& creator,
                                              const std::vector<std::string>& include = {});

  // POST /api/v1/creators/bulk with at most 100 creators.
  util::Expected<BulkSubmitResult, ApiError> submit_bulk(const std::vector<LookupRequest>& creators);

  // GET /api/v1/jobs/{job_id}, the id encoded as a handle is.
  util::Expected<JobStatus, ApiError> job(const std::string& job_id);

  // POST /api/v1/jobs/bulk-status with at most 100 ids.
  util::Expected<std::vector<JobStatus>, ApiError> bulk_status(const std::vector<std::string>& job_ids);

 private:
  http::Client& m_http;
  std::string m_base_url;
  std::string m_api_key;
};

}  // namespace creatorscore
