#!/usr/bin/env bash
# The nightly attack-cov run, the same in GitHub Actions and on a laptop.
#   ATTACK      ATT&CK version, file or URL (default: attack-cov's pinned default)
#   RULES       rules files or directories, space-separated, or one per line (or a single path) when a path holds a blank
#               (default: /etc/falco, else the official rules)
#   OUT         output directory (default: reports)
#   BASELINE    previous night's report.json; when it exists the run fails on anything new
#               (new findings, lost coverage) and on a coverage drop beyond MAX_COVERAGE_DROP points
#   MIN_COVERAGE  optional --min-coverage values, space-separated (e.g. "20 execution=40")
# Writes every report, appends summary.md to $GITHUB_STEP_SUMMARY when set, exits with attack-cov's code.
set -euo pipefail
# CDPATH unset for cd: with it set, cd prints the folder it went to, and `here` would hold two lines.
here="$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)"
# The script runs attack-cov from the checkout it sits in; outside one (copied alone) it says so, with 2,
# the exit code of a run that cannot start, not 1, which means a gate failed.
cli="$here/../dist/cli.js"
if [ ! -f "$cli" ]; then
  echo "nightly: no attack-cov build at $cli: run this script from an attack-cov checkout after npm ci" >&2
  exit 2
fi
. "$here/split-rules.sh"
out="${OUT:-reports}"
args=(report --out "$out")
[ -n "${ATTACK:-}" ] && args+=(--attack "$ATTACK")
if [ -n "${RULES:-}" ]; then
  split_rules "$RULES"
  args+=(--rules "${rules[@]}")
fi
if [ -n "${BASELINE:-}" ] && [ -f "$BASELINE" ]; then
  args+=(--baseline "$BASELINE" --fail-on new --max-coverage-drop "${MAX_COVERAGE_DROP:-0}")
else
  [ -n "${BASELINE:-}" ] && echo "nightly: no baseline at $BASELINE; gating on tag errors only" >&2
  args+=(--fail-on error)
fi
for value in ${MIN_COVERAGE:-}; do args+=(--min-coverage "$value"); done

set +e
node "$cli" "${args[@]}"
code=$?
set -e
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
  cat "$out/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
