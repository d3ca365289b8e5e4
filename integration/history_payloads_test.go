package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"index/suffixarray"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/reflect/protoreflect"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/runindex"
	"feedbackpipe/workerhost"
)

// Lengths below which a string is too common to mean a leak when found in history: message
// texts and model output shorter than minLeakText, subjects shorter than minSubjectText (those
// still must not be a whole value in history), signatures shorter than minSignature. Message
// texts are also searched for every window of leakWindow bytes, so a quoted part (an excerpt)
// is found too.
const (
	minLeakText    = 20
	minSubjectText = 12
	minSignature   = 16
	leakWindow     = 40
)

// TestHistoryCarriesNoCustomerOrModelText runs the sample data against the built-in model
// injecting faults (malformed and schema-violating answers, 429s, 500s, timeouts) with few
// attempts per call, so items fail and are filtered, and their errors reach the run's results.
// It then decodes every string and payload of every history the run created (its executions and
// the run index's) and the answers of the `status` and `runs` queries, and fails when any of them
// holds a conversation's text, subject, contact or source URL, or anything the model answered
// (what the run's extractions and themes store). Postgres, not Temporal, keeps the full error
// text: the test also checks that it does, and that some of it quotes the model, so the history
// check is not vacuous.
func TestHistoryCarriesNoCustomerOrModelText(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, localmodel.Config{FaultRate: 0.3, Seed: 11, TimeoutHang: 3 * time.Second}, func(o *workerhost.Options) {
		o.Config.LLM.CallTimeout = time.Second
		o.Config.LLM.MaxAttempts = 2
	})
	e.importSample()
	runID := e.start(allTime())
	final, err := e.result(runID, 5*time.Minute)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if final.Status != pipeline.StatusCompleted {
		t.Fatalf("run ended %s", final.Status)
	}
	if final.ExtractionFailed == 0 || len(final.Errors) == 0 {
		t.Fatalf("no extraction failed (%d failed, %d errors reported): the faults did not reach the results", final.ExtractionFailed, len(final.Errors))
	}

	forbidden := customerText(t)
	model := modelText(t, e, runID)
	forbidden = append(forbidden, model...)
	modelStrings := make([]string, len(model))
	for i, m := range model {
		modelStrings[i] = m.text
	}
	quoting := e.count(`SELECT count(*) FROM extractions WHERE run_id = $1 AND outcome IN ('failed', 'filtered')
		AND EXISTS (SELECT 1 FROM unnest($2::text[]) m WHERE strpos(detail, m) > 0)`, runID, modelStrings)
	if quoting == 0 {
		t.Fatal("no stored error or warning quotes the model: the run did not exercise what must stay out of history")
	}

	var texts []string
	for _, id := range []string{runID, pipeline.IndexWorkflowID(e.cfg.TaskQueue)} {
		texts = append(texts, historyTexts(t, e.tc, id)...)
	}
	status, err := json.Marshal(e.query(runID))
	if err != nil {
		t.Fatal(err)
	}
	index, err := runindex.Runs(ctx, e.tc, e.cfg.TaskQueue)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := json.Marshal(index)
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, jsonStrings(status)...)
	texts = append(texts, jsonStrings(runs)...)
	t.Logf("%d strings from history and queries; %d forbidden strings; %d stored errors and warnings quote the model; %d errors, %d warnings reported",
		len(texts), len(forbidden), quoting, len(final.Errors), len(final.Warnings))

	whole := make(map[string]bool, len(texts))
	for _, s := range texts {
		whole[s] = true
	}
	all := suffixarray.New([]byte(strings.Join(texts, "\x00")))
	var leaks []string
	for _, f := range forbidden {
		if f.exact && whole[f.text] || !f.exact && len(all.Lookup([]byte(f.text), 1)) > 0 {
			leaks = append(leaks, fmt.Sprintf("%s %q", f.what, f.text))
		}
	}
	if len(leaks) > 0 {
		t.Errorf("%d customer or model strings in Temporal history or query answers, e.g.:\n%s", len(leaks), strings.Join(leaks[:min(len(leaks), 15)], "\n"))
	}
}

// leak is a string that must not appear in history: as a substring, or (exact) as a whole value.
type leak struct {
	what  string
	text  string
	exact bool
}

