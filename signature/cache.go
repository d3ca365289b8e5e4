package signature

import (
	"sort"
	"strings"
	"sync"
)

// Entry is a canonical signature known to a cache.
type Entry struct {
	Signature   string
	ProductArea string
	Count       int
}

// Thresholds of near-duplicate matching: two signatures of one product area are the same when
// their folded tokens overlap this much, or their spellings are this close.
const (
	TokenThreshold = 0.75
	CharThreshold  = 0.9
)

// Resolution says how a proposed signature was canonicalized.
type Resolution struct {
	Canonical   string // the signature the theme is stored under
	ProductArea string // the canonical signature's product area
	Minted      bool   // the proposal became a new canonical signature
	Alias       bool   // the proposal differs from Canonical and maps to it
}

type entry struct {
	Entry
	tokens map[string]bool
	folded string
}

// Cache is one run's view of the canonical signatures: seeded from those earlier runs stored,
// grown by this run's extractions, guarded by a mutex so concurrent extractions converge. It is
// never held across an LLM call: Resolve only compares strings.
type Cache struct {
	mu         sync.Mutex
	entries    map[string]*entry
	byFolded   map[string]*entry
	aliases    map[string]string
	maxEntries int
	known      []Entry // Known's last answer, reused until it goes stale
	knownLimit int
	knownAge   int // resolutions since known was computed
}

// knownRefresh bounds how many resolutions may pass before the prompt's list is recomputed; a
// newly minted signature refreshes it at once.
const knownRefresh = 32

// NewCache seeds a cache. maxEntries bounds memory: past it, the least used entries are dropped
// (their rows stay in Postgres; the cache only speeds up convergence).
func NewCache(seed []Entry, aliases map[string]string, maxEntries int) *Cache {
	c := &Cache{
		entries:    make(map[string]*entry, len(seed)),
		byFolded:   make(map[string]*entry, len(seed)),
		aliases:    make(map[string]string, len(aliases)),
		maxEntries: max(maxEntries, 16),
	}
	for _, e := range seed {
		c.add(e)
	}
	for a, canon := range aliases {
		c.aliases[a] = canon
	}
	c.trim()
	return c
}

func (c *Cache) add(e Entry) *entry {
	set := tokenSet(e.Signature)
	en := &entry{Entry: e, tokens: set, folded: foldedKey(set)}
	c.entries[e.Signature] = en
	if _, taken := c.byFolded[en.folded]; !taken {
		c.byFolded[en.folded] = en
	}
	return en
}

// Resolve canonicalizes a proposed signature: normalize, reject non-specific ones, follow the
// alias table, then match exactly, then as a near-duplicate of the same product area, else mint
// it. The first of several concurrent near-identical proposals wins; the others become aliases.
func (c *Cache) Resolve(proposed, productArea string) (Resolution, error) {
	sig := Normalize(proposed)
	if err := CheckSpecific(sig); err != nil {
		return Resolution{}, err
	}
	area := Normalize(productArea)
	c.mu.Lock()
	defer c.mu.Unlock()
	if canon, ok := c.followAlias(sig); ok {
		if e, ok := c.entries[canon]; ok {
			e.Count++
			return Resolution{Canonical: canon, ProductArea: e.ProductArea, Alias: canon != sig}, nil
		}
	}
	if e, ok := c.entries[sig]; ok {
		e.Count++
		return Resolution{Canonical: sig, ProductArea: e.ProductArea}, nil
	}
	if e := c.nearest(sig, area); e != nil {
		e.Count++
		c.aliases[sig] = e.Signature
		return Resolution{Canonical: e.Signature, ProductArea: e.ProductArea, Alias: true}, nil
	}
	c.add(Entry{Signature: sig, ProductArea: area, Count: 1})
	c.trim()
	c.known = nil
	return Resolution{Canonical: sig, ProductArea: area, Minted: true}, nil
}

func (c *Cache) followAlias(sig string) (string, bool) {
	seen := map[string]bool{}
	cur, found := sig, false
	for !seen[cur] {
		seen[cur] = true
		next, ok := c.aliases[cur]
		if !ok {
			break
		}
		cur, found = next, true
	}
	return cur, found
}

// nearest finds the best near-duplicate of sig among entries of the same product area.
func (c *Cache) nearest(sig, area string) *entry {
	set := tokenSet(sig)
	if e, ok := c.byFolded[foldedKey(set)]; ok && e.ProductArea == area {
		return e
	}
	plain := strings.ReplaceAll(sig, "_", "")
	var best *entry
	bestScore := 0.0
	for _, e := range c.entries {
		if e.ProductArea != area {
			continue
		}
		score := jaccard(set, e.tokens)
		if score < TokenThreshold {
			if cs := charSimilarity(plain, strings.ReplaceAll(e.Signature, "_", "")); cs >= CharThreshold {
				score = cs
			} else {
				continue
			}
		}
		if score > bestScore || (score == bestScore && best != nil && e.Signature < best.Signature) {
			best, bestScore = e, score
		}
	}
	return best
}

// trim drops the least used entries beyond the bound.
func (c *Cache) trim() {
	if len(c.entries) <= c.maxEntries {
		return
	}
	all := c.sorted()
	for _, e := range all[c.maxEntries:] {
		delete(c.entries, e.Signature)
		if c.byFolded[e.folded] == e {
			delete(c.byFolded, e.folded)
		}
	}
}

func (c *Cache) sorted() []*entry {
	all := make([]*entry, 0, len(c.entries))
	for _, e := range c.entries {
		all = append(all, e)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Count != all[j].Count {
			return all[i].Count > all[j].Count
		}
		return all[i].Signature < all[j].Signature
	})
	return all
}

// Known returns up to limit canonical signatures for the extraction prompt: every product area's
// most used first, taken in turns across areas (the busiest area first), so a small area's
// signatures are offered too. The product area of a conversation is itself an output of the
// call, so the prompt cannot be narrowed to one area beforehand. The list is recomputed when a
// signature is minted or after a few dozen calls; callers must not modify it.
func (c *Cache) Known(limit int) []Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.knownAge++
	if c.known != nil && c.knownLimit == limit && c.knownAge <= knownRefresh {
		return c.known
	}
	var areas []string
	byArea := map[string][]*entry{}
	for _, e := range c.sorted() {
		if byArea[e.ProductArea] == nil {
			areas = append(areas, e.ProductArea)
		}
		byArea[e.ProductArea] = append(byArea[e.ProductArea], e)
	}
	out := make([]Entry, 0, min(limit, len(c.entries)))
	for rank := 0; len(out) < limit; rank++ {
		added := false
		for _, a := range areas {
			if rank < len(byArea[a]) && len(out) < limit {
				out = append(out, byArea[a][rank].Entry)
				added = true
			}
		}
		if !added {
			break
		}
	}
	c.known, c.knownLimit, c.knownAge = out, limit, 0
	return out
}

// Len returns how many canonical signatures the cache holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
