package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"
)

// Result is what one benchmark run measured.
type Result struct {
	Preset            Preset             `json:"preset"`
	WallSeconds       float64            `json:"wall_seconds"`
	IdealSeconds      float64            `json:"ideal_seconds"`
	Efficiency        float64            `json:"efficiency"`
	ConvPerSecond     float64            `json:"conversations_per_second"`
	PhaseSeconds      map[string]float64 `json:"phase_seconds"`
	LLMCallsPerConv   float64            `json:"llm_calls_per_conversation"`
	ChatRequests      int64              `json:"chat_requests"`
	EmbeddingRequests int64              `json:"embedding_requests"`
	PeakCallsInFlight int64              `json:"peak_calls_in_flight"`
	MeanCallsInFlight float64            `json:"mean_calls_in_flight_during_extraction"`
	ExtractionSlots   SlotTime           `json:"extraction_call_slots_seconds"`
	Run               historyStats       `json:"run_history"`
	Index             historyStats       `json:"index_history"`
	EventsPer1000     float64            `json:"history_events_per_1000_conversations"`
	WorkerPeakRSS     int64              `json:"worker_peak_rss_bytes"`
	PostgresBytes     int64              `json:"postgres_database_bytes"`
	CPUPerConvMS      map[string]float64 `json:"cpu_ms_per_conversation"`
	Machine           MachineLoad        `json:"machine"`
	Status            string             `json:"status"`
	// HistorySeconds is how long the run over the preset's history took (BENCH_HISTORY only).
	HistorySeconds float64 `json:"history_run_seconds,omitempty"`
	// StopSeconds is the time from the stop signal to the run's end (BENCH_STOP only).
	StopSeconds float64 `json:"stop_seconds,omitempty"`
}

// phases in the order a run goes through them.
var phases = []string{"extraction", "embedding", "stories"}

func (r Result) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := r.Preset
	row := func(k, format string, v ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, v...)) }
	row("preset", "%s: N=%d C=%d L=%v workers=%d", p.Name, p.N, p.Concurrency, p.Latency, p.Workers)
	row("status", "%s", r.Status)
	if p.History > 0 {
		row("history", "%d conversations a year older, run before (%.1f s); the run's window holds the %d new ones",
			p.History, r.HistorySeconds, p.N)
	}
	if p.StopIn != "" {
		row("stop latency", "%.2f s (stop sent when the run entered %s)", r.StopSeconds, p.StopIn)
	}
	row("wall time", "%.1f s (ideal N·L/C %.1f s)", r.WallSeconds, r.IdealSeconds)
	row("efficiency", "%.3f", r.Efficiency)
	row("conversations/s", "%.1f", r.ConvPerSecond)
	for _, ph := range phases {
		row("  "+ph, "%.1f s", r.PhaseSeconds[ph])
	}
	row("LLM calls/conversation", "%.3f (%d chat, %d embedding requests)", r.LLMCallsPerConv, r.ChatRequests, r.EmbeddingRequests)
	row("chat calls in flight", "peak %d, mean %.1f during extraction (C=%d)", r.PeakCallsInFlight, r.MeanCallsInFlight, p.Concurrency)
	sl := r.ExtractionSlots
	row("extraction's call slots", "busy %.2f s; idle %.2f s before the first call, %.2f s between calls, %.2f s in hand-overs, %.2f s after the last call",
		sl.Busy, sl.BeforeFirst, sl.Between, sl.HandOvers, sl.AfterLast)
	row("history events/1,000 conv", "%.0f (run: %d executions, largest %d events, %.1f KB; index: %d events)",
		r.EventsPer1000, r.Run.Executions, r.Run.LargestLen, float64(r.Run.LargestBytes)/1024, r.Index.Events)
	row("activities retried", "%d (a heartbeat or start-to-close timeout, or a failed attempt)", r.Run.RetriedActivities)
	row("worker peak RSS", "%.0f MB", float64(r.WorkerPeakRSS)/(1<<20))
	row("Postgres database", "%.0f MB", float64(r.PostgresBytes)/(1<<20))
	for _, k := range []string{"worker", "built-in model", "temporal", "postgres", "pipeline (all but the model)"} {
		row("CPU ms/conv, "+k, "%.3f", r.CPUPerConvMS[k])
	}
	row("machine's cores", "%.2f of %d busy during the run, %.2f of them outside the benchmark's processes",
		r.Machine.BusyCores, r.Machine.Cores, r.Machine.OtherCores)
	row("machine's speed", "sorting a million integers on one core took %.0f ms before the run, %.0f ms after (lower is faster)",
		r.Machine.CalibrationMS[0], r.Machine.CalibrationMS[1])
	_ = tw.Flush()
}

// save writes the result as JSON under dir and returns the file's path.
func (r Result) save(dir string, at time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.json", r.Preset.Name, at.UTC().Format("20060102-150405")))
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode result: %w", err)
	}
	return path, os.WriteFile(path, append(data, '\n'), 0o644)
}
