#!/usr/bin/env bash
# Headless Chromium for the campaign report's browser test (tests/bot/test_report_browser.py).
# Idempotent; exit status 3 when this machine cannot have it (the test then skips saying why).
set -uo pipefail
for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: chromium is missing and cannot be installed here (needs root and apt-get)" >&2
  exit 3
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
  echo "setup-browser: apt-get could not install chromium" >&2
  exit 3
fi
command -v chromium >/dev/null 2>&1 || exit 3
