#!/usr/bin/env bash
# Re-fetches the browser libraries GraphiQL needs from the npm registry, at the pinned versions,
# into api/assets/vendor/, and checks every file against api/assets/vendor/SHA256SUMS.
#
#   scripts/vendor-assets.sh           fetch with `npm pack`, copy, verify
#   scripts/vendor-assets.sh --check   only verify the files already in the tree
#
# A version bump: change the versions below, run with --update (fetch, then rewrite
# SHA256SUMS), review the diff, and update the table in api/assets/vendor/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

GRAPHIQL=3.9.0
REACT=18.3.1
REACT_DOM=18.3.1

VENDOR=api/assets/vendor
mode="${1:-fetch}"

verify() {
  (cd "$VENDOR" && sha256sum --check --strict SHA256SUMS)
}

if [ "$mode" = "--check" ]; then
  verify
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT_DOM" >/dev/null)

unpack() { # <tarball> <directory>
  mkdir -p "$work/$2"
  tar -xzf "$work/$1" -C "$work/$2"
}
unpack "graphiql-$GRAPHIQL.tgz" graphiql
unpack "react-$REACT.tgz" react
unpack "react-dom-$REACT_DOM.tgz" react-dom

copy() { # <package dir> <file in package> <destination dir>
  mkdir -p "$VENDOR/$3"
  cp "$work/$1/package/$2" "$VENDOR/$3/$(basename "$2")"
}
copy graphiql graphiql.min.js "graphiql-$GRAPHIQL"
copy graphiql graphiql.min.css "graphiql-$GRAPHIQL"
copy graphiql LICENSE "graphiql-$GRAPHIQL"
copy react umd/react.production.min.js "react-$REACT"
copy react LICENSE "react-$REACT"
copy react-dom umd/react-dom.production.min.js "react-dom-$REACT_DOM"
copy react-dom LICENSE "react-dom-$REACT_DOM"

if [ "$mode" = "--update" ]; then
  (cd "$VENDOR" && find . -type f ! -name SHA256SUMS ! -name README.md | sed 's|^\./||' | sort \
    | xargs sha256sum > SHA256SUMS)
  echo "wrote $VENDOR/SHA256SUMS; update the table in $VENDOR/README.md"
fi
verify
