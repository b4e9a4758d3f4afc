#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (playwright-core drives it;
# Playwright's own browser download cannot work offline). Needs root.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "Chromium is already installed: $(chromium --version 2>/dev/null || echo chromium)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium
