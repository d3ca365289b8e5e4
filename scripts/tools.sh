#!/usr/bin/env bash
# Builds the tools the project needs into .tools/bin when they are missing:
# the Temporal CLI (dev server + UI), pinned; about three minutes the first time, then cached.
#   scripts/tools.sh temporal-path   # ensure it, print its path
# and headless Chromium for the browser test of the web backlog (Debian package chromium):
#   scripts/tools.sh chromium        # install it when missing
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPORAL_CLI_VERSION=v1.5.1
BIN=$PWD/.tools/bin
case "${1:-}" in
  temporal-path)
    if [ ! -x "$BIN/temporal" ]; then
      if command -v temporal >/dev/null 2>&1 && temporal --version 2>/dev/null | grep -q "${TEMPORAL_CLI_VERSION#v}"; then
        command -v temporal; exit 0
      fi
      echo "building the Temporal CLI $TEMPORAL_CLI_VERSION into .tools/bin (first time only, ~3 min)" >&2
      mkdir -p "$BIN"
      GOBIN=$BIN GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2
    fi
    echo "$BIN/temporal"
    ;;
  chromium)
    if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
      echo "installing chromium (headless browser for the web backlog's browser test)" >&2
      sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
      $sudo apt-get install -y chromium >&2 || { $sudo apt-get update >&2 && $sudo apt-get install -y chromium >&2; }
    fi
    ;;
  *) echo "usage: $0 temporal-path|chromium" >&2; exit 2 ;;
esac
