package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// machineCPU is the CPU the whole machine has spent so far, busy (user, nice, system, interrupts,
// steal) and in all, from /proc/stat's first line.
type machineCPU struct{ busy, all time.Duration }

func readMachineCPU() machineCPU {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machineCPU{}
	}
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	fields := strings.Fields(string(line))
	if len(fields) < 9 || fields[0] != "cpu" {
		return machineCPU{}
	}
	var m machineCPU
	for i, f := range fields[1:9] { // user nice system idle iowait irq softirq steal
		n, _ := strconv.ParseInt(f, 10, 64)
		d := time.Duration(n) * time.Second / clockTicks
		m.all += d
		if i != 3 && i != 4 {
			m.busy += d
		}
	}
	return m
}

// MachineLoad is how busy the machine's cores were during the run, and how much of that was
// processes outside the benchmark's (the machine is shared: their load explains runs that differ).
type MachineLoad struct {
	Cores      int     `json:"cores"`
	BusyCores  float64 `json:"busy_cores"`
	OtherCores float64 `json:"busy_cores_outside_the_benchmark"`
	// Calibration before and after the run (calibrate), in milliseconds: lower is a faster machine.
	CalibrationMS [2]float64 `json:"calibration_ms_before_after"`
}

// machineLoad is the load of a machine of cores between the two readings, the benchmark's
// processes having used the CPU between before and after.
func machineLoad(cores int, m0, m1 machineCPU, before, after cpuSnapshot) MachineLoad {
	wall := (m1.all - m0.all) / time.Duration(cores)
	if wall <= 0 {
		return MachineLoad{Cores: cores}
	}
	var ours time.Duration
	for k, v := range after {
		ours += v - before[k]
	}
	busy := m1.busy - m0.busy
	return MachineLoad{
		Cores:      cores,
		BusyCores:  busy.Seconds() / wall.Seconds(),
		OtherCores: max(0, (busy-ours).Seconds()/wall.Seconds()),
	}
}

// calibrate times a fixed piece of one core's work, sorting a million pseudo-random integers, and
// returns the fastest of three tries. On a shared machine the same code runs slower while other
// tenants load the host, with no sign of it inside this machine (no steal, no other process): the
// benchmark's CPU per conversation then grows for every process alike. Timed before and after the
// run, it says how fast the machine was, so runs of different hours compare.
func calibrate() time.Duration {
	rng := rand.New(rand.NewPCG(1, 2))
	base := make([]int, 1_000_000)
	for i := range base {
		base[i] = rng.Int()
	}
	work := make([]int, len(base))
	best := time.Duration(0)
	for range 3 {
		copy(work, base)
		start := time.Now()
		slices.Sort(work)
		if d := time.Since(start); best == 0 || d < best {
			best = d
		}
	}
	return best
}
