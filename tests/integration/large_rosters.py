"""Large rosters for the limits suite (limits.py) and bench/writer_bench.py: creators by number,
and a roster of many rows that names a few of them over and over."""
import math

# Platforms as rosters write them; each name maps to one lookup platform (twitter = x).
PLATFORMS = ["TikTok", "instagram", "YouTube", "x", "Twitch", "facebook", "reddit", "kick", "linkedin", "threads",
             "snapchat", "Twitter"]


def creator(i):
    """The i-th distinct creator: a valid handle that never fails (no missing_/ghost_ prefix)."""
    return PLATFORMS[i % len(PLATFORMS)], f"lim{i:07d}_{'abcdefghij'[i % 10]}"


def write_repeating_roster(path, rows, unique):
    """`rows` rows naming `unique` creators, each many times in other spellings (letter case, a
    leading @, twitter for x), as real rosters repeat them; every row valid. Notes carry commas
    and quotes so the reader meets quoted fields on most rows. The rows repeat with a period of
    lcm(unique, 12): written as one block over and over, as Python takes ~10 s on a loaded machine
    to format a million rows one by one."""
    spell = [lambda h: h, str.upper, str.capitalize, lambda h: "@" + h]
    notes = ['"Beauty, skincare"', 'renews in March', '"Prefers ""long-form"" content"', '']
    period = math.lcm(unique, 12)
    block = []
    for r in range(period):
        platform, handle = creator((r * 7919) % unique)  # every creator, in an order not the roster's
        if platform == "x" and r % 3 == 0:
            platform = "Twitter"
        block.append(f"Creator {r + 1},{platform},{spell[r % 4](handle)},{notes[r % 4]}\n")
    with open(path, "w", newline="") as f:
        f.write("Name,Platform,Handle,Notes\n")
        whole, rest = divmod(rows, period)
        text = "".join(block)
        for _ in range(whole):
            f.write(text)
        f.write("".join(block[:rest]))
