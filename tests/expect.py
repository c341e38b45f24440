#!/usr/bin/env python3
"""expect.py - the JSON assertions of tests/lib.sh (stdlib only).

  expect.py FILE ids STEP "ID1 ID2"     exact set of finding ids of STEP
  expect.py FILE status STEP STATUS     status of STEP ("all": overall)
  expect.py FILE expr PYTHON-EXPR       true over j (the parsed FILE)

Exit 0 when the assertion holds, 1 when not (with what was found on
stderr), 2 when FILE is not the JSON of a check.

In expr, besides j: step(name) -> that check's object (None if absent),
ids(name) -> set of its finding ids, finding(name, id) -> first finding
with that id (None if absent), records(name) -> its records, re (module).
"""

import json
import re
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print("cannot read %s: %s" % (path, e), file=sys.stderr)
        sys.exit(2)
    try:
        return json.loads(text)
    except ValueError as e:
        print("%s is not JSON (%s); it holds:" % (path, e), file=sys.stderr)
        print(text[:3000] or "(empty)", file=sys.stderr)
        sys.exit(2)


def step_of(j, name):
    for c in j.get("checks", []) if isinstance(j, dict) else []:
        if isinstance(c, dict) and c.get("step") == name:
            return c
    return None


def show_step(j, name):
    c = step_of(j, name)
    if c is None:
        steps = [c.get("step") for c in j.get("checks", [])
                 if isinstance(c, dict)] if isinstance(j, dict) else []
        return "  no step %r in checks (steps: %s)" % (name, steps)
    lines = ["  step %s: status %s" % (name, c.get("status"))]
    for f in c.get("findings", []):
        lines.append("    %-28s %-6s %s" % (f.get("id"), f.get("severity"),
                                           f.get("message")))
    for r in c.get("records", []):
        if isinstance(r, dict):
            r = r.get("display", json.dumps(r))
        lines.append("    record: %s" % r)
    return "\n".join(lines)


def main():
    if len(sys.argv) != 4 and not (len(sys.argv) == 5
                                   and sys.argv[2] in ("ids", "status")):
        print(__doc__, file=sys.stderr)
        return 2
    j = load(sys.argv[1])
    mode = sys.argv[2]
    overall = "  overall status: %s" % (j.get("status")
                                         if isinstance(j, dict) else "?")
    if mode == "ids":
        name, want = sys.argv[3], set(sys.argv[4].split())
        c = step_of(j, name)
        got = {f.get("id") for f in c.get("findings", [])} if c else None
        if got == want:
            return 0
        if got is None:
            print(show_step(j, name), file=sys.stderr)
            return 1
        print("  want ids: %s\n  got ids:  %s\n  missing: %s  unexpected: %s"
              % (" ".join(sorted(want)) or "(none)",
                 " ".join(sorted(got)) or "(none)",
                 " ".join(sorted(want - got)) or "-",
                 " ".join(sorted(got - want)) or "-"), file=sys.stderr)
        print(show_step(j, name), file=sys.stderr)
        return 1
    if mode == "status":
        name, want = sys.argv[3], sys.argv[4]
        if name == "all":
            got = j.get("status")
        else:
            c = step_of(j, name)
            got = c.get("status") if c else None
        if got == want:
            return 0
        print("  want status %s of %s, got %s" % (want, name, got),
              file=sys.stderr)
        print(overall, file=sys.stderr)
        if name != "all":
            print(show_step(j, name), file=sys.stderr)
        return 1
    if mode == "expr":
        env = {
            "j": j, "re": re,
            "step": lambda n: step_of(j, n),
            "ids": lambda n: {f.get("id") for f in
                              (step_of(j, n) or {}).get("findings", [])},
            "finding": lambda n, i: next(
                (f for f in (step_of(j, n) or {}).get("findings", [])
                 if f.get("id") == i), None),
            "records": lambda n: (step_of(j, n) or {}).get("records", []),
        }
        try:
            ok = eval(sys.argv[3], env)     # the test's own expression
        except Exception as e:              # noqa: BLE001 - report any
            print("  expression raised %s: %s" % (type(e).__name__, e),
                  file=sys.stderr)
            ok = False
        if ok:
            return 0
        print("  false: %s" % sys.argv[3], file=sys.stderr)
        print(json.dumps(j, indent=1, ensure_ascii=False)[:4000],
              file=sys.stderr)
        return 1
    print("expect.py: unknown mode %r" % mode, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
