#!/usr/bin/env python3
# Runs dump_explain --json on every corpus file and compares each dump with MANIFEST.json: the
# parse rate and field agreement of the command-line tool, independently of the GoogleTest.
# Usage: python3 tests/data/dump_corpus/check.py build/dev/examples/dump_explain
import json, os, subprocess, sys
from collections import Counter

tool = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
m = json.load(open(os.path.join(here, "MANIFEST.json")))
fields = ["refcount", "page_mapcount", "order", "tail", "anon", "swapcache", "label", "pincount"]
agree, checked = Counter(), Counter()
files = read_ok = dumps = read = 0
held = [0, 0]
for f in m["files"]:
    files += 1
    out = subprocess.run([tool, "--json", os.path.join(here, f["file"])], capture_output=True, text=True)
    got = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
    want = f["dumps"]
    dumps += len(want)
    if "error:" in out.stderr or len(got) != len(want):
        print("NOT READ AS EXPECTED:", f["file"], out.stderr.strip())
        continue
    read_ok += 1
    read += len(want)
    for w, g in zip(want, got):
        ok_all = True
        for k in fields + ["type", "mapcount"]:
            if k == "type":
                if w["poisoned"]:
                    continue
                ok = w["type"] == g["page_type"]
            elif k == "mapcount":
                if w["folio_mapcount"] is None:
                    continue
                ok = w["folio_mapcount"] == g["mapcount"]
            else:
                ok = w[k] == g[k]
            checked[k] += 1
            agree[k] += ok
            ok_all &= ok
            if not ok:
                print("DISAGREE:", f["file"], "line", w["line"], k, "want", w.get(k), "got", g.get(k if k != "type" else "page_type"))
        if f["heldout"]:
            held[0] += ok_all
            held[1] += 1
print(f"files read as expected: {read_ok}/{files}; dumps read: {read}/{dumps}")
for k in fields + ["type", "mapcount"]:
    print(f"  {k:14} {agree[k]}/{checked[k]}")
print(f"  held out, every field: {held[0]}/{held[1]}")
sys.exit(0 if read == dumps and all(agree[k] == checked[k] for k in checked) else 1)
