#!/usr/bin/env bash
# Grouping quality over every labelled set: for each set, a fresh database and task queue, a
# worker on them (the built-in model unless OPENAI_API_KEY is set), import, one run with stories,
# `starter eval --json`; then a table of the scores. Usage: scripts/eval.sh [SET...]
# A SET is a directory holding conversations.jsonl and labels.csv (default: sampledata and every
# evalsets/*/). The mobile set is the holdout: tune nothing against it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  set -- sampledata
  for d in evalsets/*/; do [ -f "$d/labels.csv" ] && set -- "$@" "$d"; done
fi
mkdir -p .dev
TEMPORAL=$(scripts/tools.sh temporal-path) # the run index workflow a set's run starts is ended after it
BIN=${BIN:-bin} # where the worker and starter binaries are
results=()
titles=$BIN/eval-titles.md
: >"$titles"
for dir in "$@"; do
  dir=${dir%/}
  [ -f "$dir/conversations.jsonl" ] && [ -f "$dir/labels.csv" ] || { echo "eval: $dir has no conversations.jsonl and labels.csv" >&2; exit 1; }
  name=$(basename "$dir")
  db=eval_${name//[^a-z0-9]/_}_$(date +%s)
  export DATABASE_URL="postgres://feedback@127.0.0.1:55432/$db?sslmode=disable" TASK_QUEUE=$db
  scripts/services.sh db-create "$db"
  log=.dev/eval-$name-worker.log
  "$BIN/worker" >"$log" 2>&1 &
  worker=$!
  cleanup() {
    kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true
    "$TEMPORAL" workflow terminate --query "TaskQueue='$TASK_QUEUE' AND ExecutionStatus='Running'" \
      --reason "make eval ended" --yes >/dev/null || true
    scripts/services.sh db-drop "$db" || true
  }
  trap cleanup EXIT
  for _ in $(seq 1 60); do
    grep -q "worker started" "$log" && break
    kill -0 "$worker" 2>/dev/null || { echo "eval: the worker exited:"; tail -5 "$log"; exit 1; }
    sleep 0.5
  done
  "$BIN/starter" import "$dir/conversations.jsonl" >/dev/null
  # a worker that just started may not show as a poller yet: retry the refusal for a while
  for attempt in $(seq 1 15); do
    if out=$("$BIN/starter" run --days 3650 --wait 2>&1); then break; fi
    grep -q "no worker is polling" <<<"$out" && [ "$attempt" -lt 15 ] || { echo "$out" >&2; exit 1; }
    sleep 2
  done
  json=$("$BIN/starter" eval --labels "$dir/labels.csv" --json)
  results+=("$name	$json")
  # the ten largest stories' titles, for reading what the backlog says
  { echo "## $name"; "$BIN/starter" stories --json | jq -r '.stories[:10][] | "- \(.title) (\(.conversation_count))"'; echo; } >>"$titles"
  cleanup
  trap - EXIT
done
printf '%-12s %6s %6s %6s %8s %8s %7s %7s %6s %7s\n' set P R F1 BCubedF1 orphans stories orphgrp convs issues
for row in "${results[@]}"; do
  name=${row%%	*}
  json=${row#*	}
  tag=$name; [ "$name" = mobile ] && tag="$name*"
  jq -r --arg n "$tag" '[$n, .pairwise_precision, .pairwise_recall, .pairwise_f1, .bcubed_f1, .orphan_rate, .stories, .orphan_groups, .conversations, .issue_coverage] | @tsv' <<<"$json" |
    awk -F'\t' '{printf "%-12s %6.2f %6.2f %6.2f %8.2f %8.2f %7d %7d %6d %7.2f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}'
done
echo "* holdout set: scored for the final measurement only, never tuned against"
echo "convs: the labelled conversations the run themed, which the scores are over; issues: the share"
echo "of the labelled issue conversations (noise aside) the run themed (the rest it read as not actionable)"
echo "the ten largest stories of each set: $titles"
