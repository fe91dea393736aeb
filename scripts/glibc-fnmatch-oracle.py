#!/usr/bin/env python3
"""The glob oracle: what glibc's fnmatch(3) answers, for attack-cov's glob and iglob to be checked against.

libsinsp's glob and iglob operators call fnmatch(pattern, value, 0) and fnmatch(pattern, value, FNM_CASEFOLD)
(sinsp_utils::glob_match) in the C locale (Falco never calls setlocale). This script asks the glibc it runs on the same
questions through ctypes, in the C locale, for random patterns dense in the corners of bracket expressions (a [ never
closed, [:class:], [=c=], [.c.], ranges, escapes, a ] or - where it may or may not close), with *, ? and non-ASCII
letters, and for values built around each pattern, with a fixed seed. It writes test/fixtures/glob/glibc-fnmatch.json:
[pattern, value, caseless, glibc's answer] rows, which test/unit/emulate/operators.test.ts checks compileGlob against,
without Python or glibc. So the test proves attack-cov answers as the glibc that wrote the file (its version is in the
file) on every row, both matches and non-matches, flags 0 and FNM_CASEFOLD.

Regenerate (Linux with glibc, Python 3, nothing to install), then review the diff like code:
    python3 scripts/glibc-fnmatch-oracle.py            # seed 1, 600 patterns, writes the fixture
    python3 scripts/glibc-fnmatch-oracle.py 7 5000 /tmp/more.json   # another seed, more patterns, elsewhere (fuzzing)
"""
import ctypes
import json
import os
import random
import subprocess
import sys

FNM_CASEFOLD = 1 << 4
LC_ALL = 6

libc = ctypes.CDLL("libc.so.6")
libc.fnmatch.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
libc.setlocale.argtypes = [ctypes.c_int, ctypes.c_char_p]
libc.setlocale.restype = ctypes.c_char_p
libc.gnu_get_libc_version.restype = ctypes.c_char_p
# Python sets LC_CTYPE from the environment at start (C.UTF-8 makes fnmatch match characters, not bytes): back to C.
if libc.setlocale(LC_ALL, b"C") != b"C":
    sys.exit("cannot set the C locale")

# Pattern tokens: the characters brackets read specially, letters of both cases, an accented letter (two bytes of
# UTF-8), and whole constructs, known or not, so that closed brackets with members of every kind are frequent.
PATTERN_TOKENS = list("[[[]]\\.-=:ab!^*?Aé") + [
    "[:alpha:]", "[:upper:]", "[:x:]", "[:constructor:]", "[.a.]", "[.-.]", "[.].]", "[.ab.]", "[=a=]", "[=A=]",
    "[=]=]", "[a-z]", "[A-Z]", "[!a]", "[^]a]", "[a-", "\\]", "\\[",
]
# Members of one bracket expression, where glibc's walk and its skip can part: ranges whose end is [ or a construct,
# constructs whole, cut short or unknown.
MEMBERS = [
    "a", "A", "]", "-", ".", ":", "=", "[", "\\]", "\\", "é", "a-z", "A-Z", ":-[", ".-a", "a-[", "Z-a", "[=a=]", "[=b=]",
    "[=A=]", "[.a.]", "[.-.]", "[.a.]-", "[:alpha:]", "[:upper:]", "[:lower:]", "[:nosuch:]", "[=", "[.", "[:",
]
VALUE_CHARS = list("[]\\.-=:ab!^zAB") + ["é", "É"]


def matches(pattern, value, caseless):
    return libc.fnmatch(pattern.encode(), value.encode(), FNM_CASEFOLD if caseless else 0) == 0


def token_pattern(rng):
    """A run of tokens: stars, question marks, literals and whole brackets in any order."""
    return [rng.choice(PATTERN_TOKENS) for _ in range(rng.randint(1, 7))]


