#!/usr/bin/python3
"""schema_drift.py FAULTLAB SCHEMA SCENARIO.yaml...

Generates structural variants of each scenario (a key added where it does
not belong, a value of the wrong type, a number out of range, an enum value
misspelt, a required key dropped, every documented key with a valid value)
and checks that `faultlab validate` and the JSON Schema agree on each, in
both directions: what one accepts the other accepts, what one refuses the
other refuses. Semantic rules only the loader can see (topology, triggers
the plan shows cannot fire) are not generated. Exit 0 when they agree on
every variant, 1 listing the ones they do not.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import yaml


def variants(doc, schema):
    """(label, document) pairs, each one small change of `doc`."""
    defs = schema["$defs"]
    out = []
    # Top level: an unknown key, each known key removed when required.
    d = copy.deepcopy(doc); d["unknown_key"] = 1
    out.append(("top-level unknown key", d))
    for key in schema.get("required", []):
        d = copy.deepcopy(doc); d.pop(key, None)
        out.append((f"top-level without {key}", d))
    for key, bad in (("seed", -1), ("seed", "x"), ("deadline_ms", 0),
                     ("deadline_ms", 600001), ("name", "has space"),
                     ("name", ""), ("deadline_ms", 1.5)):
        d = copy.deepcopy(doc); d[key] = bad
        out.append((f"{key}={bad!r}", d))
    # Workers.
    for i, w in enumerate(doc.get("workers", [])):
        for key, bad in (("role", "prodcer"), ("count", 0), ("count", 65),
                         ("interval_us", -1), ("policy", "halt"),
                         ("state_records", 100001), ("bogus", 1)):
            d = copy.deepcopy(doc); d["workers"][i][key] = bad
            out.append((f"worker {i} {key}={bad!r}", d))
        role = w.get("role")
        for key, good in (("messages", 100000), ("payload", 16),
                          ("policy", "stop"), ("interval_us", 100),
                          ("state_records", 8)):
            # A locker's `messages` depends on its channels: a semantic rule.
            if role == "locker" and key == "messages":
                continue
            d = copy.deepcopy(doc); d["workers"][i][key] = good
            out.append((f"worker {i} ({role}) {key}={good!r}", d))
    # Channels.
    for i, c in enumerate(doc.get("channels", []) or []):
        for key, bad in (("kind", "fifo"), ("buffer", 100), ("bogus", 1),
                         ("heartbeat_ms", 200), ("buffer", 4096)):
            d = copy.deepcopy(doc); d["channels"][i][key] = bad
            out.append((f"channel {i} {key}={bad!r}", d))
    # The fault.
    f = doc.get("fault")
    if isinstance(f, dict) and f.get("kind") not in (None, "none"):
        for key, val in (("variant", "default"), ("exit_code", 3),
                         ("bytes", 16), ("pattern", 7), ("in_lock", "yes"),
                         ("ignore_sigterm", True), ("kind", "segfalt"),
                         ("trigger", {"after_ms": 10, "after_messages": 3}),
                         ("trigger", {"random": False}),
                         ("trigger", {"after_messages": 0}),
                         ("trigger", {"after_ms": -1}), ("bogus", 1)):
            d = copy.deepcopy(doc); d["fault"][key] = val
            out.append((f"fault {key}={val!r}", d))
    # Expectations.
    e = doc.get("expect")
    if isinstance(e, dict):
        for p in list(e):
            for key, val in (("fault_fired", "any"), ("fault_fired", "maybe"),
                             ("contained", "yes"), ("blast_radius", "!=1"),
                             ("bogus", 1), ("others", "crashd")):
                d = copy.deepcopy(doc)
                if isinstance(d["expect"][p], dict):
                    d["expect"][p][key] = val
                    out.append((f"expect {p} {key}={val!r}", d))
    return out


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    faultlab, schema_path, files = argv[1], argv[2], argv[3:]
    with open(schema_path, encoding="utf-8") as fh:
        schema = json.load(fh)
    validator = jsonschema.Draft202012Validator(schema)
    disagree, total = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            with open(path, encoding="utf-8") as fh:
                doc = yaml.safe_load(fh)
            for label, d in variants(doc, schema):
                total += 1
                file = os.path.join(tmp, "v.yaml")
                with open(file, "w", encoding="utf-8") as fh:
                    yaml.safe_dump(d, fh, sort_keys=False)
                by_schema = validator.is_valid(d)
                r = subprocess.run([faultlab, "validate", file],
                                   capture_output=True, text=True)
                by_loader = r.returncode == 0
                if by_schema != by_loader:
                    disagree.append(
                        f"{os.path.basename(path)}: {label}: schema "
                        f"{'accepts' if by_schema else 'refuses'}, loader "
                        f"{'accepts' if by_loader else 'refuses'} "
                        f"({r.stderr.strip()[:160]})")
    for line in disagree:
        print(line)
    print(f"schema_drift: {total} variants, {len(disagree)} disagreements")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
