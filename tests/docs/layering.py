#!/usr/bin/env python3
"""docs.layering: every #include in src/ keeps to ARCHITECTURE.md's layering.

The folder table of ARCHITECTURE.md ("may include" column) is the one place the layering is
written; CMakeLists.txt reads the same column to link one library per folder (cmake/Layering.cmake).
This check catches what linking cannot: a header of a folder the table does not allow, a
third-party header outside the files ARCHITECTURE.md's rules allow, and any include of cli/.
Violations known when the check landed are in tests/docs/layering_allowlist.txt; an entry that no
longer occurs fails too, so that it is deleted rather than kept as a licence.
    python3 tests/docs/layering.py [REPO_ROOT]
With --libraries DIR (docs.layering_links), it reads the built libroster_enrich_FOLDER.a in DIR
instead and fails when a folder's objects use a symbol defined only in a folder it may not link:
a static library links even so when another library happens to pull that object in first.
    python3 tests/docs/layering.py --libraries build [REPO_ROOT]
"""
import argparse
import pathlib
import re
import subprocess
import sys

PARSER = argparse.ArgumentParser(description="Checks src/ against ARCHITECTURE.md's layering.")
PARSER.add_argument("--libraries", type=pathlib.Path,
                    help="check the folder libraries built in this directory")
