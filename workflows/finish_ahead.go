package workflows

import "go.temporal.io/sdk/workflow"

// Version 1 of the finish-ahead change ends a run sooner after its last extraction: batches near
// the end are sized so the run's call slots end together (extractionPlan.balanced), the phases
// after extraction go on while their status mirrors are on their way (run.enter), and a run whose
// items all succeeded skips the empty second pass. Runs of the shapes released before it do none
// of this. Its recorded histories have the prefix 20261202_finish_ahead.
const (
	finishAheadChange = "extraction-finish-ahead"
	finishAhead       = workflow.Version(1)
)
