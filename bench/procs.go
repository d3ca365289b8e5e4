package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTicks is the kernel's USER_HZ, the unit of utime and stime in /proc/PID/stat.
const clockTicks = 100

// cpuTime is the user+system CPU a process has used, read from /proc.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces: the fields follow the last ')'.
	rest := data[bytes.LastIndexByte(data, ')')+2:]
	fields := strings.Fields(string(rest))
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// peakRSS is a process's peak resident set size in bytes (VmHWM).
func peakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmHWM", pid)
}

// pidsMatching returns the processes whose command line contains every one of words.
func pidsMatching(words ...string) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []int
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		line := string(bytes.ReplaceAll(cmd, []byte{0}, []byte{' '}))
		all := true
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			if pid, err := strconv.Atoi(filepath.Base(d)); err == nil && pid != os.Getpid() {
				out = append(out, pid)
			}
		}
	}
	return out
}

// cpuOf sums the CPU time of pids (processes that ended meanwhile count as zero).
func cpuOf(pids []int) time.Duration {
	var sum time.Duration
	for _, pid := range pids {
		if d, err := cpuTime(pid); err == nil {
			sum += d
		}
	}
	return sum
}

// cpuGroups are the processes whose CPU the benchmark reports, found once before the run.
type cpuGroups struct {
	workers, temporal, postgres []int
}

func findCPUGroups(workers []int) cpuGroups {
	return cpuGroups{
		workers:  workers,
		temporal: pidsMatching("temporal", "server", "start-dev"),
		// Postgres forks a backend per connection: its children started during the run are
		// counted through the postmaster's cumulative children time below.
		postgres: pidsMatching("postgres", "-D"),
	}
}

// postgresCPU is the CPU of the postmaster and every backend it reaped (cutime+cstime) plus the
// backends alive now.
func postgresCPU(postmasters []int) time.Duration {
	var sum time.Duration
	for _, pid := range postmasters {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
		if len(fields) < 15 {
			continue
		}
		var ticks int64
		for _, i := range []int{11, 12, 13, 14} { // utime, stime, cutime, cstime
			n, _ := strconv.ParseInt(fields[i], 10, 64)
			ticks += n
		}
		sum += time.Duration(ticks) * time.Second / clockTicks
	}
	return sum + cpuOf(pidsMatching("postgres: "))
}

// cpuSnapshot is the CPU each group of processes used so far.
type cpuSnapshot map[string]time.Duration

func snapshotCPU(g cpuGroups) cpuSnapshot {
	self, _ := cpuTime(os.Getpid())
	return cpuSnapshot{
		"worker":         cpuOf(g.workers),
		"built-in model": self,
		"temporal":       cpuOf(g.temporal),
		"postgres":       postgresCPU(g.postgres),
	}
}

// perConversation is the CPU milliseconds per conversation each group used since before, and
// the pipeline's own (everything but the built-in model) apart.
func (after cpuSnapshot) perConversation(before cpuSnapshot, n int) map[string]float64 {
	out := map[string]float64{}
	var pipelineCPU time.Duration
	for k, v := range after {
		d := v - before[k]
		out[k] = float64(d.Microseconds()) / 1000 / float64(n)
		if k != "built-in model" {
			pipelineCPU += d
		}
	}
	out["pipeline (all but the model)"] = float64(pipelineCPU.Microseconds()) / 1000 / float64(n)
	return out
}
