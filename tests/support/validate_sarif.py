"""Validates SARIF files against a JSON schema, for tests/consumers.rs.

usage: python3 validate_sarif.py SCHEMA FILE...

The schema is the official SARIF 2.1.0 schema as shipped in the npm package
@microsoft/sarif-multitool-linux (draft 2020-12; its $refs are internal, so this works
offline). Prints one line per error, `FILE: /json/pointer: message`, and exits 1 if any.
"""

import json
import sys

import jsonschema


def main() -> int:
    schema_path, *files = sys.argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    errors = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            pointer = "/" + "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: {pointer}: {e.message}")
            errors += 1
    print(f"validated {len(files)} file(s) with {cls.__name__}: {errors} error(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
