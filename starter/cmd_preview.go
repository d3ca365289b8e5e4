package main

import (
	"errors"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"feedbackpipe/activities"
	"feedbackpipe/store"
)

func (c *cli) previewCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "preview RUN_ID",
		Short: "Show what a dry run found: types, top signatures, samples, would-be stories and orphans",
		Args:  cobra.ExactArgs(1),
		RunE: c.bounded(func(cmd *cobra.Command, args []string) error {
			st, err := c.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			var p activities.Preview
			if err := st.GetPreview(cmd.Context(), args[0], &p); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("run %s has no preview: it is not a finished dry run", args[0])
				}
				return err
			}
			if asJSON {
				return c.printJSON(p)
			}
			c.printf("dry run %s: %d conversations\n\nby type:\n", p.RunID, p.Total)
			types := make([]string, 0, len(p.ByType))
			for t := range p.ByType {
				types = append(types, t)
			}
			sort.Strings(types)
			for _, t := range types {
				c.printf("  %-20s %d\n", t, p.ByType[t])
			}
			c.printf("\ntop signatures:\n")
			for _, s := range p.TopSignatures {
				c.printf("  %4d  %s\n", s.Count, s.Signature)
			}
			c.printf("\nwould create %d stories and %d orphans\n", len(p.WouldBeStories), len(p.WouldBeOrphans))
			if len(p.WouldBeRejected) > 0 {
				c.printf("\nthe story review would reject %d group(s):\n", len(p.WouldBeRejected))
				for _, r := range p.WouldBeRejected {
					c.printf("  %4d  %s: %s\n", r.Count, oneLine(r.Key), oneLine(r.Reason))
				}
			}
			c.printf("\nsamples:\n")
			for _, s := range p.Samples {
				c.printf("  %s [%s] %s\n      %s\n", s.ConversationID, s.ConversationType, s.Signature, s.Snippet)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the preview as JSON")
	return cmd
}
