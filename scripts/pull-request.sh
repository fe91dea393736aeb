#!/usr/bin/env bash
# The pull-request check of the rules, the same in GitHub Actions and on a laptop: `validate` (conditions, fields,
# macros, lists, event names) or `lint` (their ATT&CK tags), every issue or finding as a GitHub Actions annotation on
# the pull request's lines (`--format github`; outside Actions the commands are plain lines on stdout).
#   scripts/pull-request.sh validate|lint
#   RULES     rules files or directories, space-separated, or one per line (or a single path) when a path holds a blank
#             (default: /etc/falco, else the official rules, whose findings no pull request can annotate)
#   FAIL_ON   the severity that fails the check (default: error)
# Exits with attack-cov's code: 0 passed, 1 issues or findings at FAIL_ON, 2 unusable input.
set -euo pipefail
# CDPATH unset for cd: with it set, cd prints the folder it went to, and `here` would hold two lines.
here="$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)"
cli="$here/../dist/cli.js"
if [ ! -f "$cli" ]; then
  echo "pull-request: no attack-cov build at $cli: run this script from an attack-cov checkout after npm ci" >&2
  exit 2
fi
. "$here/split-rules.sh"
rules=()
[ -n "${RULES:-}" ] && split_rules "$RULES"
case "${1:-}" in
  validate)
    # Without RULES, validate reads what lint does: the rules Falco reads here, else the official ones. The paths after
    # --, so that one beginning with - is a path.
    args=(validate --format github --fail-on "${FAIL_ON:-error}")
    [ ${#rules[@]} -gt 0 ] && args+=(-- "${rules[@]}")
    exec node "$cli" "${args[@]}" ;;
  lint)
    args=(lint --format github --fail-on "${FAIL_ON:-error}")
    [ ${#rules[@]} -gt 0 ] && args+=(--rules "${rules[@]}")
    exec node "$cli" "${args[@]}" ;;
  *)
    echo "pull-request: usage: scripts/pull-request.sh validate|lint (RULES, FAIL_ON in the environment)" >&2
    exit 2 ;;
esac
