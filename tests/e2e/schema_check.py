#!/usr/bin/python3
"""Validates records against schemas/*.schema.json with python3-jsonschema (Draft 2020-12,
with date formats checked): an independent second opinion on what the C validator accepts.

  schema_check.py store STORE         every record of every commit in the store
  schema_check.py files KIND FILE...  prints 'valid' or 'invalid' per file
  schema_check.py payload RAW          an inflated transfer file: integrity line and payload
"""
import json
import os
import subprocess
import sys

from jsonschema import Draft202012Validator, FormatChecker

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "..", "..", "schemas")


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def validator(kind):
    with open(os.path.join(SCHEMAS, kind + ".schema.json"), encoding="utf-8") as f:
        return Draft202012Validator(json.load(f), format_checker=FormatChecker())


def kind_of(path):
    if path == "baton.json":
        return "store"
    if path.startswith("staff/") and path.endswith(".json"):
        return "staff"
    if path.startswith("cases/") and path.endswith("/case.json"):
        return "case"
    if path.startswith("cases/") and "/journal/" in path and path.endswith(".json"):
        return "journal"
    if path.startswith("cases/") and "/handovers/" in path and path.endswith(".json"):
        return "handover"
    if path.startswith("trust/") and path.endswith(".json"):
        return "trust"
    if path.startswith("erasures/") and path.endswith(".json"):
        return "erasure"
    return None


def git(store, *args):
    return subprocess.run(["git", "--git-dir", os.path.join(store, "repo.git"), *args],
                          check=True, capture_output=True).stdout


def check_store(store):
    validators = {k: validator(k) for k in ("case", "staff", "store", "journal", "handover", "trust", "erasure")}
    seen = set()
    bad = 0
    count = 0
    for commit in git(store, "rev-list", "refs/heads/main").decode().split():
        for line in git(store, "ls-tree", "-r", commit).decode().splitlines():
            meta, path = line.split("\t", 1)
            blob = meta.split()[2]
            kind = kind_of(path)
            if not kind or blob in seen:
                continue
            seen.add(blob)
            count += 1
            doc = json.loads(git(store, "cat-file", "blob", blob))
            errors = list(validators[kind].iter_errors(doc))
            for e in errors:
                print(f"{commit[:12]} {path}: {'/'.join(map(str, e.path))}: {e.message}")
            bad += bool(errors)
    print(f"{count} distinct records checked, {bad} invalid")
    return 1 if bad or count == 0 else 0


def check_files(kind, files):
    v = validator(kind)
    for name in files:
        try:
            with open(name, encoding="utf-8") as f:
                doc = json.load(f, object_pairs_hook=no_duplicates)
            ok = not list(v.iter_errors(doc))
        except (ValueError, UnicodeDecodeError):
            ok = False
        print(f"{name}: {'valid' if ok else 'invalid'}")
    return 0


def check_payload(raw):
    data = open(raw, "rb").read()
    line, payload = data.split(b"\n", 1)
    with open(os.path.join(SCHEMAS, "transfer.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    v = Draft202012Validator(schema, format_checker=FormatChecker())
    integrity = Draft202012Validator({**schema["$defs"]["integrity"], "$defs": schema["$defs"]})
    doc = json.loads(payload, object_pairs_hook=no_duplicates)
    errors = list(v.iter_errors(doc)) + list(integrity.iter_errors(json.loads(line)))
    c = doc.get("content", {})
    for kind, items in (("case", [x["record"] for x in c.get("versions", [])]), ("journal", c.get("journal", [])),
                        ("handover", c.get("handovers", []))):
        errors += [e for item in items for e in validator(kind).iter_errors(item)]
    for e in errors:
        print("/".join(map(str, e.path)) + ": " + e.message, file=sys.stderr)
    print("invalid" if errors else "valid")
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "payload":
        sys.exit(check_payload(sys.argv[2]))
    if len(sys.argv) >= 3 and sys.argv[1] == "store":
        sys.exit(check_store(sys.argv[2]))
    if len(sys.argv) >= 4 and sys.argv[1] == "files":
        sys.exit(check_files(sys.argv[2], sys.argv[3:]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
