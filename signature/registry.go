package signature

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Loader reads the canonical signatures and aliases earlier runs stored.
type Loader func(ctx context.Context) ([]Entry, map[string]string, error)

// Registry holds one Cache per run in the worker process, shared by that worker's concurrent
// activity executions. A cache is created on a run's first use, seeded from Postgres, and
// dropped when the run ends. At most maxRuns caches are kept; the oldest is dropped first.
type Registry struct {
	mu         sync.Mutex
	load       Loader
	maxRuns    int
	maxEntries int
	caches     map[string]*runCache
	order      []string

	droppedHits, droppedMisses int64 // lookups of the caches dropped so far
}

// Stats is what the registry's caches hold and how well they answer, for metrics.
type Stats struct {
	Runs    int   // run caches held
	Entries int   // signatures held, over all run caches
	Hits    int64 // proposals answered from memory since the process started
	Misses  int64 // proposals left to Postgres since the process started
}

type runCache struct {
	once  sync.Once
	cache atomic.Pointer[Cache] // set once loaded; read by Stats while another caller loads
	err   error
}

// loaded is the run's cache once loaded, else nil (also for a nil runCache).
func (rc *runCache) loaded() *Cache {
	if rc == nil {
		return nil
	}
	return rc.cache.Load()
}

// NewRegistry makes a registry that seeds caches with load.
func NewRegistry(load Loader, maxRuns, maxEntries int) *Registry {
	return &Registry{load: load, maxRuns: max(maxRuns, 1), maxEntries: maxEntries, caches: map[string]*runCache{}}
}

// ForRun returns the run's cache, loading it on first use.
func (r *Registry) ForRun(ctx context.Context, runID string) (*Cache, error) {
	r.mu.Lock()
	rc, ok := r.caches[runID]
	if !ok {
		rc = &runCache{}
		r.caches[runID] = rc
		r.order = append(r.order, runID)
		for len(r.order) > r.maxRuns {
			r.forget(r.order[0])
		}
	}
	r.mu.Unlock()
	rc.once.Do(func() {
		seed, aliases, err := r.load(ctx)
		if err != nil {
			rc.err = fmt.Errorf("seed signature cache of run %s: %w", runID, err)
			return
		}
		rc.cache.Store(NewCache(seed, aliases, r.maxEntries))
	})
	if rc.err != nil {
		r.Drop(runID)
		return nil, rc.err
	}
	return rc.cache.Load(), nil
}

// Drop forgets the run's cache.
func (r *Registry) Drop(runID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forget(runID)
}

// forget drops a run's cache, keeping its lookups in the totals; r.mu is held.
func (r *Registry) forget(runID string) {
	if c := r.caches[runID].loaded(); c != nil {
		h, m := c.Lookups()
		r.droppedHits += h
		r.droppedMisses += m
	}
	delete(r.caches, runID)
	for i, id := range r.order {
		if id == runID {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
}

// Runs returns how many run caches are held.
func (r *Registry) Runs() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.caches)
}

// Held returns the IDs of the runs whose caches are held, for a sweep of ended runs.
func (r *Registry) Held() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.order...)
}

// Stats sums the caches held and the lookups of every cache since the process started.
func (r *Registry) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := Stats{Runs: len(r.caches), Hits: r.droppedHits, Misses: r.droppedMisses}
	for _, rc := range r.caches {
		c := rc.loaded()
		if c == nil {
			continue
		}
		st.Entries += c.Len()
		h, m := c.Lookups()
		st.Hits += h
		st.Misses += m
	}
	return st
}
