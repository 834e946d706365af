#!/usr/bin/env bash
# Installs the front-end packages from package-lock.json and copies the files the pages load into
# static/vendor/ under stable names. Quick when nothing changed; no CDN is ever used.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  else
    echo "build-assets: npm is missing; install Node.js and npm, then run make assets." >&2
    exit 1
  fi
fi

STAMP=node_modules/.assets-installed
if [ ! -f "$STAMP" ] || [ package-lock.json -nt "$STAMP" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$STAMP"
fi

mkdir -p static/vendor
copy() {
  if ! cmp -s "$1" "$2"; then cp "$1" "$2"; fi
}
copy node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
copy node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js
copy node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/chart.umd.min.js.map  # referenced by the bundle; collectstatic checks it
# Leaflet (the restaurants map): its script, source map, stylesheet and the marker/layer images the CSS points to.
mkdir -p static/vendor/leaflet/images
copy node_modules/leaflet/dist/leaflet.js static/vendor/leaflet/leaflet.js
copy node_modules/leaflet/dist/leaflet.js.map static/vendor/leaflet/leaflet.js.map
copy node_modules/leaflet/dist/leaflet.css static/vendor/leaflet/leaflet.css
for image in node_modules/leaflet/dist/images/*.png; do
  copy "$image" "static/vendor/leaflet/images/$(basename "$image")"
done
# Bootstrap 5.3 (layout, components, colour modes): its stylesheet and source map.
mkdir -p static/vendor/bootstrap
copy node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/bootstrap/bootstrap.min.css
copy node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/bootstrap.min.css.map
# Only the JavaScript components the pages use (scripts/bootstrap-parts.js), bundled with Popper by esbuild.
node_modules/.bin/esbuild scripts/bootstrap-parts.js --bundle --minify --format=iife --global-name=bootstrap \
  --target=es2019 --legal-comments=none --log-level=warning --outfile=node_modules/.bootstrap.parts.min.js
copy node_modules/.bootstrap.parts.min.js static/vendor/bootstrap/bootstrap.parts.min.js
rm -f static/vendor/bootstrap/bootstrap.bundle.min.js static/vendor/bootstrap/bootstrap.bundle.min.js.map
# Bootstrap Icons: only the icons the pages use, as one sprite ({% icon %} in mealtracker/templatetags/ui.py draws
# them with <use href="sprite.svg#name">; no icon font), and each as its own file for CSS masks.
mkdir -p static/vendor/bootstrap-icons
while read -r icon; do
  case "$icon" in ''|'#'*) continue ;; esac
  copy "node_modules/bootstrap-icons/icons/$icon.svg" "static/vendor/bootstrap-icons/$icon.svg"
done < scripts/bootstrap-icons.txt
node scripts/icon-sprite.mjs scripts/bootstrap-icons.txt static/vendor/bootstrap-icons/sprite.svg
