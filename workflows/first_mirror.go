package workflows

import "go.temporal.io/sdk/workflow"

// Version 1 of the first-mirror change starts extraction as soon as the run's selection is made:
// the run's first status mirror (SetStatus) and its report to the run index go out while the
// first batches run, in turn with the phase mirrors after them (run.mirrorInTurn). Runs of the
// shapes released before it wait for both before their first batch: 78–146 ms from the
// selection's end to the first batch in six default benchmark runs, against 22–23 ms in two runs
// of this shape. Its recorded histories have the prefix 20261205_first_mirror.
const (
	firstMirrorChange = "first-mirror-ahead"
	firstMirrorAhead  = workflow.Version(1)
)
