package signature

// Decide resolves a proposal against the canonical signatures and aliases that exist now, by the
// very rules of the cache (normalize, reject non-specific, alias, exact, near-duplicate of the
// same product area). When none matches, the Resolution has Minted set and names the new
// canonical signature and its normalized product area: the caller creates it. The store calls it
// under a lock on the product area, with what Postgres holds, so that every worker takes the
// same decision.
func Decide(proposed, productArea string, existing []Entry, aliases map[string]string) (Resolution, error) {
	c := NewCache(existing, aliases, len(existing))
	return c.Resolve(proposed, productArea, "")
}
