package main

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"feedbackpipe/store"
)

func (c *cli) storiesCommand() *cobra.Command {
	var runID string
	var asJSON, asMarkdown, asCSV bool
	cmd := &cobra.Command{
		Use:   "stories",
		Short: "List the backlog: stories (largest first) and orphans, with their conversation IDs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := c.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			stories, orphans, err := st.Backlog(cmd.Context(), runID)
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				return c.printJSON(map[string]any{"stories": nonNil(stories), "orphans": nonNil(orphans)})
			case asMarkdown:
				c.printMarkdown(stories, orphans)
				return nil
			case asCSV:
				return c.printCSV(stories, orphans)
			}
			return c.printBacklog(stories, orphans)
		},
	}
	cmd.Flags().StringVar(&runID, "run", "", "only stories and orphans this run created or updated")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON (with each story's and orphan's conversation IDs)")
	cmd.Flags().BoolVar(&asMarkdown, "markdown", false, "print as Markdown")
	cmd.Flags().BoolVar(&asCSV, "csv", false, "print as CSV")
	cmd.MarkFlagsMutuallyExclusive("json", "markdown", "csv")
	return cmd
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (c *cli) printBacklog(stories []store.StoryView, orphans []store.OrphanView) error {
	c.printf("%d stories, %d orphans\n\n", len(stories), len(orphans))
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONVS\tTITLE\tSIGNATURE\tAREA\tFIRST SEEN\tLAST SEEN")
	for _, s := range stories {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.ConversationCount, s.Title, s.Signature, s.ProductArea,
			day(s.FirstSeen), day(s.LastSeen))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(orphans) > 0 {
		c.printf("\norphans (fewer than 3 conversations so far):\n")
		for _, o := range orphans {
			c.printf("  %d  %s  (%s)\n", len(o.ConversationIDs), o.Signature, strings.Join(o.ConversationIDs, ", "))
		}
	}
	return nil
}

func (c *cli) printMarkdown(stories []store.StoryView, orphans []store.OrphanView) {
	c.printf("# Backlog\n\n")
	for _, s := range stories {
		c.printf("## %s\n\n%d conversations · first seen %s · last seen %s\n\n%s\n", s.Title, s.ConversationCount,
			day(s.FirstSeen), day(s.LastSeen), s.Description)
		for _, e := range s.Excerpts {
			c.printf("> %s\n\n", strings.ReplaceAll(e, "\n", " "))
		}
		c.printf("Conversations: %s\n\n", strings.Join(s.ConversationIDs, ", "))
	}
	if len(orphans) > 0 {
		c.printf("## Orphans\n\n")
		for _, o := range orphans {
			c.printf("- `%s` (%d): %s\n", o.Signature, len(o.ConversationIDs), strings.Join(o.ConversationIDs, ", "))
		}
	}
}

func (c *cli) printCSV(stories []store.StoryView, orphans []store.OrphanView) error {
	w := csv.NewWriter(c.out)
	_ = w.Write([]string{"kind", "key", "title", "signature", "product_area", "conversation_count", "first_seen", "last_seen", "conversation_ids", "sample_excerpt"})
	for _, s := range stories {
		excerpt := ""
		if len(s.Excerpts) > 0 {
			excerpt = s.Excerpts[0]
		}
		_ = w.Write([]string{"story", s.Key, s.Title, s.Signature, s.ProductArea, strconv.Itoa(s.ConversationCount),
			day(s.FirstSeen), day(s.LastSeen), strings.Join(s.ConversationIDs, " "), excerpt})
	}
	for _, o := range orphans {
		_ = w.Write([]string{"orphan", o.Key, o.Title, o.Signature, o.ProductArea, strconv.Itoa(len(o.ConversationIDs)),
			day(o.FirstSeen), day(o.LastSeen), strings.Join(o.ConversationIDs, " "), ""})
	}
	w.Flush()
	return w.Error()
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }
