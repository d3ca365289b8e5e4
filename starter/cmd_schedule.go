package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"feedbackpipe/pipeline"
	"feedbackpipe/store"
)

// scheduleActionID is the workflow ID prefix of a schedule's ScheduledRun workflows (Temporal
// appends the scheduled time).
func scheduleActionID(name string) string { return "scheduled-run-" + name }

// scheduleView is what `schedule list` and `describe` print (and --json writes).
type scheduleView struct {
	Name        string              `json:"name"`
	Spec        string              `json:"spec"`
	Paused      bool                `json:"paused"`
	Note        string              `json:"note,omitempty"`
	NextRuns    []time.Time         `json:"next_runs"`
	Recent      []recentAction      `json:"recent_actions"`
	Input       *pipeline.RunInput  `json:"run_flags,omitempty"`
	MaxWindow   string              `json:"max_window,omitempty"`
	Skipped     int                 `json:"skipped_overlapping,omitempty"`
	Requests    []store.ScheduleRun `json:"requests,omitempty"`
	WorkflowIDs []string            `json:"running_workflows,omitempty"`
}

type recentAction struct {
	ScheduledAt time.Time `json:"scheduled_at"`
	StartedAt   time.Time `json:"started_at"`
	WorkflowID  string    `json:"workflow_id"`
}

func (c *cli) scheduleCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Run the pipeline on a schedule (Temporal Schedules): create, list, describe, pause, unpause, trigger, delete",
		Long: `Scheduled runs are Temporal Schedules, visible and editable in the Temporal UI's Schedules page.
Each start runs the small ScheduledRun workflow, which asks the run index to admit a run like any
other (a refusal, e.g. while another run is active, fails that start with the index's words and is
listed by 'schedule describe'). Windows tile: each run covers from the end of the window of the
schedule's last completed run to now, at most --max-window back.`,
	}
	cmd.AddCommand(c.scheduleCreateCommand(), c.scheduleListCommand(), c.scheduleDescribeCommand(),
		c.scheduleSimpleCommand("pause", "Pause a schedule (no run starts until unpause)"),
		c.scheduleSimpleCommand("unpause", "Unpause a schedule; its next run catches up the paused time"),
		c.scheduleSimpleCommand("trigger", "Start a scheduled run now"),
		c.scheduleSimpleCommand("delete", "Delete a schedule (runs already started go on)"))
	return cmd
}

