#!/usr/bin/env python3
"""SCENARIO_KEYS.md and reports/schema/scenario.schema.json list the same keys.

Every `section.key` row of the reference must be a key of the schema and every
key of the schema must have a row (with a meaning, a range and a default);
each fault kind and channel kind of the schema has an example, and every
example passes `faultlab validate`.
usage: check_scenario_keys.py SCENARIO_KEYS.md scenario.schema.json FAULTLAB
"""
import json
import os
import re
import subprocess
import sys
import tempfile


RAISED_ONLY = {"variant", "thread", "fork", "bytes"}
SIGNAL_ONLY = {"signal", "resume_after_ms"}


def schema_keys(schema):
    d = schema["$defs"]
    rated = next(x for x in d["rated_outcomes"]["oneOf"] if "properties" in x)
    prog = d["program_scenario"]["properties"]
    pexp = prog["expect"]["properties"]["process"]["properties"]
    sections = {
        "scenario": d["worker_scenario"]["properties"],
        "worker": d["worker"]["properties"],
        "channel": d["channel"]["properties"],
        "fault": d["fault"]["properties"],
        "trigger": d["fault"]["properties"]["trigger"]["properties"],
        "expectation": d["expectation"]["properties"],
        "check": rated["properties"],
        "program_scenario": prog,
        "program": prog["program"]["properties"],
        "probe": prog["probes"]["items"]["properties"],
        "client": prog["clients"]["items"]["properties"],
        # One `fault:` mapping, documented per delivery: keys of a signal
        # sent by faultlab, and of a fault raised by the injector.
        "signal_fault": {k: v for k, v in prog["fault"]["properties"].items()
                         if k not in RAISED_ONLY},
        "raised_fault": {k: v for k, v in prog["fault"]["properties"].items()
                         if k not in SIGNAL_ONLY},
        "raised_trigger": d["raised_trigger"]["properties"],
        "program_expect": pexp,
    }
    return {f"{s}.{k}" for s, props in sections.items() for k in props}


def main():
    doc_path, schema_path, faultlab = sys.argv[1:4]
    doc = open(doc_path, encoding="utf-8").read()
    schema = json.load(open(schema_path, encoding="utf-8"))
    errors = []
    rows = {}
    for line in doc.splitlines():
        m = re.match(r"^\| `([a-z_]+\.[a-z_]+)` \|(.*)\|\s*$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split("|")]
            if m.group(1) in rows:
                errors.append(f"{m.group(1)}: documented twice")
            rows[m.group(1)] = cells
    want = schema_keys(schema)
    for key in sorted(want - rows.keys()):
        errors.append(f"{key}: in the schema, not in {doc_path}")
    for key in sorted(rows.keys() - want):
        errors.append(f"{key}: in {doc_path}, not in the schema")
    for key, cells in rows.items():
        if len(cells) != 3 or not all(cells):
            errors.append(f"{key}: needs a meaning, a range and a default")
    examples = re.findall(r"```yaml\n(# example: (\w+) (\w+)\n.*?)```", doc, re.S)
    have = {(what, kind) for _, what, kind in examples}
    d = schema["$defs"]
    for what, kinds in (("fault", d["fault"]["properties"]["kind"]["enum"]),
                        ("channel", d["channel"]["properties"]["kind"]["enum"])):
        for kind in kinds:
            if (what, kind) not in have:
                errors.append(f"no example for {what} kind {kind}")
    with tempfile.TemporaryDirectory() as tmp:
        for text, what, kind in examples:
            path = os.path.join(tmp, f"{what}_{kind}.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            r = subprocess.run([faultlab, "validate", path], capture_output=True,
                               text=True)
            if r.returncode != 0:
                errors.append(f"example {what} {kind}: {r.stderr.strip()}")
    for e in errors:
        print(e, file=sys.stderr)
    if not errors:
        print(f"{len(rows)} keys and {len(examples)} examples agree")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
