package main

import (
	"github.com/spf13/cobra"

	"feedbackpipe/store"
)

func (c *cli) migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations (the worker also does this at start-up)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			version, err := store.Migrate(c.cfg.DatabaseURL)
			if err != nil {
				return err
			}
			c.printf("database schema at version %d\n", version)
			return nil
		},
	}
}
