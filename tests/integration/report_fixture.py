"""Makes the inputs of the report suites (report.sh, report_browser.sh): a roster whose names
include hostile HTML, and, from `run`'s output of it, a "previous" output whose scores, tiers and
knockouts differ (the simulator gives a creator the same score every time), so --compare has
changes, additions and removals to show.

  report_fixture.py roster OUT.csv
  report_fixture.py edit CURRENT.csv OUT_CURRENT.csv OUT_PREVIOUS.csv
"""
import csv
import sys

HOSTILE = "<img src=x onerror=alert(1)>"


def roster(path):
    platforms = ["tiktok", "instagram", "youtube", "x", "twitch"]
    with open(path, "w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["Name", "Platform", "Handle", "Notes"])
        w.writerow([HOSTILE, "tiktok", "hostile_one", "a name that is HTML"])
        w.writerow(['Quote "Q" & <b>Amp</b>', "instagram", "amp_quote", "quotes and ampersand"])
        for i in range(40):
            w.writerow([f"Creator {i:02d} Émilie", platforms[i % 5], f"report_creator_{i:02d}", ""])
        w.writerow(["Bad Row", "myspace", "nobody", "unknown platform: invalid"])


def edit(current_in, current_out, previous_out):
    with open(current_in, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    # The API's display name is hostile too (the roster's Name column already is).
    body[0][col["display_name"]] = HOSTILE
    with open(current_out, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + body)
    previous = [list(r) for r in body]
    score = col["score"]
    moved = [r for r in previous if r[score]][:3]
    moved[0][score] = str(int(moved[0][score]) - 7)      # went up by 7 since
    moved[1][score] = str(int(moved[1][score]) + 5)      # went down by 5 since
    moved[1][col["tier"]] = "Excellent" if moved[1][col["tier"]] != "Excellent" else "Poor"
    moved[2][col["knockouts"]] = "spam_history"          # cleared since
    del previous[5]                                      # added since
    gone = list(previous[6])
    gone[col["Handle"]] = "report_gone_creator"          # removed since
    gone[col["Name"]] = "Gone Creator"
    previous.append(gone)
    with open(previous_out, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + previous)


if __name__ == "__main__":
    if sys.argv[1] == "roster":
        roster(sys.argv[2])
    else:
        edit(*sys.argv[2:5])
