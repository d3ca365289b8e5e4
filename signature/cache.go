package signature

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Entry is a canonical signature known to a cache.
type Entry struct {
	Signature   string
	ProductArea string
	Count       int      // themes stored or resolved under it: ranks the prompt's list
	Seen        []string // up to EstablishedAfter distinct conversations it was seen in
	FirstRunID  string   // the run that stored it first in Postgres; "" when not read from there
}

// EstablishedAfter is how many distinct conversations must carry a signature before it is offered
// to later prompts. One conversation, however it is worded, can therefore never plant a signature
// in every later prompt: a second, independent conversation has to arrive at the same issue.
const EstablishedAfter = 2

// Established reports whether the entry was seen in enough distinct conversations to be offered
// to the extraction prompt.
func (e Entry) Established() bool { return len(e.Seen) >= EstablishedAfter }

// NotSpecificError is the cache's refusal of a proposal that CheckSpecific rejects, so callers
// can tell it from a failure to decide.
type NotSpecificError struct{ Err error }

func (e *NotSpecificError) Error() string { return e.Err.Error() }
func (e *NotSpecificError) Unwrap() error { return e.Err }

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
	FirstRunID  string // the run that stored Canonical first, when known (Entry.FirstRunID)
}

type entry struct {
	Entry
	tokens map[string]bool
	folded string
}

// Cache is one run's view of the canonical signatures in one worker: seeded from those stored in
// Postgres, grown by this run's extractions, guarded by a mutex so concurrent extractions of the
// worker converge. It is never held across an LLM call or a query: its methods only compare strings.
//
// For a real run the cache is a fast front, not the judge: Match answers hits (alias, exact,
// near-duplicate) from memory and reports a miss instead of minting, the caller then has Postgres
// decide under a lock (store.ResolveSignature, with Decide's rules) and teaches the cache the
// outcome with Learn and Record. Only dry runs, which write nothing shared, mint in memory with
// Resolve.
type Cache struct {
	mu         sync.Mutex
	entries    map[string]*entry
	byFolded   map[string]*entry
	aliases    map[string]string
	maxEntries int
	known      []Entry // Known's last answer, reused until it goes stale
	knownLimit int
	knownAge   int // resolutions since known was computed

	syncCursor int64     // last stored sighting learnt (see SyncDue)
	syncedAt   time.Time // when the last sync ended
	syncing    bool      // a caller is fetching sightings

	hits, misses int64 // Match's answers from memory, and the proposals it left to Postgres
}

// knownRefresh bounds how many resolutions may pass before the prompt's list is recomputed; a
// signature that becomes established refreshes it at once.
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
	e.Seen = slices.Clone(e.Seen[:min(len(e.Seen), EstablishedAfter)])
	en := &entry{Entry: e, tokens: set, folded: foldedKey(set)}
	c.entries[e.Signature] = en
	if _, taken := c.byFolded[en.folded]; !taken {
		c.byFolded[en.folded] = en
	}
	return en
}

// Resolve canonicalizes a proposed signature in memory: normalize, reject non-specific ones,
// follow the alias table, then match exactly, then as a near-duplicate of the same product area,
// else mint it. The first of several concurrent near-identical proposals wins; the others become
// aliases. conversation (may be empty) is the conversation the proposal came from, counted
// towards the signature being established. Real runs use Match instead, so that minting is
// decided in Postgres where every worker sees it.
func (c *Cache) Resolve(proposed, productArea, conversation string) (Resolution, error) {
	sig := Normalize(proposed)
	if err := CheckSpecific(sig); err != nil {
		return Resolution{}, &NotSpecificError{err}
	}
	area := Normalize(productArea)
	c.mu.Lock()
	defer c.mu.Unlock()
	if res, ok := c.match(sig, area, conversation); ok {
		return res, nil
	}
	c.witness(c.add(Entry{Signature: sig, ProductArea: area, Count: 1}), conversation)
	c.trim()
	return Resolution{Canonical: sig, ProductArea: area, Minted: true}, nil
}

