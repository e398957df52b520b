#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "report/enriched_file.hpp"
#include "report/html_report.hpp"
#include "report/report_model.hpp"

namespace {

// Writes `text` to a fresh file under the temporary folder and returns its path.
std::string report_test_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(P_tmpdir) + "/report_test_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A one-lookup CSV as `run` writes it with both providers: CreatorScore's 17 columns (`score` taken
// by the roster, so `cs_score`) then CreatorAudit's five and its metrics. The roster's own `status,
// score, tier` columns come first: a CreatorScore set ends in `job_id` 16 columns on.
const char* const k_both_providers_csv =
    "Creator Name,platform,handle,status,score,tier,cs_status,cs_score,cs_tier,content_risk,brand_safety,"
    "sentiment,authenticity,"
    "audience_quality,community_trust,roi_prediction,knockouts,display_name,followers,last_scored_at,"
    "public_profile_url,error,cs_job_id,audit_status,audit_error,audit_account_id,audit_last_scrape_time,"
    "audit_period,audit_views,audit_engagement_rate\n"
    "Ann,tiktok,@ann,x,1,t,scored,90,Excellent,,,,,,,,,Ann A,1000,,,,j1,metrics,,a1,,30d,5,0.08\n"
    "Bo,tiktok,bo,x,2,t,cached,80,Excellent,,,,,,,,fake_engagement,'=Bo,2000,,,,,metrics,,a2,,30d,5,0.09\n"
    "Cy,youtube,cy,x,3,t,scored,40,Poor,,,,,,,,,Cy,3000,,,,j3,metrics,,a3,,30d,5,0.01\n"
    "Di,x,di,x,4,t,scored,70,Good,,,,,,,,,Di,4000,,,,j4,metrics,,a4,,30d,5,0.02\n";

}  // namespace

TEST_CASE("report: escape_html leaves no markup") {
  CHECK(report::escape_html("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
  CHECK(report::escape_html("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#39;c&#39;");
}

TEST_CASE("report: a CSV with both providers' columns, a collision and the formula guard") {
  const std::string path = report_test_file("both.csv", k_both_providers_csv);
  auto read = report::read_enriched(path);
  std::remove(path.c_str());
  REQUIRE(read);
  const report::Enriched& enriched = *read;
  CHECK(enriched.name_column == "Creator Name");
  CHECK(enriched.has_scores);
  CHECK(enriched.has_audit);
  CHECK(enriched.has_engagement);
  REQUIRE(enriched.creators.size() == 4);
  CHECK(enriched.creators[0].handle == "ann");
  CHECK(enriched.creators[0].status == "scored");  // cs_status, not the roster's own status column
  CHECK(*enriched.creators[0].score == 90);  // cs_score, not the roster's own score column
  CHECK(enriched.creators[1].display_name == "=Bo");  // the guard's ' is for spreadsheets only
  CHECK(enriched.creators[1].knockouts == std::vector<std::string>{"fake_engagement"});

  const report::Summary summary = report::summarize(enriched);
  REQUIRE(summary.median_engagement);
  CHECK(*summary.median_engagement == doctest::Approx(0.05));
  // Ann: 90, no knockout, 8% -> safe and engaging; Bo: a knockout -> risky though 80 and 9%;
  // Cy: 40, 1% -> risky and quiet; Di: 70, 2% -> safe and quiet.
  CHECK(summary.quadrants == std::vector<report::Quadrant>{report::Quadrant::safe_engaging,
                                                           report::Quadrant::risky_engaging,
                                                           report::Quadrant::risky_quiet,
                                                           report::Quadrant::safe_quiet});
  CHECK(summary.best.front() == 0);
  CHECK(summary.worst.front() == 2);
  CHECK(summary.credits_spent > 0);

  report::HtmlOptions options;
  options.script_nonce = "abc";
  const std::string page = report::render_html(enriched, nullptr, options);
  CHECK(page.find("id=scatter-chart") != std::string::npos);
  CHECK(page.find("<td>safe and engaging</td>") != std::string::npos);
  CHECK(page.find("<th>Creator Name</th>") != std::string::npos);
}

TEST_CASE("report: compare finds moved scores, knockouts, additions and removals") {
  report::Enriched before;
  report::Enriched after;
  auto creator = [](const char* handle, double score, std::vector<std::string> knockouts) {
    report::Creator c;
    c.platform = "tiktok";
    c.handle = handle;
    c.score = score;
    c.knockouts = std::move(knockouts);
    return c;
  };
  before.creators = {creator("same", 50, {}), creator("moved", 60, {}), creator("gone", 70, {}),
                     creator("ko", 80, {"spam"})};
  after.creators = {creator("Same", 50, {}), creator("moved", 65, {}), creator("new", 40, {}),
                    creator("ko", 80, {"fraud"})};
  const std::vector<report::Change> changes = report::compare(before, after);
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].key == "tiktok:moved");
  CHECK(changes[0].score_changed());
  CHECK(changes[1].before == nullptr);  // new
  CHECK(changes[2].knockouts_appeared == std::vector<std::string>{"fraud"});
  CHECK(changes[2].knockouts_cleared == std::vector<std::string>{"spam"});
  CHECK(changes[3].after == nullptr);  // gone
}
