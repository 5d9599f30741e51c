#!/usr/bin/env bash
# Debian packages beside Python: fonts and Pango/HarfBuzz for the benchmarks' former renderer,
# WeasyPrint (bench/weasyprint_engine; the reports use Typst and need none); with --browser also
# chromium for the UI test.
# Installs only what is missing, and only where it can (root with apt-get).
set -euo pipefail
pkgs=(fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
[ "${1:-}" = "--browser" ] && pkgs+=(chromium)
need=()
for pkg in "${pkgs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "missing system packages (install them with apt-get as root): ${need[*]}" >&2
fi
