package main

import (
	"github.com/spf13/cobra"

	"feedbackpipe/ingest"
	"feedbackpipe/store"
)

func (c *cli) importCommand() *cobra.Command {
	var skipInvalid, asJSON bool
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Load conversations from JSON Lines or Intercom export files (upsert by id)",
		Long: `Load conversations into Postgres, updating those already stored (by id), so importing
a file twice is harmless.

A file is JSON Lines (one conversation a line: id, created_at RFC 3339, subject,
messages [{author: customer|support|bot, text, created_at}], optional source_url, contact)
or an Intercom conversation export (a JSON array; HTML is stripped).

By default the import is all-or-nothing: the first bad record stops it, names the file, line
and field, and nothing is written. With --skip-invalid the valid records are imported and the
bad ones are listed.

Text is cleaned (invalid UTF-8 becomes U+FFFD, NUL and other control characters are removed);
ids must be 1-200 characters of A-Z a-z 0-9 . _ : / @ -. Limits: a line (or Intercom element)
of at most 4 MiB, 500 messages, 100,000 characters a message. The files stream into one
transaction, so memory stays flat whatever their size.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			st, err := c.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			// The files stream into one transaction: nothing is written unless every
			// file is read to its end (see store.ImportConversations).
			src := ingest.NewFiles(files, skipInvalid)
			defer src.Close()
			counts, err := st.ImportConversations(cmd.Context(), src.Next)
			if err != nil {
				return err
			}
			return c.printImport(counts, src.Skipped(), src.SkippedCount(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "import the valid records and list the bad ones instead of importing nothing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON")
	return cmd
}

func (c *cli) printImport(counts store.ImportCounts, skipped []*ingest.Error, skippedCount int, asJSON bool) error {
	if asJSON {
		reasons := make([]string, len(skipped))
		for i, s := range skipped {
			reasons[i] = s.Error()
		}
		return c.printJSON(map[string]any{
			"inserted": counts.Inserted, "updated": counts.Updated, "unchanged": counts.Unchanged,
			"duplicates": counts.Duplicates, "skipped": skippedCount, "skipped_records": reasons,
		})
	}
	c.printf("imported: %d new, %d updated, %d unchanged, %d skipped\n",
		counts.Inserted, counts.Updated, counts.Unchanged, skippedCount)
	if counts.Duplicates > 0 {
		c.printf("  %d records repeated an earlier record's id; the later one was kept\n", counts.Duplicates)
	}
	for _, s := range skipped {
		c.printf("  skipped %s\n", s.Error())
	}
	if len(skipped) < skippedCount {
		c.printf("  … and %d more skipped records not listed\n", skippedCount-len(skipped))
	}
	return nil
}