// Match is Resolve without the mint: it answers a proposal that matches a known signature (alias,
// exact, near-duplicate of the same product area) and reports ok false for one that would be
// new, leaving that decision to the caller. Its only error is a *NotSpecificError.
func (c *Cache) Match(proposed, productArea, conversation string) (res Resolution, ok bool, err error) {
	sig := Normalize(proposed)
	if err := CheckSpecific(sig); err != nil {
		return Resolution{}, false, &NotSpecificError{err}
	}
	area := Normalize(productArea)
	c.mu.Lock()
	defer c.mu.Unlock()
	res, ok = c.match(sig, area, conversation)
	if ok {
		c.hits++
	} else {
		c.misses++
	}
	return res, ok, nil
}

// Lookups returns how many proposals Match answered from memory (hits) and how many it left to
// the caller (misses).
func (c *Cache) Lookups() (hits, misses int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// Learn adds what Postgres holds (canonical signatures and aliases found while deciding a miss)
// to the cache. Entries already known keep their in-memory count; their conversations are merged.
func (c *Cache) Learn(found []Entry, aliases map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range found {
		if have, ok := c.entries[e.Signature]; ok {
			have.Count = max(have.Count, e.Count)
			have.FirstRunID = cmp.Or(have.FirstRunID, e.FirstRunID)
			for _, conv := range e.Seen {
				c.witness(have, conv)
			}
			continue
		}
		en := c.add(e)
		if en.Established() {
			c.known = nil
		}
	}
	for a, canon := range aliases {
		c.aliases[a] = canon
	}
	c.trim()
}

// Record counts a resolution decided outside the cache (by Postgres): the canonical signature is
// added if the cache lacks it, the proposal becomes its alias when it differs, and the
// conversation counts towards establishing it.
func (c *Cache) Record(res Resolution, proposed, conversation string) {
	sig := Normalize(proposed)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[res.Canonical]
	if !ok {
		e = c.add(Entry{Signature: res.Canonical, ProductArea: res.ProductArea})
	}
	e.FirstRunID = cmp.Or(e.FirstRunID, res.FirstRunID)
	e.Count++
	if sig != "" && sig != res.Canonical {
		c.aliases[sig] = res.Canonical
	}
	c.witness(e, conversation)
	c.trim()
}

// match resolves a normalized proposal against the entries; the caller holds the lock.
func (c *Cache) match(sig, area, conversation string) (Resolution, bool) {
	if canon, ok := c.followAlias(sig); ok {
		if e, ok := c.entries[canon]; ok {
			c.hit(e, conversation)
			return Resolution{Canonical: canon, ProductArea: e.ProductArea, Alias: canon != sig, FirstRunID: e.FirstRunID}, true
		}
	}
	if e, ok := c.entries[sig]; ok {
		c.hit(e, conversation)
		return Resolution{Canonical: sig, ProductArea: e.ProductArea, FirstRunID: e.FirstRunID}, true
	}
	if e := c.nearest(sig, area); e != nil {
		c.hit(e, conversation)
		c.aliases[sig] = e.Signature
		return Resolution{Canonical: e.Signature, ProductArea: e.ProductArea, Alias: true, FirstRunID: e.FirstRunID}, true
	}
	return Resolution{}, false
}

func (c *Cache) hit(e *entry, conversation string) {
	e.Count++
	c.witness(e, conversation)
}

// witness notes that conversation carries e, up to the number that establishes it; the prompt's
// list is recomputed as soon as e becomes established.
func (c *Cache) witness(e *entry, conversation string) {
	if conversation == "" || e.Established() || slices.Contains(e.Seen, conversation) {
		return
	}
	e.Seen = append(e.Seen, conversation)
	if e.Established() {
		c.known = nil
	}
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
	c.known = nil
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

// Known returns up to limit established canonical signatures for the extraction prompt: every
// product area's most used first, taken in turns across areas (the busiest area first), so a
// small area's signatures are offered too. Only established signatures (seen in at least
// EstablishedAfter distinct conversations, across runs) are offered, so a single crafted
// conversation cannot steer later extractions. The product area of a conversation is itself an
// output of the call, so the prompt cannot be narrowed to one area beforehand. The list is
// recomputed when a signature becomes established or after a few dozen calls; callers must not
// modify it.
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
		if !e.Established() {
			continue
		}
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
