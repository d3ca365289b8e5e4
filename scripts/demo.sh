#!/usr/bin/env bash
# The demo: start a worker, import the shipped sample conversations, run a pipeline with stories,
# follow it to its end, and show the backlog it built. Services stay up (`make down` stops them).
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo keeps its data in its own database, so it never mixes with yours; look at it again with
#   DATABASE_URL=postgres://feedback@127.0.0.1:55432/feedback_demo bin/starter stories
export DATABASE_URL=${DEMO_DATABASE_URL:-postgres://feedback@127.0.0.1:55432/feedback_demo?sslmode=disable}
# and its own task queue, so a worker you started yourself (on the default database) never picks
# up the demo's run.
export TASK_QUEUE=feedback-pipeline-demo
mkdir -p .dev
log=.dev/demo-worker.log
bin/worker >"$log" 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  grep -q "worker started" "$log" && break
  kill -0 $worker 2>/dev/null || { echo "the worker exited:"; tail -5 "$log"; exit 1; }
  sleep 0.5
done
echo "== worker started (log: $log)"
echo "== importing the sample conversations"
bin/starter import sampledata/conversations.jsonl
echo "== running the pipeline (extraction → embedding → stories)"
bin/starter run --days 3650 --wait
echo
echo "== the backlog"
bin/starter stories | head -40
echo
echo "== grouping quality against the sample's ground-truth labels"
bin/starter eval --labels sampledata/labels.csv
echo
echo "Browse runs in the Temporal UI: http://localhost:8233/namespaces/default/workflows"
echo "Filter them there with: WorkflowType='PipelineRun' AND PipelineStatus='completed'"
echo "The demo's data is in its own database: DATABASE_URL=postgres://feedback@127.0.0.1:55432/feedback_demo"
echo "Stop the local services with: make down"
