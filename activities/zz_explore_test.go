package activities_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

func TestExplore(t *testing.T) {
	h := newHarness(t)
	n := h.startRun("r1", false)
	h.extract("r1", 0, n, false)
	var lines []string
	for id, o := range h.outcomes("r1") {
		lines = append(lines, id+"="+o)
	}
	sort.Strings(lines)
	h.embed("r1")
	res := h.stories("r1")
	fmt.Printf("OUT %s | stories=%d orphans=%d\n", strings.Join(lines, ","), res.Counters.StoriesCreated, res.Counters.OrphansCreated)
}
