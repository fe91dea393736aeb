#!/usr/bin/env bash
# Prints `rules=<16 hex digits>`: a digest of the names and contents of the rules files RULES names (files,
# and the *.yaml / *.yml files of directories, as attack-cov reads them), for a CI cache key that changes
# when the rules do. RULES is split on whitespace as scripts/nightly.sh splits it (no glob expansion).
# Words that are neither (URLs, `official`, missing paths) add their text only. Without RULES: the digest of
# nothing (the default rules come with attack-cov or /etc/falco).
set -euo pipefail
read -r -a rules <<<"${RULES:-}"
{
  for given in "${rules[@]}"; do
    printf 'arg %s\n' "$given"
    # find and sha256sum would read a leading "-" as an option.
    case "$given" in -*) given="./$given" ;; esac
    if [ -d "$given" ]; then
      # -H: a directory given as a symlink is read through it, as attack-cov does. Regular files and links
      # to them (GNU find's -xtype), *.yaml and *.yml in any case, as attack-cov lists them.
      find -H "$given" -maxdepth 1 -xtype f \( -iname '*.yaml' -o -iname '*.yml' \) -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum --
    elif [ -f "$given" ]; then
      sha256sum -- "$given"
    fi
  done
} | sha256sum | cut -c1-16 | sed 's/^/rules=/'
