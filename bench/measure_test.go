package main

import (
	"math"
	"testing"
	"time"

	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
)

// A phase the run never showed takes no time, and the phases still add up to the wall time.
func TestPhaseDurationsOfAnUnseenPhase(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	end := start.Add(82 * time.Second)
	got := phaseDurations(start, end, map[string]time.Time{
		pipeline.PhaseExtraction: start, pipeline.PhaseStories: start.Add(80 * time.Second)})
	want := map[string]float64{"extraction": 80, "embedding": 0, "stories": 2}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %.1f s, want %.1f s (all: %v)", k, got[k], v, got)
		}
	}
}

// The call slots' time splits into busy and the kinds of pause, and the parts add up to the window:
// slot one makes calls 10 ms and 200 ms apart, slot two one long call; a call after the window
// does not count, and one that runs past it counts up to its end.
func TestSlotTimeSplitsTheWindow(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	calls := []localmodel.CallSpan{
		{Arrived: at(1), Left: at(3)}, {Arrived: at(3.01), Left: at(5)}, {Arrived: at(5.2), Left: at(7)},
		{Arrived: at(0.5), Left: at(9.5)}, {Arrived: at(10.5), Left: at(11.5)},
	}
	cases := []struct {
		name string
		end  float64
		want SlotTime
	}{
		// Busy 2 + 1.99 + 1.8 + 9 slot-seconds; idle 0.5 + 1 before the first calls, 0.01 between,
		// 0.2 in a hand-over, 3 + 0.5 after the last calls: all halved for two slots.
		{"every call ends in the window", 10, SlotTime{Busy: 7.395, BeforeFirst: 0.75, Between: 0.005, HandOvers: 0.1, AfterLast: 1.75}},
		// The long call counts up to the end (8.5 s), and slot one stands idle after 7 s.
		{"a call runs past the end", 9, SlotTime{Busy: 7.145, BeforeFirst: 0.75, Between: 0.005, HandOvers: 0.1, AfterLast: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := slotTime(calls, 2, t0, tc.end)
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
			if !near(got.Busy, tc.want.Busy) || !near(got.BeforeFirst, tc.want.BeforeFirst) || !near(got.Between, tc.want.Between) ||
				!near(got.HandOvers, tc.want.HandOvers) || !near(got.AfterLast, tc.want.AfterLast) {
				t.Errorf("slotTime = %+v, want %+v", got, tc.want)
			}
			if sum := got.Busy + got.BeforeFirst + got.Between + got.HandOvers + got.AfterLast; !near(sum, tc.end) {
				t.Errorf("parts add up to %.6f s, want the window's %.1f s", sum, tc.end)
			}
		})
	}
}

// The machine's load is its busy CPU over the window, and what the benchmark's processes did not
// use of it is the others': 20 s of two cores, 15 s busy, 12 s of them the benchmark's.
func TestMachineLoadSplitsOursFromOthers(t *testing.T) {
	m0 := machineCPU{busy: 100 * time.Second, all: 400 * time.Second}
	m1 := machineCPU{busy: 115 * time.Second, all: 420 * time.Second}
	before := cpuSnapshot{"worker": 1 * time.Second, "postgres": 2 * time.Second}
	after := cpuSnapshot{"worker": 8 * time.Second, "postgres": 7 * time.Second}
	got := machineLoad(2, m0, m1, before, after)
	want := MachineLoad{Cores: 2, BusyCores: 1.5, OtherCores: 0.3}
	if got.Cores != want.Cores || math.Abs(got.BusyCores-want.BusyCores) > 1e-9 || math.Abs(got.OtherCores-want.OtherCores) > 1e-9 {
		t.Errorf("machineLoad = %+v, want %+v", got, want)
	}
	if idle := machineLoad(2, m0, m0, before, before); idle.BusyCores != 0 || idle.OtherCores != 0 {
		t.Errorf("no time passed: %+v, want nothing busy", idle)
	}
}
