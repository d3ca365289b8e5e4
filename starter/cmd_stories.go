package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"feedbackpipe/backlog/export"
	"feedbackpipe/conversation"
	"feedbackpipe/store"
)

// maxMovesShown bounds the moves `stories --json` lists, newest first.
const maxMovesShown = 1000

func (c *cli) storiesCommand() *cobra.Command {
	var runID, status string
	var asJSON, asMarkdown, asCSV bool
	cmd := &cobra.Command{
		Use:   "stories",
		Short: "List the backlog: stories (largest first) and orphans, with their conversation IDs",
		Args:  cobra.NoArgs,
		RunE: c.bounded(func(cmd *cobra.Command, _ []string) error {
			st, err := c.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if runID != "" {
				if err := requireRun(cmd.Context(), st, runID); err != nil {
					return err
				}
			}
			stories, orphans, err := st.Backlog(cmd.Context(), runID)
			if err != nil {
				return err
			}
			if status != "" {
				if stories, err = c.withStatus(cmd.Context(), st, stories, status); err != nil {
					return err
				}
				orphans = nil // orphans are not triaged
			}
			switch {
			case asJSON:
				// Conversations later runs moved between groups, so none leaves a group unseen.
				moves, err := st.Moves(cmd.Context(), runID, maxMovesShown)
				if err != nil {
					return err
				}
				// The story review's verdict on each candidate group (keep, split, reject, fallback).
				reviews, err := st.GroupReviews(cmd.Context(), runID, "")
				if err != nil {
					return err
				}
				return c.printJSON(map[string]any{"stories": nonNil(stories), "orphans": nonNil(orphans), "moves": nonNil(moves),
					"reviews": nonNil(reviews)})
			case asMarkdown:
				return export.Markdown(c.out, stories, orphans)
			case asCSV:
				return export.CSV(c.out, stories, orphans)
			}
			return c.printBacklog(stories, orphans)
		}),
	}
	cmd.Flags().StringVar(&runID, "run", "", "only stories and orphans this run created or updated")
	cmd.Flags().StringVar(&status, "status", "", "only stories of this triage status: new, accepted, rejected, done or regressed (no orphans)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON (with each story's and orphan's conversation IDs, the story review's verdict on each group, and the latest moves of conversations between groups)")
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
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.ConversationCount, oneLine(s.Title), oneLine(s.Signature), oneLine(s.ProductArea),
			day(s.FirstSeen), day(s.LastSeen))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(orphans) > 0 {
		c.printf("\norphans (fewer than 3 conversations so far):\n")
		for _, o := range orphans {
			c.printf("  %d  %s  (%s)\n", len(o.ConversationIDs), oneLine(o.Signature), oneLine(strings.Join(o.ConversationIDs, ", ")))
		}
	}
	return nil
}

// oneLine keeps a stored value on one line of the table and drops control
// characters, so a title cannot break the columns or send escape sequences to the
// terminal.
func oneLine(s string) string { return conversation.CleanLine(s) }

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }
