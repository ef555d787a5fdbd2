#!/usr/bin/env bash
# Refreshes the third-party files of the offline GraphiQL page from the npm registry, at the
# pinned versions below, and rewrites SHA256SUMS. The server embeds every file of this folder
# (api/src/http/graphiql.rs), so the page never loads anything from another origin.
#
#   graphiql   4.1.2   the newest 4.x; its UMD bundle is graphiql.min.js (= dist/index.umd.js)
#                      with graphiql.min.css (= dist/style.css); fonts are inlined as data: URIs
#   react      18.3.1  umd/react.production.min.js
#   react-dom  18.3.1  umd/react-dom.production.min.js
#
# npm checks each tarball against the registry's integrity hash. Usage, from anywhere:
#   api/assets/graphiql/refresh.sh          fetch and copy the files, rewrite SHA256SUMS
#   api/assets/graphiql/refresh.sh --check  fetch and compare with the committed files only
set -euo pipefail

GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.3.1

here=$(cd "$(dirname "$0")" && pwd)
check=false
if [ "${1:-}" = "--check" ]; then check=true; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" >/dev/null
for tarball in "graphiql-$GRAPHIQL_VERSION" "react-$REACT_VERSION" "react-dom-$REACT_VERSION"; do
    package=${tarball%-*}
    mkdir "$package"
    tar -xzf "$tarball.tgz" -C "$package" --strip-components=1
done

mkdir out
cp graphiql/graphiql.min.js graphiql/graphiql.min.css out/
cp react/umd/react.production.min.js react-dom/umd/react-dom.production.min.js out/
cp graphiql/LICENSE out/LICENSE.graphiql
cp react/LICENSE out/LICENSE.react
cp react-dom/LICENSE out/LICENSE.react-dom

if $check; then
    for file in out/*; do
        cmp "$file" "$here/$(basename "$file")"
    done
    echo "graphiql $GRAPHIQL_VERSION, react $REACT_VERSION, react-dom $REACT_VERSION: up to date"
    exit 0
fi

cp out/* "$here/"
(cd "$here" && sha256sum graphiql.min.js graphiql.min.css react.production.min.js \
    react-dom.production.min.js LICENSE.graphiql LICENSE.react LICENSE.react-dom > SHA256SUMS)
echo "graphiql $GRAPHIQL_VERSION, react $REACT_VERSION, react-dom $REACT_VERSION copied into $here"
