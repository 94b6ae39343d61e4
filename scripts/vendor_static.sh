#!/usr/bin/env bash
# Copy the front-end files installed by `npm ci` to where Django's static files finder serves them
# (src/vatspilot/web/static/vendor/, git-ignored). The pages load nothing from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
source_file=node_modules/htmx.org/dist/htmx.min.js
target_dir=src/vatspilot/web/static/vendor
if [[ ! -f $source_file ]]; then
  echo "vendor_static: $source_file is missing; run 'npm ci' first" >&2
  exit 1
fi
mkdir -p "$target_dir"
cp "$source_file" "$target_dir/htmx.min.js"
