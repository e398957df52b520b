#include "report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "report/report_model.hpp"
#include "util/text.hpp"

namespace report {

namespace {

constexpr std::string_view k_style = R"(
:root{--ink:#1d2330;--muted:#5b6474;--line:#d9dde5;--bg:#f6f7f9;--accent:#2f6fdb;--good:#1f8a4c;--bad:#c0392b;
--warn:#c27c0e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:0 0 12px}
.meta{color:var(--muted);margin:0 0 20px;overflow-wrap:anywhere}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px;margin:0 0 16px;
break-inside:avoid}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:13px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px;margin:0 0 16px}
.grid2>section{margin:0}
svg{width:100%;max-width:640px;height:auto;display:block}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
.bar{fill:var(--accent)}.axis{stroke:var(--muted);stroke-width:1}.range{stroke:var(--muted);stroke-width:3}
.q-safe_engaging{fill:var(--good)}.q-safe_quiet{fill:var(--accent)}.q-risky_engaging{fill:var(--warn)}
.q-risky_quiet{fill:var(--bad)}.quad{fill:none;stroke:var(--line);stroke-dasharray:4 3}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top;
overflow-wrap:anywhere}
th{background:#eef1f5;position:sticky;top:0;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.wrap{overflow-x:auto}
.up{color:var(--good);font-weight:600}.down{color:var(--bad);font-weight:600}
.added{background:#eaf7ef}.removed{background:#fbecea}.chg{background:#fff7e0}
.tag{display:inline-block;padding:0 6px;border-radius:10px;background:#eef1f5;font-size:12px;
margin:1px 2px 1px 0}
.tag.ko{background:#fbecea;color:var(--bad)}
th button{all:unset;cursor:pointer}th button:focus-visible{outline:2px solid var(--accent)}
th[aria-sort=ascending] button::after{content:" \25B2"}
th[aria-sort=descending] button::after{content:" \25BC"}
#filter{width:100%;max-width:360px;padding:6px 8px;margin:0 0 10px;border:1px solid var(--line);
border-radius:6px;font:inherit}
.muted{color:var(--muted)}
@media (max-width:600px){main{padding:12px 8px}h1{font-size:21px}.card b{font-size:18px}}
@media print{@page{size:A4;margin:12mm}body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
section{border:none;padding:0 0 8px;margin:0 0 10px}th{position:static}#filter{display:none}
table{font-size:8.5pt}tr{break-inside:avoid}.wrap{overflow:visible}}
)";

// Sorts the full table by a column (numbers by their data-v) and filters it by a text; built by
// the script so the page without JavaScript shows no control that does nothing.
constexpr std::string_view k_script = R"(
(function(){
var table=document.getElementById('creators');if(!table)return;
var body=table.tBodies[0];var heads=table.tHead.rows[0].cells;
var input=document.createElement('input');input.id='filter';input.type='search';
input.placeholder='Filter creators\u2026';input.setAttribute('aria-label','Filter creators');
table.parentNode.parentNode.insertBefore(input,table.parentNode);
input.addEventListener('input',function(){var q=input.value.toLowerCase();
for(var i=0;i<body.rows.length;i++){var r=body.rows[i];
r.hidden=q!==''&&r.textContent.toLowerCase().indexOf(q)<0;}});
function key(cell,numeric){if(numeric){var v=cell.getAttribute('data-v');return v===null||v===''?null:+v;}
return cell.textContent.toLowerCase();}
Array.prototype.forEach.call(heads,function(th,col){
var b=document.createElement('button');b.type='button';b.textContent=th.textContent;th.textContent='';
th.appendChild(b);
b.addEventListener('click',function(){var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');var numeric=th.classList.contains('n');
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=key(a.cells[col],numeric),y=key(b.cells[col],numeric);
if(x===y)return 0;if(x===null)return 1;if(y===null)return -1;return (x<y?-1:1)*(asc?1:-1);});
var f=document.createDocumentFragment();rows.forEach(function(r){f.appendChild(r);});
body.appendChild(f);});});
})();
)";

std::string number_text(double value, int decimals = -1) {
  char buffer[64];
  if (decimals < 0) {
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  }
  return buffer;
}