// customerText is the sample data's text: every message of minLeakText or more, and its windows;
// every subject; every contact and source URL.
func customerText(t *testing.T) []leak {
	var out []leak
	for _, c := range sampleConversations(t) {
		if c.Subject != "" {
			out = append(out, leak{"subject of " + c.ID, c.Subject, len(c.Subject) < minSubjectText})
		}
		for _, s := range []string{c.Contact, c.SourceURL} {
			if s != "" {
				out = append(out, leak{"contact or URL of " + c.ID, s, false})
			}
		}
		for _, m := range c.Messages {
			if len(m.Text) < minLeakText {
				continue
			}
			out = append(out, leak{"message of " + c.ID, m.Text, false})
			for i := 0; i+leakWindow <= len(m.Text); i += leakWindow / 4 {
				if w := m.Text[i : i+leakWindow]; utf8.ValidString(w) {
					out = append(out, leak{"part of a message of " + c.ID, w, false})
				}
			}
		}
	}
	return out
}

// modelText is what the model wrote in the run: the free-text fields of every stored answer
// (themes, filtered and not-actionable items) and of every theme, and every signature, proposed
// or canonical. Enumerated values (conversation types, resolution categories...) are vocabulary,
// not text.
func modelText(t *testing.T, e *env, runID string) []leak {
	ctx := context.Background()
	var out []leak
	add := func(what, s string, least int) {
		if len(s) >= least {
			out = append(out, leak{what, s, false})
		}
	}
	rows, err := e.worker.Store.Pool().Query(ctx, `
		SELECT conversation_id, coalesce(jsonb_build_array(result->'product_area', result->'component',
			result->'issue_signature', result->'user_intent', result->'symptoms', result->'affected_flow',
			result->'root_cause_hypothesis', result->'diagnostic_summary', result->'key_excerpts')::text, ''),
			signature
		FROM extractions WHERE run_id = $1`, runID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, result, sig string
		if err := rows.Scan(&id, &result, &sig); err != nil {
			t.Fatal(err)
		}
		add("signature of "+id, sig, minSignature)
		for _, s := range jsonStrings([]byte(result)) {
			add("model answer for "+id, s, minLeakText)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = e.worker.Store.Pool().Query(ctx, `
		SELECT conversation_id, jsonb_build_array(product_area, component, issue_signature, proposed_signature,
			user_intent, affected_flow, root_cause_hypothesis, diagnostic_summary, symptoms, key_excerpts)::text
		FROM themes WHERE run_id = $1`, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, fields string
		if err := rows.Scan(&id, &fields); err != nil {
			t.Fatal(err)
		}
		for _, s := range jsonStrings([]byte(fields)) {
			add("theme of "+id, s, minLeakText)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("the run stored no model output")
	}
	return out
}

// historyTexts returns every string in the histories of the workflow's executions, newest first
// back through its continue-as-new chain: each event's string fields, and each payload decoded
// (inputs, results, heartbeat details, signal and update arguments, memo, search attributes,
// failures with their causes).
func historyTexts(t *testing.T, tc client.Client, workflowID string) []string {
	var out []string
	for runID := ""; ; {
		it := tc.GetWorkflowHistory(context.Background(), workflowID, runID, false, 0)
		previous := ""
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", workflowID, err)
			}
			if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
				previous = a.GetContinuedExecutionRunId()
			}
			collectStrings(ev.ProtoReflect(), &out)
		}
		if previous == "" {
			return out
		}
		runID = previous
	}
}

func collectStrings(m protoreflect.Message, out *[]string) {
	if p, ok := m.Interface().(*commonpb.Payload); ok {
		*out = append(*out, string(p.GetData()))
		if string(p.GetMetadata()["encoding"]) == "json/plain" {
			*out = append(*out, jsonStrings(p.GetData())...)
		}
		return
	}
	value := func(fd protoreflect.FieldDescriptor, v protoreflect.Value) {
		switch fd.Kind() {
		case protoreflect.MessageKind, protoreflect.GroupKind:
			collectStrings(v.Message(), out)
		case protoreflect.StringKind:
			*out = append(*out, v.String())
		case protoreflect.BytesKind:
			*out = append(*out, string(v.Bytes()))
		}
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				value(fd, v.List().Get(i))
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				*out = append(*out, k.String())
				value(fd.MapValue(), mv)
				return true
			})
		default:
			value(fd, v)
		}
		return true
	})
}

// jsonStrings returns every string (keys and values) in a JSON document; nothing when it is not
// JSON.
func jsonStrings(data []byte) []string {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				out = append(out, k)
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
