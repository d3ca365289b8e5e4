package main

import (
	"cmp"
	"slices"
	"time"

	"feedbackpipe/localmodel"
)

// handOverGap is the shortest pause of a call slot counted as a hand-over: a batch ending and
// its successor starting (a workflow task, the batch's load) takes tens to hundreds of
// milliseconds, where a slot's next call within a batch follows its last within a few.
const handOverGap = 50 * time.Millisecond

// SlotTime accounts for the extraction phase's C call slots, in seconds of the run (slot-seconds
// divided by C): how long they were busy with a chat call, and where they stood idle. The parts
// add up to the phase's duration.
type SlotTime struct {
	Busy float64 `json:"busy"`
	// BeforeFirst: from the run's start to each slot's first call (starter, selection, dispatch).
	BeforeFirst float64 `json:"before_first_call"`
	// Between: pauses under handOverGap between a slot's calls.
	Between float64 `json:"between_calls"`
	// HandOvers: longer pauses, batches handing their slots over to the next.
	HandOvers float64 `json:"hand_overs"`
	// AfterLast: from each slot's last call to the end of extraction (the last partial round,
	// batches ending apart).
	AfterLast float64 `json:"after_last_call"`
}

// slotTime accounts for c call slots over the window seconds from start, from the chat calls
// the model answered. The model does not know which slot made a call, so each call is taken to
// use the slot free the longest (first freed, first reused): the idle total is exact, its split
// between the kinds of pause close. Calls outside the window count for their part inside it.
func slotTime(calls []localmodel.CallSpan, c int, start time.Time, window float64) SlotTime {
	var st SlotTime
	if c <= 0 || window <= 0 {
		return st
	}
	// Events are seconds from start; at one instant an answer frees its slot before a call takes one.
	type event struct {
		at      float64
		arrives bool
	}
	var events []event
	for _, call := range calls {
		a, l := max(call.Arrived.Sub(start).Seconds(), 0), min(call.Left.Sub(start).Seconds(), window)
		if l <= a {
			continue
		}
		st.Busy += l - a
		events = append(events, event{a, true}, event{l, false})
	}
	slices.SortFunc(events, func(x, y event) int {
		return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(b2i(x.arrives), b2i(y.arrives)))
	})
	// free holds when each idle slot was freed; started says whether it has made a call yet.
	type idle struct {
		since   float64
		started bool
	}
	free := make([]idle, c)
	for _, e := range events {
		if !e.arrives {
			free = append(free, idle{since: e.at, started: true})
			continue
		}
		if len(free) == 0 {
			continue // more calls in flight than c: nothing idle to account
		}
		s := free[0]
		free = free[1:]
		gap := e.at - s.since
		switch {
		case !s.started:
			st.BeforeFirst += gap
		case gap < handOverGap.Seconds():
			st.Between += gap
		default:
			st.HandOvers += gap
		}
	}
	for _, s := range free {
		if s.started {
			st.AfterLast += window - s.since
		} else {
			st.BeforeFirst += window - s.since
		}
	}
	n := float64(c)
	st.Busy, st.BeforeFirst, st.Between, st.HandOvers, st.AfterLast =
		st.Busy/n, st.BeforeFirst/n, st.Between/n, st.HandOvers/n, st.AfterLast/n
	return st
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