std::string count_text(std::size_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

std::string percent_text(double fraction) { return number_text(fraction * 100, 2) + "%"; }

// What the page calls a creator: the roster's name, else the API's display name, else the handle.
std::string label_of(const Creator& creator) {
  if (!util::trim(creator.name).empty()) {
    return creator.name;
  }
  if (!creator.display_name.empty()) {
    return creator.display_name;
  }
  return creator.handle.empty() ? "row " + std::to_string(creator.row) : "@" + creator.handle;
}

std::string who(const Creator& creator) {
  std::string text = escape_html(label_of(creator));
  if (!creator.handle.empty()) {
    text += " <span class=muted>" + escape_html(creator.platform) + " @" + escape_html(creator.handle) +
            "</span>";
  }
  return text;
}

void headline(std::string& out, const Enriched& enriched, const Summary& summary) {
  auto card = [&](const std::string& value, std::string_view label) {
    out += "<div class=card><b>" + value + "</b><span>";
    out += label;
    out += "</span></div>";
  };
  auto status = [&](const char* name) {
    const auto found = summary.by_status.find(name);
    return count_text(found == summary.by_status.end() ? 0 : found->second);
  };
  out += "<section id=headline><h2>Headline</h2><div class=cards>";
  card(count_text(summary.creators), "creators");
  card(count_text(summary.rows), "roster rows");
  if (enriched.has_scores) {
    card(status("scored"), "scored");
    card(status("cached"), "cached (free)");
    card(status("failed"), "failed");
    card(status("invalid"), "invalid");
    card(status("pending"), "pending");
    std::size_t other = 0;
    for (const char* name : {"not_found", "error", "skipped"}) {
      const auto found = summary.by_status.find(name);
      other += found == summary.by_status.end() ? 0 : found->second;
    }
    card(count_text(other), "not found, error, skipped");
    card(count_text(static_cast<std::size_t>(summary.credits_spent)), "credits spent (list price)");
    card(count_text(summary.with_knockouts), "with knockouts");
  }
  out += "</div></section>\n";
}

void bar_rows(std::string& out, const std::vector<std::pair<std::string, std::size_t>>& bars,
              std::string_view id, std::string_view label) {
  std::size_t max = 1;
  for (const auto& bar : bars) {
    max = std::max(max, bar.second);
  }
  const int height = 28 * static_cast<int>(std::max<std::size_t>(1, bars.size())) + 8;
  out += "<svg id=\"" + std::string(id) + "\" viewBox=\"0 0 520 " + std::to_string(height) +
         "\" role=img aria-label=\"" + std::string(label) + "\">";
  int y = 4;
  for (const auto& [name, count] : bars) {
    const double width = 300.0 * static_cast<double>(count) / static_cast<double>(max);
    out += "<text x=\"110\" y=\"" + std::to_string(y + 17) + "\" text-anchor=end>" + escape_html(name) +
           "</text>";
    out += "<rect class=bar x=\"118\" y=\"" + std::to_string(y + 3) + "\" width=\"" + number_text(width, 1) +
           "\" height=\"20\" rx=\"3\"><title>" + escape_html(name) + ": " + count_text(count) +
           "</title></rect>";
    out += "<text x=\"" + number_text(124 + width, 1) + "\" y=\"" + std::to_string(y + 17) + "\">" +
           count_text(count) + "</text>";
    y += 28;
  }
  if (bars.empty()) {
    out += "<text x=\"10\" y=\"20\">none</text>";
  }
  out += "</svg>";
}

void tiers_and_histogram(std::string& out, const Summary& summary) {
  out += "<div class=grid2><section id=tiers><h2>Tier distribution</h2>";
  bar_rows(out, summary.tiers, "tier-chart", "Creators per tier");
  out += "</section><section id=histogram><h2>Score histogram</h2>";
  std::size_t max = 1;
  for (std::size_t count : summary.histogram) {
    max = std::max(max, count);
  }
  out += "<svg id=histogram-chart viewBox=\"0 0 520 240\" role=img aria-label=\"Creators per score band\">";
  out += "<line class=axis x1=\"30\" y1=\"200\" x2=\"510\" y2=\"200\"/>";
  for (std::size_t i = 0; i < summary.histogram.size(); ++i) {
    const double height = 170.0 * static_cast<double>(summary.histogram[i]) / static_cast<double>(max);
    const double x = 34 + 47.6 * static_cast<double>(i);
    const std::string band = std::to_string(i * 10 + 1) + "\u2013" + std::to_string(i * 10 + 10);
    out += "<rect class=bar x=\"" + number_text(x, 1) + "\" y=\"" + number_text(200 - height, 1) +
           "\" width=\"40\" height=\"" + number_text(height, 1) + "\" rx=\"2\"><title>" + band + ": " +
           count_text(summary.histogram[i]) + "</title></rect>";
    out += "<text x=\"" + number_text(x + 20, 1) + "\" y=\"" + number_text(194 - height, 1) +
           "\" text-anchor=middle>" + count_text(summary.histogram[i]) + "</text>";
    out += "<text x=\"" + number_text(x + 20, 1) + "\" y=\"218\" text-anchor=middle>" + band + "</text>";
  }
  out += "<text x=\"270\" y=\"236\" text-anchor=middle>score</text></svg></section></div>\n";
}

void knockouts(std::string& out, const Enriched& enriched, const Summary& summary) {
  out += "<section id=knockouts><h2>Knockouts</h2>";
  if (summary.knockouts.empty()) {
    out += "<p>No creator has a knockout.</p></section>\n";
    return;
  }
  out +=
      "<div class=wrap><table><thead><tr><th>knockout</th><th "
      "class=n>creators</th><th>who</th></tr></thead><tbody>";
  for (const auto& [knockout, indexes] : summary.knockouts) {
    out += "<tr><td><span class=\"tag ko\">" + escape_html(knockout) + "</span></td><td class=n>" +
           count_text(indexes.size()) + "</td><td>";
    constexpr std::size_t k_named = 25;
    for (std::size_t i = 0; i < indexes.size() && i < k_named; ++i) {
      out += (i == 0 ? "" : "; ") + who(enriched.creators[indexes[i]]);
    }
    if (indexes.size() > k_named) {
      out += "; and " + count_text(indexes.size() - k_named) + " more (see the table)";
    }
    out += "</td></tr>";
  }
  out += "</tbody></table></div></section>\n";
}

void platforms(std::string& out, const Summary& summary) {
  out += "<section id=platforms><h2>Scores by platform</h2>";
  const int height = 30 * static_cast<int>(std::max<std::size_t>(1, summary.platforms.size())) + 30;
  out += "<svg id=platform-chart viewBox=\"0 0 520 " + std::to_string(height) +
         "\" role=img aria-label=\"Score range and mean per platform\">";
  auto x_of = [](double score) { return 110 + 3.8 * std::clamp(score, 0.0, 100.0); };
  int y = 4;
  for (const PlatformScores& platform : summary.platforms) {
    out += "<text x=\"104\" y=\"" + std::to_string(y + 17) + "\" text-anchor=end>" +
           escape_html(platform.platform) + "</text>";
    out += "<line class=range x1=\"" + number_text(x_of(platform.min), 1) + "\" y1=\"" +
           std::to_string(y + 13) + "\" x2=\"" + number_text(x_of(platform.max), 1) + "\" y2=\"" +
           std::to_string(y + 13) + "\"/>";
    out += "<circle class=bar cx=\"" + number_text(x_of(platform.mean), 1) + "\" cy=\"" +
           std::to_string(y + 13) + "\" r=\"7\"><title>" + escape_html(platform.platform) + ": mean " +
           number_text(platform.mean, 1) + ", " + number_text(platform.min) + "\u2013" +
           number_text(platform.max) + ", " + count_text(platform.count) + " scored</title></circle>";
    y += 30;
  }
  out += "<line class=axis x1=\"110\" y1=\"" + std::to_string(y + 2) + "\" x2=\"490\" y2=\"" +
         std::to_string(y + 2) + "\"/>";
  for (int tick = 0; tick <= 100; tick += 25) {
    out += "<text x=\"" + number_text(x_of(tick), 1) + "\" y=\"" + std::to_string(y + 18) +
           "\" text-anchor=middle>" + std::to_string(tick) + "</text>";
  }
  out +=
      "</svg><div class=wrap><table><thead><tr><th>platform</th><th class=n>scored</th><th class=n>mean</th>"
      "<th class=n>min</th><th class=n>max</th></tr></thead><tbody>";
  for (const PlatformScores& platform : summary.platforms) {
    out += "<tr><td>" + escape_html(platform.platform) + "</td><td class=n>" + count_text(platform.count) +
           "</td><td class=n>" + number_text(platform.mean, 1) + "</td><td class=n>" +
           number_text(platform.min) + "</td><td class=n>" + number_text(platform.max) + "</td></tr>";
  }
  out += "</tbody></table></div></section>\n";
}

void ranking(std::string& out, const Enriched& enriched, const std::vector<std::size_t>& indexes,
             std::string_view id, std::string_view title) {
  out += "<section id=\"" + std::string(id) + "\"><h2>" + std::string(title) +
         "</h2><div class=wrap><table>"
         "<thead><tr><th class=n>#</th><th>creator</th><th class=n>score</th><th>tier</th><th>knockouts</th>"
         "</tr></thead><tbody>";
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const Creator& creator = enriched.creators[indexes[i]];
    out += "<tr><td class=n>" + std::to_string(i + 1) + "</td><td>" + who(creator) + "</td><td class=n>" +
           number_text(*creator.score) + "</td><td>" + escape_html(creator.tier) + "</td><td>";
    for (const std::string& knockout : creator.knockouts) {
      out += "<span class=\"tag ko\">" + escape_html(knockout) + "</span>";
    }
    out += "</td></tr>";
  }
  out += "</tbody></table></div></section>";
}

