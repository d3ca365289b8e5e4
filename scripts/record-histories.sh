#!/usr/bin/env bash
# Records the workflow histories the replay test (workflows/replay_test.go) replays: a completed
# run, a completed run of 1,400 conversations (long enough to embed in the background during
# extraction), a dry run, a run stopped mid-extraction, the run index that admitted them, and a
# completed run whose model calls take 300 ms (long enough to review ahead). Run it
# after `make up` whenever the workflows change shape on purpose:
#   scripts/record-histories.sh [PREFIX]   (default prefix: today's date; an existing one is refused)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-$(date -u +%Y%m%d)}
out=workflows/testdata/histories
# Histories of released shapes are kept forever: never record over one.
for f in "$out/run_${prefix}_completed.json" "$out/run_${prefix}_completed_large.json" "$out/run_${prefix}_dry_run.json" \
  "$out/run_${prefix}_stopped_during_extraction.json" "$out/index_${prefix}.json" "$out/run_${prefix}_completed_review_ahead.json"; do
  if [ -e "$f" ]; then echo "$f exists: histories are never re-recorded; pick another PREFIX" >&2; exit 1; fi
done
T=$(scripts/tools.sh temporal-path)
tmp=$(mktemp -d)
db=record_$(date +%s)
queue=record-$(date +%s)
psql_admin() { psql -h 127.0.0.1 -p 55432 -U feedback -d postgres -qtAc "$1"; }
psql_admin "CREATE DATABASE $db"
export DATABASE_URL=postgres://feedback@127.0.0.1:55432/$db?sslmode=disable TASK_QUEUE=$queue
go build -o "$tmp/worker" ./worker
go build -o "$tmp/starter" ./starter
LOCAL_MODEL_LATENCY=50ms "$tmp/worker" >"$tmp/worker.log" 2>&1 &
worker=$!
slow=
trap 'kill $worker $slow 2>/dev/null; wait $worker $slow 2>/dev/null; psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$tmp"' EXIT
sleep 2
"$tmp/starter" import sampledata/conversations.jsonl >/dev/null
# The sample three more times under other IDs: 1,400 conversations in all.
for copy in 1 2 3; do
  python3 -c "import json,sys
for line in sys.stdin:
    c = json.loads(line); c['id'] = c['id'] + '-copy$copy'; print(json.dumps(c))" \
    <sampledata/conversations.jsonl >"$tmp/copy$copy.jsonl"
  "$tmp/starter" import "$tmp/copy$copy.jsonl" >/dev/null
done
id() { python3 -c "import json,sys; print(json.load(sys.stdin)['run_id'])"; }
# fresh_copy SUFFIX HOURS: the sample under IDs ending in -SUFFIX, its first message changed (so no
# theme is cached for it), created HOURS hours ago.
fresh_copy() {
  python3 -c "import json,sys,datetime
at = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=$2)
for line in sys.stdin:
    c = json.loads(line); c['id'] = c['id'] + '-$1'; c['messages'][0]['text'] += ' ($1)'
    c['created_at'] = at.strftime('%Y-%m-%dT%H:%M:%SZ')
    for i, m in enumerate(c['messages']):
        m['created_at'] = (at + datetime.timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')
    print(json.dumps(c))" <sampledata/conversations.jsonl
}
completed=$("$tmp/starter" run --days 3650 --max 120 --json | id)
"$tmp/starter" status "$completed" >/dev/null
until "$tmp/starter" status "$completed" --json | grep -q '"status": "completed"'; do sleep 0.5; done
large=$("$tmp/starter" run --days 3650 --concurrency 16 --json | id)
until "$tmp/starter" status "$large" --json | grep -q '"status": "completed"'; do sleep 0.5; done
dry=$("$tmp/starter" run --days 3650 --max 60 --dry-run --json | id)
until "$tmp/starter" status "$dry" --json | grep -q '"status": "completed"'; do sleep 0.5; done
# The run to stop starts with 400 conversations not extracted before, older than the others (so
# first in its selection): cached themes alone would let it end before the stop arrives.
fresh_copy stop $((3000 * 24)) >"$tmp/stop.jsonl"
"$tmp/starter" import "$tmp/stop.jsonl" >/dev/null
stopped=$("$tmp/starter" run --days 3650 --concurrency 1 --json | id)
sleep 3
"$tmp/starter" stop "$stopped" >/dev/null
until "$tmp/starter" status "$stopped" --json | grep -q '"status": "stopped"'; do sleep 0.5; done
sleep 1
for pair in "completed:$completed" "completed_large:$large" "dry_run:$dry" "stopped_during_extraction:$stopped"; do
  "$T" workflow show --workflow-id "${pair#*:}" --output json >"$out/run_${prefix}_${pair%%:*}.json"
done
"$T" workflow show --workflow-id "pipeline-run-index-$queue" --output json >"$out/index_${prefix}.json"
# Calls of 300 ms, on a task queue of their own, over 400 conversations of the last day not
# extracted before (no cached theme): the run reviews ahead (workflows/review_ahead.go).
fresh_copy slow 2 >"$tmp/slow.jsonl"
"$tmp/starter" import "$tmp/slow.jsonl" >/dev/null
TASK_QUEUE=$queue-slow LOCAL_MODEL_LATENCY=300ms "$tmp/worker" >"$tmp/worker-slow.log" 2>&1 &
slow=$!
sleep 2
ahead=$(TASK_QUEUE=$queue-slow "$tmp/starter" run --days 1 --max 400 --concurrency 8 --json | id)
until TASK_QUEUE=$queue-slow "$tmp/starter" status "$ahead" --json | grep -q '"status": "completed"'; do sleep 0.5; done
sleep 1
"$T" workflow show --workflow-id "$ahead" --output json >"$out/run_${prefix}_completed_review_ahead.json"
grep -q '"ReviewAhead"' "$out/run_${prefix}_completed_review_ahead.json" || echo "warning: the slow run made no ReviewAhead" >&2
echo "recorded into $out: run_${prefix}_{completed,completed_large,dry_run,stopped_during_extraction,completed_review_ahead}.json, index_${prefix}.json"
