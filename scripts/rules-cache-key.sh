#!/usr/bin/env bash
# Prints `rules=<16 hex digits>`: a digest of the names and contents of the rules files RULES names (files,
# and the *.yaml / *.yml files of directories, as attack-cov reads them), for a CI cache key that changes
# when the rules do. RULES is split as scripts/nightly.sh splits it (split-rules.sh: one path per line, one path
# holding a blank, or words; no glob expansion).
# Words that are neither (URLs, `official`, missing paths) add their text only. Without RULES: the digest of
# nothing (the default rules come with attack-cov or /etc/falco).
set -euo pipefail
. "$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)/split-rules.sh"
split_rules "${RULES:-}"
{
  for given in "${rules[@]}"; do
    printf 'arg %s\n' "$given"
    # find and sha256sum would read a leading "-" as an option.
    case "$given" in -*) given="./$given" ;; esac
    if [ -d "$given" ]; then
      # -H: a directory given as a symlink is read through it, as attack-cov does. Regular files and links
      # to them (GNU find's -xtype), named *.yaml or *.yml in that case, as attack-cov (and Falco) lists them.
      find -H "$given" -maxdepth 1 -xtype f \( -name '*.yaml' -o -name '*.yml' \) -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum --
    elif [ -f "$given" ]; then
      sha256sum -- "$given"
    fi
  done
} | sha256sum | cut -c1-16 | sed 's/^/rules=/'