void scatter(std::string& out, const Enriched& enriched, const Summary& summary) {
  if (!summary.median_engagement) {
    return;
  }
  double max_rate = 0;
  for (const Creator& creator : enriched.creators) {
    if (creator.engagement_rate && creator.score) {
      max_rate = std::max(max_rate, *creator.engagement_rate);
    }
  }
  max_rate = max_rate <= 0 ? 1 : max_rate * 1.05;
  auto x_of = [&](double rate) { return 60 + 500 * std::clamp(rate / max_rate, 0.0, 1.0); };
  auto y_of = [](double score) { return 340 - 3.2 * std::clamp(score, 0.0, 100.0); };
  out += "<section id=quadrants><h2>Engagement rate against score</h2><p class=muted>Safe: score " +
         number_text(k_safe_score) +
         " or more and no knockout. Engaging: engagement rate at or above the "
         "roster's median (" +
         percent_text(*summary.median_engagement) + ").</p>";
  out +=
      "<svg id=scatter-chart viewBox=\"0 0 580 380\" role=img aria-label=\"Engagement rate against score\">";
  out +=
      "<line class=axis x1=\"60\" y1=\"340\" x2=\"565\" y2=\"340\"/><line class=axis x1=\"60\" y1=\"20\" "
      "x2=\"60\" y2=\"340\"/>";
  const double mx = x_of(*summary.median_engagement);
  const double sy = y_of(k_safe_score);
  out += "<line class=quad x1=\"" + number_text(mx, 1) + "\" y1=\"20\" x2=\"" + number_text(mx, 1) +
         "\" y2=\"340\"/><line class=quad x1=\"60\" y1=\"" + number_text(sy, 1) + "\" x2=\"565\" y2=\"" +
         number_text(sy, 1) + "\"/>";
  out +=
      "<text x=\"560\" y=\"34\" text-anchor=end>safe and engaging</text><text x=\"66\" y=\"34\">safe and "
      "quiet"
      "</text><text x=\"560\" y=\"332\" text-anchor=end>risky and engaging</text><text x=\"66\" "
      "y=\"332\">risky "
      "and quiet</text>";
  for (const Creator& creator : enriched.creators) {
    const std::size_t i = static_cast<std::size_t>(&creator - enriched.creators.data());
    if (summary.quadrants[i] == Quadrant::none) {
      continue;
    }
    const std::string quadrant = quadrant_name(summary.quadrants[i]);
    std::string css = quadrant;
    std::replace(css.begin(), css.end(), ' ', '_');
    css.replace(css.find("_and_"), 5, "_");
    out += "<circle class=\"q-" + css + "\" cx=\"" + number_text(x_of(*creator.engagement_rate), 1) +
           "\" cy=\"" + number_text(y_of(*creator.score), 1) + "\" r=\"4\" fill-opacity=\"0.8\"><title>" +
           escape_html(label_of(creator)) + ": score " + number_text(*creator.score) + ", engagement " +
           percent_text(*creator.engagement_rate) + " (" + quadrant + ")</title></circle>";
  }
  for (int tick = 0; tick <= 100; tick += 25) {
    out += "<text x=\"54\" y=\"" + number_text(y_of(tick) + 4, 1) + "\" text-anchor=end>" +
           std::to_string(tick) + "</text>";
  }
  out += "<text x=\"60\" y=\"358\">0%</text><text x=\"560\" y=\"358\" text-anchor=end>" +
         percent_text(max_rate) +
         "</text><text x=\"310\" y=\"374\" text-anchor=middle>engagement rate</text></svg></section>\n";
}

