package localmodel

import (
	"encoding/json"
	"fmt"
	"sync"
)

// schemaCacheSize bounds the schemas a server keeps parsed: a client sends the same few schemas
// (one per kind of call) with every request, so parsing each once spares every later request
// decoding it; a client sending ever new schemas gets them parsed per request past this many.
const schemaCacheSize = 16

// schemaCache holds response schemas parsed by their raw JSON. Parsed schemas are only read.
type schemaCache struct {
	mu     sync.Mutex
	parsed map[string]objectSchema
}

// get returns the object schema raw holds, parsed once per distinct raw text.
func (c *schemaCache) get(raw json.RawMessage) (objectSchema, error) {
	key := string(raw)
	c.mu.Lock()
	s, ok := c.parsed[key]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return objectSchema{}, fmt.Errorf("not a JSON object: %w", err)
	}
	s, err := parseObjectSchema(m)
	if err != nil {
		return objectSchema{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parsed == nil {
		c.parsed = map[string]objectSchema{}
	}
	if len(c.parsed) < schemaCacheSize {
		c.parsed[key] = s
	}
	return s, nil
}
