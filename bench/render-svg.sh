#!/usr/bin/env bash
# Writes every report figure (CONSORT diagrams, Kaplan–Meier plots, edge cases) as SVG from the report tests' sample
# data, and renders each to PNG with headless Chromium, so a person can look at what a statistician will see.
#   bench/render-svg.sh [output-directory]      (default bench/figures)
# Installs Debian's chromium if missing (needs root).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-bench/figures}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium (apt-get)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# The figures come from the test that writes them (the same samples the SVG tests check).
RPS_FIGURES="$out" dotnet test tests/Core.Tests --nologo --verbosity quiet \
  --filter "FullyQualifiedName~SvgTests.SampleFigures_AreWrittenAsSvgFiles" >/dev/null

for svg in "$out"/*.svg; do
  png=${svg%.svg}.png
  # The window is as tall as the figure (its height attribute, plus the page margin), so nothing is cut off.
  height=$(grep -o -m1 '<svg [^>]*height="[0-9.]*"' "$svg" | sed 's/.*height="\([0-9.]*\)"/\1/')
  height=$(( ${height%.*} + 20 ))
  profile=$(mktemp -d)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --screenshot="$png" --window-size=1000,"$height" \
    "file://$svg" >/dev/null 2>&1
  rm -rf "$profile"
  echo "$png"
done
