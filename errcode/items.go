package errcode

import "feedbackpipe/pipeline"

// Items are failed items as a status reports them: each error as its code, and a story group
// named by GroupRef, since its key is a signature the model wrote. nil stays nil.
func Items(errs []pipeline.ItemError) []pipeline.ItemError {
	if errs == nil {
		return nil
	}
	out := make([]pipeline.ItemError, len(errs))
	for i, e := range errs {
		e.Error = FromDetail(e.Error)
		if e.Phase == pipeline.PhaseStories {
			e.ID = GroupRef(e.ID)
		}
		out[i] = e
	}
	return out
}

// Warnings are stored warnings as a status reports them (Warning). nil stays nil.
func Warnings(warns []string) []string {
	if warns == nil {
		return nil
	}
	out := make([]string, len(warns))
	for i, w := range warns {
		out[i] = Warning(w)
	}
	return out
}
