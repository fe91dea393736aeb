#!/usr/bin/env bash
# Prints `rules=<16 hex digits>`: a digest of the names and contents of the rules files the arguments name
# (files, and the *.yaml / *.yml files of directories, as attack-cov reads them), for a CI cache key that changes
# when the rules do. Arguments that are neither (URLs, `official`, missing paths) add their text only.
# Without arguments: the digest of nothing (the default rules come with attack-cov or /etc/falco).
set -euo pipefail
{
  for given in "$@"; do
    printf 'arg %s\n' "$given"
    if [ -d "$given" ]; then
      # Regular files and links to them (GNU find's -xtype), *.yaml and *.yml in any case, as attack-cov lists them.
      find "$given" -maxdepth 1 -xtype f \( -iname '*.yaml' -o -iname '*.yml' \) -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    elif [ -f "$given" ]; then
      sha256sum "$given"
    fi
  done
} | sha256sum | cut -c1-16 | sed 's/^/rules=/'
