"""Validates JSON documents against a JSON Schema with `jsonschema` (UNTP DCC 0.6.1, EPCIS 2.0).

The schema is read at run time from the shared reference data (GPL-3.0, not copied into
this project). Usage: validate_dcc.py SCHEMA.json CREDENTIAL.json...
"""

import json
import sys

import jsonschema


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    failed = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            credential = json.load(f)
        for error in validator.iter_errors(credential):
            failed += 1
            print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
