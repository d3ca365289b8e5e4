package main

import (
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

// slotTime accounts for c call slots over [start, end) from the chat calls the model answered.
// The model does not know which slot made a call, so each call is taken to use the slot free the
// longest (first freed, first reused): the idle total is exact, its split between the kinds of
// pause close. Calls outside the window count for their part inside it.
func slotTime(calls []localmodel.CallSpan, c int, start, end time.Time) SlotTime {
	var st SlotTime
	if c <= 0 || !end.After(start) {
		return st
	}
	type event struct {
		at      time.Time
		arrives bool
	}
	var events []event
	for _, call := range calls {
		a, l := maxTime(call.Arrived, start), minTime(call.Left, end)
		if !l.After(a) {
			continue
		}
		st.Busy += l.Sub(a).Seconds()
		events = append(events, event{a, true}, event{l, false})
	}
	// At one instant an answer frees its slot before a call takes one.
	slices.SortFunc(events, func(x, y event) int {
		if c := x.at.Compare(y.at); c != 0 {
			return c
		}
		switch {
		case x.arrives == y.arrives:
			return 0
		case y.arrives:
			return -1
		}
		return 1
	})
	// free holds when each idle slot was freed; started says whether it has made a call yet.
	type idle struct {
		since   time.Time
		started bool
	}
	free := make([]idle, c)
	for i := range free {
		free[i] = idle{since: start}
	}
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
		gap := e.at.Sub(s.since)
		switch {
		case !s.started:
			st.BeforeFirst += gap.Seconds()
		case gap < handOverGap:
			st.Between += gap.Seconds()
		default:
			st.HandOvers += gap.Seconds()
		}
	}
	for _, s := range free {
		if s.started {
			st.AfterLast += end.Sub(s.since).Seconds()
		} else {
			st.BeforeFirst += end.Sub(s.since).Seconds()
		}
	}
	n := float64(c)
	st.Busy, st.BeforeFirst, st.Between, st.HandOvers, st.AfterLast =
		st.Busy/n, st.BeforeFirst/n, st.Between/n, st.HandOvers/n, st.AfterLast/n
	return st
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