std::string score_text(const Creator* creator) {
  return creator != nullptr && creator->score ? number_text(*creator->score) : "\u2013";
}

void changes(std::string& out, const std::vector<Change>& list, const std::string& previous) {
  std::size_t added = 0, removed = 0, moved = 0, appeared = 0, cleared = 0;
  for (const Change& change : list) {
    added += change.before == nullptr ? 1 : 0;
    removed += change.after == nullptr ? 1 : 0;
    moved += change.score_changed() || change.tier_changed() ? 1 : 0;
    appeared += change.knockouts_appeared.size();
    cleared += change.knockouts_cleared.size();
  }
  out += "<section id=changes><h2>Changes since " + escape_html(previous) + "</h2><p>" + count_text(moved) +
         " score or tier changes, " + count_text(added) + " added, " + count_text(removed) + " removed, " +
         count_text(appeared) + " knockouts appeared, " + count_text(cleared) + " cleared.</p>";
  if (list.empty()) {
    out += "<p>Nothing changed.</p></section>\n";
    return;
  }
  out +=
      "<div class=wrap><table id=changes-table><thead><tr><th>creator</th><th>change</th><th "
      "class=n>before</th>"
      "<th class=n>after</th><th>tier</th><th>knockouts</th></tr></thead><tbody>";
  for (const Change& change : list) {
    const Creator& creator = change.after != nullptr ? *change.after : *change.before;
    std::string what = change.before == nullptr ? "added" : change.after == nullptr ? "removed" : "changed";
    out += "<tr class=\"" + std::string(what == "changed" ? "chg" : what) + "\"><td>" + who(creator) +
           "</td><td>" + what + "</td><td class=n>" + score_text(change.before) + "</td><td class=n>";
    std::string after = score_text(change.after);
    if (change.score_changed() && change.before->score && change.after->score) {
      const double delta = *change.after->score - *change.before->score;
      after += delta > 0 ? " <span class=up>+" + number_text(delta) + "</span>"
                         : " <span class=down>" + number_text(delta) + "</span>";
    }
    out += after + "</td><td>";
    if (change.tier_changed()) {
      out += escape_html(change.before->tier) + " \u2192 " + escape_html(change.after->tier);
    } else {
      out += escape_html(creator.tier);
    }
    out += "</td><td>";
    for (const std::string& knockout : change.knockouts_appeared) {
      out += "<span class=\"tag ko\">+ " + escape_html(knockout) + "</span>";
    }
    for (const std::string& knockout : change.knockouts_cleared) {
      out += "<span class=tag>cleared: " + escape_html(knockout) + "</span>";
    }
    out += "</td></tr>";
  }
  out += "</tbody></table></div></section>\n";
}

