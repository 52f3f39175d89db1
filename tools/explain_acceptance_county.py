#!/usr/bin/env python3
"""Explain how `kaoping evaluate` differs from an acceptance county's truth.

    python3 tools/make_acceptance_county.py /tmp/county --seed 7 --profile random
    kaoping evaluate /tmp/county/config.yaml --json /tmp/county/eval.json
    python3 tools/explain_acceptance_county.py /tmp/county [/tmp/county/eval.json]

Prints every figure that differs, then what the engine would give if only the causes seen
before issue 11's safe-defaults work were at play (each computed from the generator's model
in truth.json and truth-persons.json), next to what it gave:

  - sign-in files the config's `signins` globs do not take (init wrote `*.xlsx` only);
  - a two-day form export read as one session (people on both days become repeats);
  - a 制表人/审核人 footer row counted as a person (one per classic sheet taken);
  - registry persons marked removed (死亡, 注销, 自然减少) counted in the labour population;
  - stations whose village carries the county in front matched to no village.

When an expected figure equals the engine's, that cause explains the difference to the unit.
"""

import collections
import fnmatch
import json
import os
import sys
import unicodedata

import yaml


def written_validly(row, idv):
    """A row whose written ID folds to the person's own (DOMAIN: NFKC, x, separators, 15 digits)."""
    if row["id_kind"] != "text" or not row["id"]:
        return False
    t = unicodedata.normalize("NFKC", row["id"]).strip().lstrip("'").replace(" ", "").upper()
    if t.startswith('="') and t.endswith('"'):
        t = t[2:-1]
    return t == idv or (len(t) == 15 and t == idv[:6] + idv[8:17])


def main():
    county = sys.argv[1]
    engine_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(county, "eval.json")
    j = json.load(open(engine_path, encoding="utf-8"))
    t = json.load(open(os.path.join(county, "truth.json"), encoding="utf-8"))
    persons = json.load(open(os.path.join(county, "truth-persons.json"), encoding="utf-8"))
    cfg = yaml.safe_load(open(os.path.join(county, "config.yaml"), encoding="utf-8"))
    globs = cfg["inputs"]["signins"]
    globs = globs if isinstance(globs, list) else [globs]

    print(f"{t['county']} (seed {t['seed']}, profile {t['profile']}): total truth {t['total']}, engine {j['total']}")
    items = {i["id"]: i["score"] for i in j["items"]}
    for section, engine in (("metrics", j["metrics"]), ("people", j["people"]), ("items", items)):
        for key, value in t[section].items():
            if engine.get(key) != value:
                print(f"  {key:28} truth {value!s:22} engine {engine.get(key)!s}")

    sessions = t["sessions"]
    taken = [s for s in sessions if any(fnmatch.fnmatch(os.path.join(os.path.dirname(t["files"]["signins"][0]), s["file"]), g) for g in globs)]
    left = [s for s in sessions if s not in taken]
    forms = collections.defaultdict(list)
    for s in taken:
        if s["layout"] in ("问卷星", "腾讯问卷"):
            forms[s["file"]].append(s)
    merged = {f: sum(s["person_times"] for s in ss) - len(set().union(*[set(s["persons"]) for s in ss])) for f, ss in forms.items()}
    footers = sum(1 for s in taken if s["layout"] == "classic")
    taken_files = {s["file"] for s in taken}
    print(f"  sessions {len(sessions)}; not taken by {globs}: {len(left)} in {len({s['file'] for s in left})} files, "
          f"{sum(s['person_times'] for s in left)} person-times")
    print(f"  two-day form exports: persons on both days {merged}")
    print(f"  classic sheets taken (制表人/审核人 footer): {footers}")
    m = t["model"]
    expected = {
        "training_person_times": sum(s["person_times"] for s in taken) - sum(merged.values()) + footers,
        "poor_trained_persons": sum(1 for p in persons if p["role"] == "poor_trained" and any(
            r["file"] in taken_files and written_validly(r, p["id"]) for r in p["rows"])),
        "poor_labor_population": t["metrics"]["poor_labor_population"] + m["registry_removed_labour_at_home"],
        "villages_with_station": t["metrics"]["villages_with_station"] - m["villages_covered_only_by_county_prefixed_rows"],
        "poor_villages_with_station": t["metrics"]["poor_villages_with_station"] - m["poor_villages_covered_only_by_county_prefixed_rows"],
    }
    if not left:
        taken_rows = sum(s["signin_rows"] for s in taken)
        expected.update({
            "people.signin_rows": taken_rows + footers,
            "people.duplicate_signins": sum(s["duplicates"] for s in taken) + sum(merged.values()),
            "people.distinct_persons": t["people"]["distinct_persons"] + footers,
            "people.invalid_ids": t["people"]["invalid_ids"] + footers,
        })
    for key, value in expected.items():
        engine = j["people"].get(key[7:]) if key.startswith("people.") else j["metrics"].get(key)
        print(f"  expected engine {key:28} {value:6}   engine {engine}   {'explained' if engine == value else 'NOT EXPLAINED'}")


if __name__ == "__main__":
    main()
