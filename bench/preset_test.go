package main

import (
	"strings"
	"testing"
	"time"
)

// The presets are what the README documents, the environment overrides their fields, and a bad
// value is refused with the variable's name.
func TestPresetFromEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	p, err := presetFromEnv(env(map[string]string{"BENCH": "daily"}))
	if err != nil || p.N != 5000 || p.History != 20000 || p.Latency != time.Millisecond {
		t.Errorf("daily = %+v, %v; want N=5,000 over a history of 20,000 at L=1ms", p, err)
	}
	p, err = presetFromEnv(env(map[string]string{"BENCH": "cpu", "BENCH_HISTORY": "300", "BENCH_N": "700"}))
	if err != nil || p.History != 300 || p.N != 700 {
		t.Errorf("cpu with BENCH_HISTORY=300 BENCH_N=700 = %+v, %v", p, err)
	}
	if p, err = presetFromEnv(env(nil)); err != nil || p.Name != "default" || p.History != 0 {
		t.Errorf("no BENCH = %+v, %v; want the default preset without history", p, err)
	}
	for _, bad := range []map[string]string{{"BENCH_HISTORY": "-1"}, {"BENCH_HISTORY": "lots"}, {"BENCH": "weekly"}} {
		if _, err := presetFromEnv(env(bad)); err == nil || !strings.Contains(err.Error(), "BENCH") {
			t.Errorf("%v: error %v, want one naming the variable", bad, err)
		}
	}
}
