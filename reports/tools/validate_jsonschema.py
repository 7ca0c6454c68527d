#!/usr/bin/python3
"""validate_jsonschema.py SCHEMA.json DATA.json|DATA.yaml...

Validates each file against a JSON Schema (draft 2020-12) with Debian's
python3-jsonschema, a second validator beside ajv: a schema both accept is
not tied to one tool's reading of it. Exit 0 if every file is valid, 1 if
one is not, 2 on bad usage.
"""
import json
import sys

import jsonschema
import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith((".yaml", ".yml")):
            return yaml.safe_load(f)
        return json.load(f)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = load(argv[1])
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.FormatChecker())
    failed = False
    for path in argv[2:]:
        errors = sorted(validator.iter_errors(load(path)), key=str)
        for e in errors[:10]:
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: /{where}: {e.message}")
        if errors:
            failed = True
        else:
            print(f"{path}: valid against {argv[1]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