func (c *cli) scheduleCreateCommand() *cobra.Command {
	var (
		in                pipeline.RunInput
		every, maxWindow  time.Duration
		cron, note        string
		noStories, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "create NAME (--every 24h | --cron '0 6 * * *') [run flags]",
		Short: "Create a schedule of pipeline runs",
		Args:  cobra.ExactArgs(1),
		RunE: c.bounded(func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if (every > 0) == (cron != "") {
				return errors.New("give exactly one of --every and --cron")
			}
			if every < 0 || (every > 0 && every < time.Second) {
				return errors.New("--every must be at least 1s")
			}
			if err := validateRunFlags(in); err != nil {
				return err
			}
			if maxWindow < 0 {
				return errors.New("--max-window must not be negative")
			}
			in.CreateStories = !noStories
			spec := client.ScheduleSpec{}
			if every > 0 {
				spec.Intervals = []client.ScheduleIntervalSpec{{Every: every}}
			} else {
				spec.CronExpressions = []string{cron}
			}
			input := pipeline.ScheduledRunInput{Schedule: name, TaskQueue: c.cfg.TaskQueue, Input: in, Limits: c.cfg.Index,
				MaxWindowSeconds: int64(maxWindow / time.Second)}
			return c.withTemporal(func(tc client.Client) error {
				_, err := tc.ScheduleClient().Create(cmd.Context(), client.ScheduleOptions{
					ID: name, Spec: spec, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, Note: note,
					Action: &client.ScheduleWorkflowAction{
						ID: scheduleActionID(name), Workflow: pipeline.ScheduledRunWorkflowName, Args: []any{input},
						TaskQueue: c.cfg.TaskQueue, WorkflowRunTimeout: 5 * time.Minute,
					},
				})
				if err != nil {
					return fmt.Errorf("create schedule %s: %w", name, err)
				}
				if asJSON {
					return c.printJSON(map[string]string{"schedule": name})
				}
				c.printf("created schedule %s (%s)\nsee it: %s/namespaces/%s/schedules/%s\n", name, specText(&spec), c.cfg.UIURL, c.cfg.Namespace, name)
				return nil
			})
		}),
	}
	f := cmd.Flags()
	f.DurationVar(&every, "every", 0, "start a run at this interval, e.g. 24h")
	f.StringVar(&cron, "cron", "", "start runs by this cron expression (UTC), e.g. '0 6 * * *'")
	f.DurationVar(&maxWindow, "max-window", 0, "the longest window a run covers when catching up (default: --days)")
	f.StringVar(&note, "note", "", "a note shown with the schedule")
	f.IntVar(&in.Days, "days", pipeline.DefaultDays, "the first run's window, in days (later runs start where the last completed one ended)")
	f.IntVar(&in.MaxConversations, "max", 0, "read at most N conversations a run (0: all in the window)")
	f.BoolVar(&in.DryRun, "dry-run", false, "dry runs: store previews, write no themes, embeddings or stories")
	f.IntVar(&in.Concurrency, "concurrency", pipeline.DefaultConcurrency, "LLM calls in flight for each run")
	f.BoolVar(&noStories, "no-stories", false, "stop after the embedding phase")
	f.StringVar(&in.Source, "source", "", "where conversations come from: empty (imported) or intercom (fetched first; the worker needs INTERCOM_ACCESS_TOKEN)")
	f.BoolVar(&asJSON, "json", false, `print {"schedule": NAME} as JSON`)
	return cmd
}

