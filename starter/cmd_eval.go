package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"feedbackpipe/eval"
)

func (c *cli) evalCommand() *cobra.Command {
	var labelsPath, runID string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval --labels FILE [--run ID] [--json]",
		Short: "Score a run's grouping against ground-truth labels (pairwise, BCubed, adjusted Rand index, orphan rate)",
		Long: `eval scores how a run grouped its conversations: each conversation the run turned into a theme,
with the story or orphan it ended in, against a labels CSV (a conversation_id,label header, one
conversation a line, like sampledata/labels.csv).

Only conversations with a theme in the run and a label are scored. A label starting with
"noise_" names no issue: such a conversation is its own class, so grouping it with anything
counts as a wrong pair. Orphans count as clusters; orphan_rate is the share of scored
conversations that ended in one.

Without --run it scores the latest completed run that was not a dry run and built stories.`,
		Args: cobra.NoArgs,
		RunE: c.bounded(func(cmd *cobra.Command, _ []string) error {
			f, err := os.Open(labelsPath)
			if err != nil {
				return err
			}
			labels, err := eval.ReadLabels(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", labelsPath, err)
			}
			st, err := c.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := eval.ScoreRun(cmd.Context(), st, runID, labels)
			if err != nil {
				return err
			}
			if asJSON {
				return c.printJSON(r)
			}
			c.printf("run %s: %d conversations scored (%d noise), %d true classes, %d clusters (%d stories, %d orphans)\n\n",
				r.RunID, r.Conversations, r.Noise, r.TrueClasses, r.Clusters, r.Stories, r.OrphanGroups)
			tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "METRIC\tVALUE")
			for _, m := range r.Metrics() {
				if m.Count {
					fmt.Fprintf(tw, "%s\t%d\n", m.Name, int(m.Value))
				} else {
					fmt.Fprintf(tw, "%s\t%.4f\n", m.Name, m.Value)
				}
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().StringVar(&labelsPath, "labels", "", "labels CSV: conversation_id,label (required)")
	cmd.Flags().StringVar(&runID, "run", "", "the run to score (default: the latest completed run with stories)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the scores as JSON")
	_ = cmd.MarkFlagRequired("labels")
	return cmd
}
