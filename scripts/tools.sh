#!/usr/bin/env bash
# Builds the tools the project needs into .tools/bin when they are missing:
# the Temporal CLI (dev server + UI), pinned; about three minutes the first time, then cached.
#   scripts/tools.sh temporal-path   # ensure it, print its path
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
  *) echo "usage: $0 temporal-path" >&2; exit 2 ;;
esac
