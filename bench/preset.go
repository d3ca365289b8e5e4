package main

import (
	"fmt"
	"strconv"
	"time"
)

// Preset is one benchmark case: N distinct conversations at concurrency C, with the built-in
// model answering each request after latency L, on W worker processes.
type Preset struct {
	Name        string        `json:"name"`
	N           int           `json:"conversations"`
	Concurrency int           `json:"concurrency"`
	Latency     time.Duration `json:"latency_ns"`
	Workers     int           `json:"workers"`
	// StopIn names a phase: the run is sent stop when its status first shows it, and the
	// benchmark reports how long the run took to end stopped.
	StopIn string `json:"stop_in,omitempty"`
	// History is how many other conversations, a year older, an earlier run extracted, embedded
	// and grouped before the measured run, whose window holds the N new ones only: a team's daily
	// run on a database with a history.
	History int `json:"history_conversations,omitempty"`
}

// presets are the documented cases: the default, the system this replaces on its own case
// (about 53 minutes there; the ceiling here is N·L/C ≈ 86 s), the whole stack's throughput on
// this machine, scale (bounded history and memory at 100k conversations), and a daily run's
// throughput on a database that holds a history of 20,000 conversations.
var presets = map[string]Preset{
	"default": {Name: "default", N: 5000, Concurrency: 64, Latency: time.Second, Workers: 1},
	"seed":    {Name: "seed", N: 1543, Concurrency: 20, Latency: 1100 * time.Millisecond, Workers: 1},
	"cpu":     {Name: "cpu", N: 10000, Concurrency: 64, Latency: time.Millisecond, Workers: 1},
	"scale":   {Name: "scale", N: 100000, Concurrency: 64, Latency: time.Millisecond, Workers: 1},
	"daily":   {Name: "daily", N: 5000, Concurrency: 64, Latency: time.Millisecond, Workers: 1, History: 20000},
}

// presetFromEnv returns the preset BENCH names (default when empty), with BENCH_N,
// BENCH_CONCURRENCY, BENCH_LATENCY, BENCH_WORKERS and BENCH_HISTORY overriding its fields, and
// BENCH_STOP naming the phase in which to stop the run.
func presetFromEnv(getenv func(string) string) (Preset, error) {
	name := getenv("BENCH")
	if name == "" {
		name = "default"
	}
	p, ok := presets[name]
	if !ok {
		return p, fmt.Errorf("BENCH=%s: unknown preset (default, seed, cpu, scale, daily)", name)
	}
	for _, o := range []struct {
		env string
		dst *int
	}{{"BENCH_N", &p.N}, {"BENCH_CONCURRENCY", &p.Concurrency}, {"BENCH_WORKERS", &p.Workers}} {
		if v := getenv(o.env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return p, fmt.Errorf("%s=%q: want a positive integer", o.env, v)
			}
			*o.dst = n
		}
	}
	if v := getenv("BENCH_HISTORY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, fmt.Errorf("BENCH_HISTORY=%q: want a number of conversations (0 for none)", v)
		}
		p.History = n
	}
	switch v := getenv("BENCH_STOP"); v {
	case "", "extraction", "embedding", "stories":
		p.StopIn = v
	default:
		return p, fmt.Errorf("BENCH_STOP=%q: want a phase (extraction, embedding, stories)", v)
	}
	if v := getenv("BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return p, fmt.Errorf("BENCH_LATENCY=%q: want a duration such as 1s or 200ms", v)
		}
		p.Latency = d
	}
	return p, nil
}

// ideal is the wall time of a run that keeps C calls in flight from start to end.
func (p Preset) ideal() time.Duration {
	return time.Duration(float64(p.N) * float64(p.Latency) / float64(p.Concurrency))
}