def bracket_pattern(rng):
    """One bracket expression (negated or not, closed or not, maybe with more ]s), with a token before or after."""
    tokens = ["[" + rng.choice(["", "", "!", "^"])] + [rng.choice(MEMBERS) for _ in range(rng.randint(1, 4))]
    tokens += rng.choice([["]"], ["]"], [], ["]", "]"], ["]", rng.choice(PATTERN_TOKENS)]])
    return [rng.choice(["", "*", "a", "?"])] + tokens if rng.random() < 0.3 else tokens


def parting_pattern(rng):
    """Brackets where glibc's walk and skip part: a range to a [ that the skip reads as [=c=] or [:class:], with members
    before it, so that the ] the bracket ends at depends on the member that matched; between *s, ?s and literals."""
    def bracket():
        before = "".join(rng.choice([".", "a", "[:alpha:]", "[.a.]", "\\]", "b"]) for _ in range(rng.randint(1, 2)))
        end = rng.choice(["=a=]", "=b=]", ":alpha:]", ":upper:]", "=]=]"])
        after = rng.choice(["", "x", "]", "]x", "]]"])
        return "[" + rng.choice(["", "", "!"]) + before + rng.choice([":", ".", "a", "A"]) + "-[" + end + after
    return [rng.choice(["*", "?", "x", bracket()]) for _ in range(rng.randint(1, 4))] + [bracket()]


def candidates(rng, tokens):
    """Values to ask about: token by token, each as written, one character of it (and a ]) or of the value alphabet, or
    nothing; each in swapped case too; and a few random strings."""
    values = {"".join(tokens)}
    for _ in range(24):
        values.add("".join(rng.choice([token, rng.choice(token or "a"), rng.choice(token or "a") + "]", rng.choice(VALUE_CHARS), ""]) for token in tokens))
    values |= {value.swapcase() for value in values}
    for _ in range(6):
        values.add("".join(rng.choice(VALUE_CHARS) for _ in range(rng.randint(0, 6))))
    values = sorted(values)
    rng.shuffle(values)
    return values


def cases(seed, count):
    """Per pattern and flag: the pattern's own text (a [ that is a character matches itself), and up to three values
    glibc matches and three it does not, so both answers are tested."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        tokens = rng.choice([token_pattern, token_pattern, bracket_pattern, bracket_pattern, parting_pattern])(rng)
        pattern = "".join(tokens)
        values = [value for value in candidates(rng, tokens) if value != pattern]
        for caseless in (False, True):
            answers = [(value, matches(pattern, value, caseless)) for value in values]
            kept = [(pattern, matches(pattern, pattern, caseless))]
            kept += [a for a in answers if a[1]][:3] + [a for a in answers if not a[1]][:3]
            rows += [[pattern, value, caseless, answer] for value, answer in kept]
    return rows


def glibc_version():
    """As ldd prints it where it can (a distribution's patches matter: Debian's 2.36 reads an unterminated skip as
    newer glibc does), else as libc itself says."""
    try:
        return subprocess.run(["ldd", "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "glibc " + libc.gnu_get_libc_version().decode()


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "test", "fixtures", "glob", "glibc-fnmatch.json")
    rows = cases(seed, count)
    about = {
        "what": "[pattern, value, caseless, matches]: glibc's fnmatch(pattern, value, caseless ? FNM_CASEFOLD : 0) == 0 in the C locale",
        "proves": "compileGlob answers as this glibc on every row (test/unit/emulate/operators.test.ts)",
        "regenerate": f"python3 scripts/glibc-fnmatch-oracle.py {seed} {count}",
        "glibc": glibc_version(),
    }
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in about.items()]
    body = ",\n".join(f"    {json.dumps(row, ensure_ascii=False)}" for row in rows)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("{\n" + "\n".join(lines) + '\n  "cases": [\n' + body + "\n  ]\n}\n")
    print(f"wrote {len(rows)} cases to {out}")


if __name__ == "__main__":
    main()
