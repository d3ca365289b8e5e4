package localmodel

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A schema is parsed once and then served from the cache; past schemaCacheSize distinct schemas
// each is still parsed, and one that is not an object schema is refused with the reason.
func TestSchemaCacheParsesEachSchemaOnce(t *testing.T) {
	var c schemaCache
	schema := func(prop string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"type":"object","properties":{%q:{"type":"string"}},"required":[%q]}`, prop, prop))
	}
	first, err := c.get(schema("title"))
	require.NoError(t, err)
	assert.Equal(t, []string{"title"}, first.order)
	again, err := c.get(schema("title"))
	require.NoError(t, err)
	assert.Equal(t, first, again)
	assert.Len(t, c.parsed, 1, "the same schema is parsed once")

	for i := range 2 * schemaCacheSize {
		s, err := c.get(schema(fmt.Sprintf("p%d", i)))
		require.NoError(t, err)
		assert.Equal(t, []string{fmt.Sprintf("p%d", i)}, s.order)
	}
	assert.Len(t, c.parsed, schemaCacheSize, "the cache stays bounded")

	_, err = c.get(json.RawMessage(`5`))
	assert.ErrorContains(t, err, "not a JSON object")
	_, err = c.get(json.RawMessage(`{"type":"object"}`))
	assert.ErrorContains(t, err, "no properties")
}
