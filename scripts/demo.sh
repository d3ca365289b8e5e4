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
runs=$(bin/starter list --json 2>/dev/null | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' || echo 1)
if [ "$runs" -gt 1 ]; then
  echo "(the demo's database holds $runs runs: this one read conversations an earlier demo already grouped,"
  echo " so it changed no story and reports 0 new, 0 updated; the backlog below is what the runs built)"
fi
echo
echo "== the backlog"
bin/starter stories | awk 'NR<=40'
echo
echo "== the largest stories as the story review wrote them (stories --markdown)"
bin/starter stories --markdown | awk '/^## /{n++} n<=3 && c++<60'
echo
echo "== groups the story review rejected or split (stories --json: reviews)"
bin/starter stories --json | python3 -c '
import json, sys
reviews = json.load(sys.stdin)["reviews"]
other = [r for r in reviews if r["verdict"] != "keep"]
print("  %d groups reviewed, %d kept as they were" % (len(reviews), len(reviews) - len(other)))
for r in other:
    print("  %-8s %s: %s (%d conversations) %s" % (r["verdict"], r["group_key"], r["reason"],
          len(r["member_ids"]), " ".join(r["part_keys"])))
'
echo
echo "== grouping quality against the sample's ground-truth labels"
bin/starter eval --labels sampledata/labels.csv
echo
echo "Browse runs in the Temporal UI: http://localhost:8233/namespaces/default/workflows"
echo "Filter them there with: WorkflowType='PipelineRun' AND PipelineStatus='completed'"
echo "The demo's data is in its own database: DATABASE_URL=postgres://feedback@127.0.0.1:55432/feedback_demo"
echo "Stop the local services with: make down"
echo
# The backlog in a browser, left serving (loopback only) after the demo ends; a demo run again
# replaces the server it started before. Port 8080, or the next free one up to 8089
# (DEMO_WEB_ADDR=host:port to choose).
web_log=.dev/demo-web.log
old_web=$(cat .dev/demo-web.pid 2>/dev/null || true)
if [ -n "$old_web" ] && ps -p "$old_web" -o args= 2>/dev/null | grep -q "starter serve"; then
  kill "$old_web" 2>/dev/null || true
  sleep 0.5
fi
web_addr=""
for addr in ${DEMO_WEB_ADDR:-127.0.0.1:8080 127.0.0.1:8081 127.0.0.1:8082 127.0.0.1:8083 127.0.0.1:8084 127.0.0.1:8085 127.0.0.1:8086 127.0.0.1:8087 127.0.0.1:8088 127.0.0.1:8089}; do
  nohup bin/starter serve --addr "$addr" >"$web_log" 2>&1 &
  echo $! >.dev/demo-web.pid
  for _ in $(seq 1 40); do
    grep -q "serving the backlog" "$web_log" && { web_addr=$addr; break; }
    kill -0 "$(cat .dev/demo-web.pid)" 2>/dev/null || break
    sleep 0.25
  done
  [ -n "$web_addr" ] && break
done
if [ -z "$web_addr" ]; then
  echo "the web backlog did not start:"; tail -5 "$web_log"; exit 1
fi
echo "Stop the backlog's web server with: kill \$(cat .dev/demo-web.pid)"
echo "== the backlog in a browser: http://$web_addr/"