func (c *cli) scheduleListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the schedules of pipeline runs",
		Args:  cobra.NoArgs,
		RunE: c.bounded(func(cmd *cobra.Command, _ []string) error {
			return c.withTemporal(func(tc client.Client) error {
				iter, err := tc.ScheduleClient().List(cmd.Context(), client.ScheduleListOptions{PageSize: 100})
				if err != nil {
					return fmt.Errorf("list schedules: %w", err)
				}
				views := []scheduleView{}
				for iter.HasNext() {
					e, err := iter.Next()
					if err != nil {
						return fmt.Errorf("list schedules: %w", err)
					}
					if e.WorkflowType.Name != pipeline.ScheduledRunWorkflowName {
						continue
					}
					views = append(views, scheduleView{Name: e.ID, Spec: specText(e.Spec), Paused: e.Paused, Note: e.Note,
						NextRuns: e.NextActionTimes, Recent: recentActions(e.RecentActions)})
				}
				if asJSON {
					return c.printJSON(views)
				}
				if len(views) == 0 {
					c.printf("no schedules\n")
				}
				for _, v := range views {
					state := "active"
					if v.Paused {
						state = "paused"
					}
					next := "-"
					if len(v.NextRuns) > 0 {
						next = v.NextRuns[0].UTC().Format(time.RFC3339)
					}
					c.printf("%-24s %-8s %-24s next %s\n", v.Name, state, v.Spec, next)
				}
				return nil
			})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the schedules as JSON")
	return cmd
}

func (c *cli) scheduleDescribeCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "describe NAME",
		Short: "Show a schedule: its spec, state, next and recent starts, and what the run index answered them",
		Args:  cobra.ExactArgs(1),
		RunE: c.bounded(func(cmd *cobra.Command, args []string) error {
			name := args[0]
			return c.withTemporal(func(tc client.Client) error {
				v, err := c.describeSchedule(cmd.Context(), tc, name)
				if err != nil {
					return err
				}
				if asJSON {
					return c.printJSON(v)
				}
				state := "active"
				if v.Paused {
					state = "paused"
				}
				c.printf("schedule %s: %s, %s\n", v.Name, state, v.Spec)
				if v.Note != "" {
					c.printf("note: %s\n", v.Note)
				}
				for _, t := range v.NextRuns {
					c.printf("next: %s\n", t.UTC().Format(time.RFC3339))
				}
				for _, r := range v.Requests {
					line := fmt.Sprintf("%s  %s  %s → %s  %s", r.RequestedAt.UTC().Format(time.RFC3339), r.RunID,
						r.WindowSince.UTC().Format(time.RFC3339), r.WindowUntil.UTC().Format(time.RFC3339), r.Outcome)
					if r.RunStatus != nil {
						line += " (" + *r.RunStatus + ")"
					}
					if r.Message != "" {
						line += ": " + r.Message
					}
					c.printf("%s\n", line)
				}
				return nil
			})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the schedule as JSON")
	return cmd
}

// describeSchedule joins Temporal's description of a schedule with the run index's answers to
// its starts, kept in Postgres.
func (c *cli) describeSchedule(ctx context.Context, tc client.Client, name string) (scheduleView, error) {
	d, err := tc.ScheduleClient().GetHandle(ctx, name).Describe(ctx)
	if err != nil {
		return scheduleView{}, fmt.Errorf("describe schedule %s: %w", name, err)
	}
	v := scheduleView{Name: name, Spec: specText(d.Schedule.Spec), NextRuns: d.Info.NextActionTimes,
		Recent: recentActions(d.Info.RecentActions), Skipped: d.Info.NumActionsSkippedOverlap}
	if d.Schedule.State != nil {
		v.Paused, v.Note = d.Schedule.State.Paused, d.Schedule.State.Note
	}
	for _, w := range d.Info.RunningWorkflows {
		v.WorkflowIDs = append(v.WorkflowIDs, w.WorkflowID)
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return v, err
	}
	defer st.Close()
	if v.Requests, err = st.RecentScheduleRuns(ctx, name, 10); err != nil {
		return v, err
	}
	return v, nil
}

// scheduleSimpleCommand is pause, unpause, trigger or delete.
func (c *cli) scheduleSimpleCommand(verb, short string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: c.bounded(func(cmd *cobra.Command, args []string) error {
			name := args[0]
			return c.withTemporal(func(tc client.Client) error {
				ctx := cmd.Context()
				h := tc.ScheduleClient().GetHandle(ctx, name)
				var err error
				switch verb {
				case "pause":
					err = h.Pause(ctx, client.SchedulePauseOptions{Note: "paused with starter"})
				case "unpause":
					err = h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: "unpaused with starter"})
				case "trigger":
					// ALLOW_ALL so the start always reaches the run index, which refuses it (and
					// says so in the schedule's recent actions) when a run is active.
					err = h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL})
				case "delete":
					err = h.Delete(ctx)
				}
				if err != nil {
					return fmt.Errorf("%s schedule %s: %w", verb, name, err)
				}
				if asJSON {
					return c.printJSON(map[string]string{"schedule": name, "done": verb})
				}
				c.printf("%s: %s\n", name, map[string]string{"pause": "paused", "unpause": "unpaused",
					"trigger": "triggered (see `starter schedule describe " + name + "`)", "delete": "deleted"}[verb])
				return nil
			})
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func recentActions(rs []client.ScheduleActionResult) []recentAction {
	out := []recentAction{}
	for _, r := range rs {
		a := recentAction{ScheduledAt: r.ScheduleTime.UTC(), StartedAt: r.ActualTime.UTC()}
		if r.StartWorkflowResult != nil {
			a.WorkflowID = r.StartWorkflowResult.WorkflowID
		}
		out = append(out, a)
	}
	return out
}

func specText(s *client.ScheduleSpec) string {
	if s == nil {
		return ""
	}
	var parts []string
	for _, i := range s.Intervals {
		parts = append(parts, "every "+i.Every.String())
	}
	parts = append(parts, s.CronExpressions...)
	for _, cal := range s.Calendars {
		parts = append(parts, fmt.Sprintf("calendar %v", cal.Comment))
	}
	return strings.Join(parts, ", ")
}