void creator_table(std::string& out, const Enriched& enriched, const Summary& summary,
                   const std::vector<Change>* list) {
  std::unordered_map<const Creator*, const Change*> change_of;
  if (list != nullptr) {
    for (const Change& change : *list) {
      if (change.after != nullptr) {
        change_of[change.after] = &change;
      }
    }
  }
  const bool quadrants = summary.median_engagement.has_value();
  out += "<section id=all><h2>Every creator (" + count_text(enriched.creators.size()) +
         ")</h2><div class=wrap><table id=creators><thead><tr><th>" +
         escape_html(enriched.name_column.empty() ? "creator" : enriched.name_column) +
         "</th><th>platform</th><th>handle</th>";
  if (enriched.has_scores) {
    out +=
        "<th>display name</th><th>status</th><th class=n>score</th><th>tier</th><th>knockouts</th>"
        "<th class=n>followers</th>";
  }
  if (enriched.has_audit) {
    out += "<th>audit status</th>";
  }
  if (enriched.has_engagement) {
    out += "<th class=n>engagement rate</th>";
  }
  if (quadrants) {
    out += "<th>quadrant</th>";
  }
  if (list != nullptr) {
    out += "<th>since last run</th>";
  }
  if (enriched.has_scores) {
    out += "<th>error</th>";
  }
  out += "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < enriched.creators.size(); ++i) {
    const Creator& creator = enriched.creators[i];
    out += "<tr><td>" + escape_html(label_of(creator)) + "</td><td>" + escape_html(creator.platform) +
           "</td><td>" + escape_html(creator.handle) + "</td>";
    if (enriched.has_scores) {
      out += "<td>" + escape_html(creator.display_name) + "</td><td>" + escape_html(creator.status) +
             "</td><td class=n data-v=\"" + (creator.score ? number_text(*creator.score) : "") + "\">" +
             (creator.score ? number_text(*creator.score) : "") + "</td><td>" + escape_html(creator.tier) +
             "</td><td>";
      for (const std::string& knockout : creator.knockouts) {
        out += "<span class=\"tag ko\">" + escape_html(knockout) + "</span>";
      }
      out +=
          "</td><td class=n data-v=\"" + (creator.followers ? number_text(*creator.followers) : "") + "\">" +
          (creator.followers ? count_text(static_cast<std::size_t>(std::max(0.0, *creator.followers))) : "") +
          "</td>";
    }
    if (enriched.has_audit) {
      out += "<td>" + escape_html(creator.audit_status) + "</td>";
    }
    if (enriched.has_engagement) {
      out += "<td class=n data-v=\"" +
             (creator.engagement_rate ? number_text(*creator.engagement_rate) : "") + "\">" +
             (creator.engagement_rate ? percent_text(*creator.engagement_rate) : "") + "</td>";
    }
    if (quadrants) {
      out += "<td>" + quadrant_name(summary.quadrants[i]) + "</td>";
    }
    if (list != nullptr) {
      out += "<td>";
      if (const auto found = change_of.find(&creator); found != change_of.end()) {
        const Change& change = *found->second;
        if (change.before == nullptr) {
          out += "<span class=up>new</span>";
        } else if (change.score_changed() && change.before->score && change.after->score) {
          const double delta = *change.after->score - *change.before->score;
          out += delta > 0 ? "<span class=up>+" + number_text(delta) + "</span>"
                           : "<span class=down>" + number_text(delta) + "</span>";
        } else {
          out += "changed";
        }
      }
      out += "</td>";
    }
    if (enriched.has_scores) {
      out += "<td>" + escape_html(creator.error) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div></section>\n";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_html(const Enriched& current, const Enriched* previous, const HtmlOptions& options) {
  const Summary summary = summarize(current);
  std::vector<Change> change_list;
  if (previous != nullptr) {
    change_list = compare(*previous, current);
  }
  const std::string title = options.title.empty() ? "Roster report" : options.title;
  std::string out;
  out.reserve(4096 + current.creators.size() * 400);
  out +=
      "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'nonce-" +
      options.script_nonce +
      "'; base-uri 'none'; form-action 'none'\">\n"
      "<meta name=viewport content=\"width=device-width,initial-scale=1\">\n"
      "<meta name=referrer content=no-referrer>\n<title>" +
      escape_html(title) + "</title>\n<style>";
  out += k_style;
  out += "</style></head><body><main>\n<h1>" + escape_html(title) + "</h1><p class=meta>" +
         escape_html(options.source);
  if (!options.previous.empty()) {
    out += " compared with " + escape_html(options.previous);
  }
  if (!options.generated_at.empty()) {
    out += " \u00b7 generated " + escape_html(options.generated_at);
  }
  out += " \u00b7 roster-enrich</p>\n";
  headline(out, current, summary);
  if (previous != nullptr) {
    changes(out, change_list, options.previous);
  }
  if (current.has_scores) {
    tiers_and_histogram(out, summary);
    knockouts(out, current, summary);
    platforms(out, summary);
    out += "<div class=grid2>";
    ranking(out, current, summary.best, "best", "Ten best");
    ranking(out, current, summary.worst, "worst", "Ten worst");
    out += "</div>\n";
  }
  scatter(out, current, summary);
  creator_table(out, current, summary, previous != nullptr ? &change_list : nullptr);
  out += "</main><script nonce=\"" + options.script_nonce + "\">";
  out += k_script;
  out += "</script></body></html>\n";
  return out;
}

}  // namespace report
