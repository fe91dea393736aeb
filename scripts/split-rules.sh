# Sourced by nightly.sh and rules-cache-key.sh, so that both read RULES alike: split_rules VALUE sets the array
# `rules` to the paths VALUE names. One path per line when VALUE holds a line break (a YAML block in the workflow's
# env; blanks inside a path kept, empty lines skipped; a folded value's final newlines dropped), else VALUE whole
# when it names an existing path (one path that holds a blank), else its words (split on blanks, no glob expansion).
split_rules() {
  local value="$1" line
  rules=()
  while [[ "$value" == *$'\n' ]]; do value="${value%$'\n'}"; done
  if [[ "$value" == *$'\n'* ]]; then
    while IFS= read -r line; do [ -n "$line" ] && rules+=("$line"); done <<<"$value"
  elif [ -n "$value" ] && [ -e "$value" ]; then
    rules=("$value")
  else
    read -r -a rules <<<"$value"
  fi
  return 0
}
