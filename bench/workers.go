package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// workers are the worker processes of one benchmark run.
type workers struct {
	cmds   []*exec.Cmd
	logDir string
}

func startWorkers(bin string, n int, env []string) (*workers, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("worker binary %s: %w (build it with `make build`)", bin, err)
	}
	dir, err := os.MkdirTemp("", "feedbackpipe-bench-")
	if err != nil {
		return nil, fmt.Errorf("create log folder: %w", err)
	}
	w := &workers{logDir: dir}
	for i := range n {
		log, err := os.Create(filepath.Join(dir, fmt.Sprintf("worker-%d.log", i)))
		if err != nil {
			w.stop()
			return nil, fmt.Errorf("create worker log: %w", err)
		}
		cmd := exec.Command(bin)
		cmd.Env, cmd.Stdout, cmd.Stderr = env, log, log
		if err := cmd.Start(); err != nil {
			w.stop()
			return nil, fmt.Errorf("start worker %s: %w", bin, err)
		}
		w.cmds = append(w.cmds, cmd)
	}
	return w, nil
}

func (w *workers) pids() []int {
	out := make([]int, len(w.cmds))
	for i, c := range w.cmds {
		out[i] = c.Process.Pid
	}
	return out
}

// peakRSS is the largest peak resident set of the workers.
func (w *workers) peakRSS() int64 {
	var most int64
	for _, pid := range w.pids() {
		if n, err := peakRSS(pid); err == nil {
			most = max(most, n)
		}
	}
	return most
}

// stop asks the workers to shut down, and kills those still running after 15 s.
func (w *workers) stop() {
	for _, c := range w.cmds {
		_ = c.Process.Signal(syscall.SIGTERM)
	}
	for _, c := range w.cmds {
		done := make(chan struct{})
		go func() { _ = c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = c.Process.Kill()
			<-done
		}
	}
}
