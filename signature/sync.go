package signature

import "time"

// Sighting is a stored theme: a conversation seen carrying a canonical signature.
type Sighting struct {
	Signature    string `db:"signature"`
	ProductArea  string `db:"product_area"`
	Conversation string `db:"conversation_id"`
}

// SyncDue tells one caller at a time, at most every interval, to fetch the sightings stored
// since cursor (by every worker of the run) and hand them to Synced. Without it a worker would
// count only its own conversations towards establishing a signature, so with several workers
// signatures would be offered later than with one.
func (c *Cache) SyncDue(now time.Time, every time.Duration) (cursor int64, due bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.syncing || now.Sub(c.syncedAt) < every {
		return 0, false
	}
	c.syncing = true
	return c.syncCursor, true
}

// Synced learns sightings up to cursor and ends the sync SyncDue started (pass the old cursor and
// no sightings when the fetch failed). A sighting counts its conversation towards establishing
// the signature; a signature the cache does not hold yet (minted by another worker) is added.
func (c *Cache) Synced(now time.Time, cursor int64, sightings []Sighting) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncing, c.syncedAt = false, now
	c.syncCursor = max(c.syncCursor, cursor)
	for _, s := range sightings {
		e, ok := c.entries[s.Signature]
		if !ok {
			e = c.add(Entry{Signature: s.Signature, ProductArea: s.ProductArea})
		}
		c.witness(e, s.Conversation)
	}
	c.trim()
}