PARSER.add_argument("root", nargs="?", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[2])
OPTIONS = PARSER.parse_args()
LIBRARIES, ROOT = OPTIONS.libraries, OPTIONS.root
TABLE_ROW = re.compile(r"^\| `src/([a-z_]+)/` \|.*\| ([^|]*) \|\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')
ITEM = re.compile(r"^([a-z_]+)(/[A-Za-z0-9_./]+\.hpp)?$")


def read_table():
    """Returns {folder: set of allowed folders or folder/file.hpp headers}, in table order."""
    table, where = {}, {}
    for number, line in enumerate((ROOT / "ARCHITECTURE.md").read_text().splitlines(), 1):
        row = TABLE_ROW.match(line)
        if not row:
            continue
        folder, cell = row.group(1), row.group(2).replace("`", "").strip()
        where[folder] = number
        if cell == "nothing of ours":
            table[folder] = set()
        elif cell == "everything above":
            table[folder] = set(table)
        else:
            table[folder] = {item.strip() for item in cell.split(",")}
    if not table:
        sys.exit("ARCHITECTURE.md: no '| `src/FOLDER/` | job | may include |' rows found")
    for child in sorted((ROOT / "src").iterdir()):
        if child.is_dir() and child.name not in table:
            sys.exit(f"src/{child.name}/ has no row in ARCHITECTURE.md's folder table: "
                     "add one saying what it may include")
    for folder, items in table.items():
        for item in items:
            match = ITEM.match(item)
            if not match or match.group(1) not in table or match.group(1) == folder:
                sys.exit(f"ARCHITECTURE.md:{where[folder]}: '{item}' (src/{folder}/, 'may include') is not "
                         "another folder of the table or folder/file.hpp; write them comma-separated")
    cycle = find_cycle({folder: {item.split("/")[0] for item in items} for folder, items in table.items()})
    if cycle:
        sys.exit(f"ARCHITECTURE.md: the 'may include' column has a cycle: {' -> '.join(cycle)}")
    return table


def find_cycle(graph):
    """Returns one cycle of graph (folder -> folders) as a list of folders, or None: layers have none."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for next_node in sorted(graph[node]):
            if state.get(next_node) == "open":
                return path[path.index(next_node):] + [next_node]
            if next_node not in state:
                found = visit(next_node, path + [next_node])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in graph:
        if node not in state:
            found = visit(node, [node])
            if found:
                return found
    return None


# ARCHITECTURE.md, "Rules": which files may include each third-party header.
THIRD_PARTY = [
    (re.compile(r"^curl/"), "curl.h only in .cpp files of http/ and http/curl_library.hpp",
     lambda path: (path.parts[1] == "http" and path.suffix == ".cpp")
     or str(path) == "src/http/curl_library.hpp"),
    (re.compile(r"^sqlite3\.h$"), "sqlite3.h only in .cpp files of state/",
     lambda path: path.parts[1] == "state" and path.suffix == ".cpp"),
    (re.compile(r"^(httplib\.h|openssl/)"), "httplib.h and OpenSSL's headers only in .cpp files of webhook/",
     lambda path: path.parts[1] == "webhook" and path.suffix == ".cpp"),
    (re.compile(r"^CLI/"), "CLI/CLI.hpp only in .cpp files of cli/",
     lambda path: path.parts[1] == "cli" and path.suffix == ".cpp"),
    (re.compile(r"^nlohmann/"),
     "nlohmann/json only in .cpp files of creatorscore/, creatoraudit/ and report/, and in output/",
     lambda path: (path.parts[1] in ("creatorscore", "creatoraudit", "report") and path.suffix == ".cpp")
     or path.parts[1] == "output"),
]


def violations(table):
    """Yields (file, line number, included path, rule broken) for every include against the rules."""
    for path in sorted((ROOT / "src").rglob("*")):
        if path.suffix not in (".cpp", ".hpp"):
            continue
        relative = path.relative_to(ROOT)
        folder = relative.parts[1] if len(relative.parts) > 2 else None  # None: src/main.cpp
        for number, line in enumerate(path.read_text().splitlines(), 1):
            include = INCLUDE.match(line)
            if not include:
                continue
            target = include.group(2)
            for pattern, rule, allowed in THIRD_PARTY:
                if pattern.search(target) and not (folder and allowed(relative)):
                    yield relative, number, target, rule
            target_folder = target.split("/")[0]
            if "/" not in target or target_folder not in table or target_folder == folder or folder is None:
                continue
            if target_folder == "cli":
                yield relative, number, target, "nothing includes cli/"
            elif target_folder not in table[folder] and target not in table[folder]:
                allowed = "only " + ", ".join(sorted(table[folder])) if table[folder] else "nothing of ours"
                yield relative, number, target, f"src/{folder}/ may include {allowed} (ARCHITECTURE.md)"


def read_allowlist():
    """Returns {(file, include): line number} from tests/docs/layering_allowlist.txt."""
    allowlist = {}
    path = ROOT / "tests/docs/layering_allowlist.txt"
    for number, line in enumerate(path.read_text().splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        parts = [part.strip() for part in entry.split("->")]
        if len(parts) != 2 or "#" not in line:
            sys.exit(f"{path.relative_to(ROOT)}:{number}: write 'src/FILE -> INCLUDE  # why', not '{line}'")
        allowlist[tuple(parts)] = number
    return allowlist


def linkable(table, allowlist):
    """Returns {folder: the folders it links}: the table's and the allowlist's edges, transitively
    (PUBLIC links, as cmake/Layering.cmake makes them)."""
    graph = {folder: {item.split("/")[0] for item in items} for folder, items in table.items()}
    for file, target in allowlist:
        parts, target_folder = file.split("/"), target.split("/")[0]
        if len(parts) > 2 and parts[1] in graph and target_folder in graph and target_folder != parts[1]:
            graph[parts[1]].add(target_folder)
    closure = {}
    for folder in graph:
        reached, pending = set(), [folder]
        while pending:
            for next_folder in graph[pending.pop()] - reached:
                reached.add(next_folder)
                pending.append(next_folder)
        closure[folder] = reached
    return closure


def link_failures(table, allowlist):
    """Prints and counts the symbols a folder library uses from a folder it may not link."""
    defined, undefined = {}, []
    for folder in table:
        library = LIBRARIES / f"libroster_enrich_{folder}.a"
        if not library.exists() and not any((ROOT / "src" / folder).rglob("*.cpp")):
            continue  # headers only: an INTERFACE library
        if not library.exists():
            sys.exit(f"{library}: not found; build the tree first (scripts/build.sh)")
        listing = subprocess.run(["nm", "-g", "-P", str(library)], check=True, capture_output=True, text=True)
        member = "?"
        for line in listing.stdout.splitlines():
            if line.endswith(":"):
                member = line[line.find("[") + 1:-2] if "[" in line else line[:-1]
                continue
            fields = line.split()
            if len(fields) < 2:
                continue
            if fields[1] == "U":
                undefined.append((folder, member, fields[0]))
            else:
                defined.setdefault(fields[0], set()).add(folder)
    closure = linkable(table, allowlist)
    broken = {}
    for folder, member, symbol in undefined:
        owners = defined.get(symbol, set())
        if owners and folder not in owners and not owners & closure[folder]:
            broken.setdefault((folder, member, ", ".join(sorted(owners))), []).append(symbol)
    for (folder, member, owners), symbols in sorted(broken.items()):
        names = subprocess.run(["c++filt"], input="\n".join(symbols[:3]), capture_output=True, text=True)
        examples = "; ".join(names.stdout.splitlines())
        print(f"FAIL - libroster_enrich_{folder}.a({member}) uses {len(symbols)} symbol(s) of {owners}, "
              f"which src/{folder}/ may not link (ARCHITECTURE.md), e.g. {examples}", file=sys.stderr)
    return len(broken)


def main():
    table = read_table()
    if LIBRARIES:
        failures = link_failures(table, read_allowlist())
        if failures:
            return 1
        print(f"ok - every folder library uses symbols only of the folders it may link ({LIBRARIES})")
        return 0
    allowlist = read_allowlist()
    seen = set()
    failures = 0
    for file, number, target, rule in violations(table):
        if (str(file), target) in allowlist:
            seen.add((str(file), target))
            continue
        print(f"FAIL - {file}:{number}: #include {target}: {rule}", file=sys.stderr)
        failures += 1
    for (file, target), number in sorted(allowlist.items(), key=lambda entry: entry[1]):
        if (file, target) not in seen:
            print(f"FAIL - tests/docs/layering_allowlist.txt:{number}: '{file} -> {target}' no longer occurs:"
                  " delete the entry", file=sys.stderr)
            failures += 1
    if failures:
        print(f"{failures} layering failure(s); the table is ARCHITECTURE.md's 'may include' column",
              file=sys.stderr)
        return 1
    print(f"ok - every #include of src/ keeps to ARCHITECTURE.md ({len(seen)} allowlisted, "
          "tests/docs/layering_allowlist.txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
