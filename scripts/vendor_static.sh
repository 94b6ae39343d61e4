#!/usr/bin/env bash
# Copy the front-end files installed by `npm ci` to where Django's static files finder serves them
# (src/vatspilot/web/static/vendor/, git-ignored). The pages load nothing from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=src/vatspilot/web/static/vendor
mkdir -p "$target_dir"
# source file -> the name the templates load it by
for pair in \
  "node_modules/htmx.org/dist/htmx.min.js:htmx.min.js" \
  "node_modules/echarts/dist/echarts.min.js:echarts.min.js"; do
  source_file=${pair%%:*}
  if [[ ! -f $source_file ]]; then
    echo "vendor_static: $source_file is missing; run 'npm ci' first" >&2
    exit 1
  fi
  cp "$source_file" "$target_dir/${pair##*:}"
done
