package activities_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"feedbackpipe/activities"
	"feedbackpipe/grouping"
)

// A group whose first write fails for a transient reason (a serialization failure, or its
// connection killed under it) is retried within the phase and ends written and counted; a group
// whose write fails for its own reason (a constraint its data breaks) is recorded failed with that
// reason, and the others are written.
func TestBuildStoriesRetriesTransientGroupFailures(t *testing.T) {
	for _, fault := range []struct{ name, raise string }{
		{"serialization failure", `RAISE EXCEPTION 'injected conflict' USING ERRCODE = 'serialization_failure';`},
		{"connection killed", `PERFORM pg_terminate_backend(pg_backend_pid());`},
	} {
		t.Run(fault.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			n := h.startRun("r1", false)
			h.extract("r1", 0, n, false, 1)
			h.embed("r1")
			groups := runGroups(t, h, "r1")
			require.GreaterOrEqual(t, len(groups), 2, "the fixture makes several groups")
			// The phase writes the groups in this order: the first group's first write attempt
			// fails transiently; the last group always fails, for its own reason.
			first, last := groups[0], groups[len(groups)-1]

			_, err := h.st.Pool().Exec(ctx, fmt.Sprintf(`
				CREATE SEQUENCE fault_once;
				CREATE FUNCTION inject_faults() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF NEW.conversation_id = %[2]s AND nextval('fault_once') = 1 THEN
						%[1]s
					END IF;
					IF NEW.conversation_id = %[3]s THEN
						RAISE EXCEPTION 'injected: %[4]s is rejected' USING ERRCODE = 'check_violation';
					END IF;
					RETURN NEW;
				END $$;
				CREATE TRIGGER inject_faults BEFORE INSERT OR UPDATE ON group_members
					FOR EACH ROW EXECUTE FUNCTION inject_faults();`,
				fault.raise, quote(first.members[0]), quote(last.members[0]), last.members[0]))
			require.NoError(t, err)

			res := h.stories("r1")
			c := res.Counters
			assert.Equal(t, 1, c.GroupsFailed, "only the group failing for its own reason fails: %+v", res.Errors)
			require.Len(t, res.Errors, 1)
			assert.Equal(t, "stories", res.Errors[0].Phase)
			assert.Equal(t, last.key, res.Errors[0].ID)
			var detail string
			require.NoError(t, h.st.Pool().QueryRow(ctx,
				`SELECT detail FROM run_group_actions WHERE run_id = 'r1' AND action = 'failed' AND group_key = $1`, last.key).Scan(&detail))
			assert.Contains(t, detail, "injected: "+last.members[0]+" is rejected", "the reason is recorded")
			assert.Contains(t, detail, "23514", "the reason is recorded")
			assert.GreaterOrEqual(t, count(t, h, `SELECT last_value FROM fault_once`), 2, "the transient fault fired, then the retry passed")

			assert.Equal(t, len(first.members), count(t, h, `
				SELECT count(*) FROM group_members g
				LEFT JOIN stories s ON s.id = g.story_id LEFT JOIN orphans o ON o.id = g.orphan_id
				WHERE coalesce(s.story_key, o.orphan_key) = $1 AND g.conversation_id = ANY($2)`, first.key, first.members),
				"the group that failed transiently is written after the retry")
			assert.Equal(t, 1, count(t, h, `SELECT count(*) FROM run_group_actions WHERE run_id = 'r1' AND group_key = $1 AND action <> 'failed'`, first.key),
				"and counted")
			assert.Zero(t, count(t, h, `SELECT count(*) FROM group_members WHERE conversation_id = ANY($1)`, last.members),
				"nothing of the failed group is stored")
			written := count(t, h, `SELECT count(*) FROM run_group_actions WHERE run_id = 'r1' AND action <> 'failed'`)
			assert.Equal(t, len(groups)-1, written, "every other group is written")
			assert.Equal(t, written, c.StoriesCreated+c.OrphansCreated, "and counted")
		})
	}
}

// plannedGroup is a group as the stories phase will form it.
type plannedGroup struct {
	key     string
	members []string
}

// runGroups groups the run's themes the way BuildStories does, in the order it writes them.
func runGroups(t *testing.T, h *harness, runID string) []plannedGroup {
	t.Helper()
	themes, err := h.st.ThemesForGrouping(context.Background(), runID, "local-hashed-ngrams-v1")
	require.NoError(t, err)
	items := make([]grouping.Item, len(themes))
	for i, th := range themes {
		items[i] = grouping.Item{ID: th.ConversationID, Signature: th.Signature, ProductArea: th.ProductArea,
			ActionType: th.ActionType, Direction: th.Direction, Vector: th.Vector}
	}
	var out []plannedGroup
	for _, g := range grouping.Run(items, activities.DefaultConfig().Grouping) {
		p := plannedGroup{key: g.Key}
		for _, idx := range g.Members {
			p.members = append(p.members, themes[idx].ConversationID)
		}
		out = append(out, p)
	}
	return out
}

func quote(s string) string { return "'" + s + "'" }
