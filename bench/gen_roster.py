#!/usr/bin/env python3
"""Writes an N-row creator roster with a realistic mix, for benchmarks and load tests.

    bench/gen_roster.py 1000000 -o /tmp/roster-1m.csv
    bench/gen_roster.py 5000 --layout url > roster-url.csv
    bench/gen_roster.py 1000000 --layout wide -o /tmp/roster-1m-wide.csv

Fixed seed (change with --seed), so the same N gives the same file. About 10% of rows repeat an
earlier creator (often in other letter case, or twitter for x); about 0.5% are invalid (a space in
the handle, an unknown platform, an empty handle); about 20% carry a note with a comma or quotes.
Wide rosters have a TikTok, Instagram, YouTube and X column; a row fills its creator's column
(another one at random for platforms without a column) and, one time in three, a second column
with a handle of its own.
"""

import argparse
import csv
import random
import sys

PLATFORMS = [  # (name as written in rosters, weight)
    ("TikTok", 30), ("Instagram", 28), ("YouTube", 15), ("X", 5), ("Twitter", 4), ("Twitch", 5),
    ("Facebook", 4), ("Reddit", 2), ("Kick", 2), ("LinkedIn", 2), ("Threads", 2), ("Snapchat", 1),
]
LINKS = {
    "tiktok": "https://www.tiktok.com/@{}", "instagram": "https://www.instagram.com/{}/",
    "youtube": "https://www.youtube.com/@{}", "x": "https://x.com/{}", "twitter": "https://twitter.com/{}",
    "twitch": "https://www.twitch.tv/{}", "facebook": "https://www.facebook.com/{}",
    "reddit": "https://www.reddit.com/user/{}", "kick": "https://kick.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}", "threads": "https://www.threads.net/@{}",
    "snapchat": "https://www.snapchat.com/add/{}",
}
FIRST = ["Ava", "Ben", "Chloe", "Dev", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jack", "Kara", "Liam",
         "Maya", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Zoe"]
LAST = ["Martinez", "Okafor", "Nguyen", "Patel", "Schulz", "Wong", "Kim", "Laurent", "Brown", "Murphy",
        "Johnson", "Rossi", "Singh", "Fischer", "Chen", "Diaz", "Adams", "Silva", "Berg", "Walsh"]
AGENTS = ["Sam Cole", "Priya Shah", "Jordan Lee", "Alex Moreau", ""]
NOTES = ["", "", "", "", "renews in March", "Beauty, skincare", 'Prefers "long-form" content', "Tech, gaming",
         "paused", "Travel; food", "VIP"]
WIDE_COLUMNS = ["TikTok", "Instagram", "YouTube", "X"]
SUFFIXES = ["", "", "official", "tv", "makes", "_", ".", "live", "hq"]


def handle_for(rng, first, last):
    style = rng.randrange(4)
    base = {0: first + last, 1: first + "." + last, 2: first + "_" + last, 3: first[0] + last}[style]
    return (base + rng.choice(SUFFIXES) + str(rng.randrange(100000))).lower()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("-o", "--output", default="-")
    parser.add_argument("--layout", choices=["long", "url", "wide"], default="long")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    names, weights = zip(*PLATFORMS)
    out = sys.stdout if args.output == "-" else open(args.output, "w", newline="", encoding="utf-8")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow({"long": ["Name", "Agent", "Platform", "Handle", "Notes"],
                     "url": ["Name", "Agent", "Profile URL", "Notes"],
                     "wide": ["Name", "Agent"] + WIDE_COLUMNS + ["Notes"]}[args.layout])
    seen = []
    for _ in range(args.rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        roll = rng.random()
        if seen and roll < 0.10:  # a creator named before, as rosters repeat them
            platform, handle = seen[rng.randrange(len(seen))]
            if rng.random() < 0.5:
                handle = handle.upper() if rng.random() < 0.5 else handle.capitalize()
            if platform in ("X", "Twitter"):
                platform = rng.choice(["X", "Twitter", "twitter", "x"])
            elif rng.random() < 0.3:
                platform = platform.lower()
        else:
            platform = rng.choices(names, weights)[0]
            handle = handle_for(rng, first, last)
            seen.append((platform, handle))
            if roll < 0.105:  # invalid rows
                kind = rng.randrange(3)
                if kind == 0:
                    handle = first.lower() + " " + last.lower()
                elif kind == 1:
                    platform = "MySpace"
                else:
                    handle = ""
        if args.layout == "long":
            cell = ("@" + handle) if handle and rng.random() < 0.2 else handle
            writer.writerow([first + " " + last, rng.choice(AGENTS), platform, cell, rng.choice(NOTES)])
        elif args.layout == "wide":
            cells = [""] * len(WIDE_COLUMNS)
            column = {"tiktok": 0, "instagram": 1, "youtube": 2, "x": 3, "twitter": 3}.get(platform.lower())
            if column is None:
                column = rng.randrange(len(WIDE_COLUMNS))
            cells[column] = ("@" + handle) if handle and rng.random() < 0.2 else handle
            if rng.random() < 1 / 3:
                other = (column + 1 + rng.randrange(len(WIDE_COLUMNS) - 1)) % len(WIDE_COLUMNS)
                cells[other] = handle_for(rng, first, last)
            writer.writerow([first + " " + last, rng.choice(AGENTS)] + cells + [rng.choice(NOTES)])
        else:
            link = LINKS.get(platform.lower(), "https://myspace.com/{}").format(handle)
            writer.writerow([first + " " + last, rng.choice(AGENTS), link, rng.choice(NOTES)])
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
