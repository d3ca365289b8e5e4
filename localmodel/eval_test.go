package localmodel

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"feedbackpipe/conversation"
	"feedbackpipe/extraction"
	"feedbackpipe/sampledata"
	"feedbackpipe/signature"
)

func wantType(label string) string {
	switch {
	case strings.HasPrefix(label, "howto_"):
		return extraction.TypeHowToQuestion
	case strings.HasPrefix(label, "fr_"):
		return extraction.TypeFeatureRequest
	case label == "noise_billing":
		return extraction.TypeBillingQuestion
	case label == "noise_thanks", label == "noise_general":
		return extraction.TypeGeneralInquiry
	case label == "noise_spam":
		return extraction.TypeSpam
	}
	return extraction.TypeProductIssue
}

func TestEval(t *testing.T) {
	if os.Getenv("EVAL") == "" {
		t.Skip()
	}
	labels, _ := sampledata.Labels()
	client, _ := newClient(t, Config{})
	cache := signature.NewCache(nil, nil, 1000)
	sc := bufio.NewScanner(bytes.NewReader(sampledata.ConversationsJSONL()))
	sc.Buffer(nil, 1<<20)
	typeOK, n := 0, 0
	confusion := map[string]map[string]int{}
	bySig := map[string]map[string]int{}
	byLabel := map[string]map[string]int{}
	for sc.Scan() {
		var c conversation.Conversation
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		var known []extraction.KnownSignature
		for _, e := range cache.Known(60) {
			known = append(known, extraction.KnownSignature{Signature: e.Signature, ProductArea: e.ProductArea, Count: e.Count})
		}
		th := extract(t, client, &c, known...)
		label := labels[c.ID]
		n++
		wt := wantType(label)
		if th.ConversationType == wt {
			typeOK++
		} else if os.Getenv("EVAL") == "v" {
			t.Logf("TYPE %s want %s got %s: %q", label, wt, th.ConversationType, c.Subject+" | "+c.CustomerText())
		}
		if confusion[wt] == nil {
			confusion[wt] = map[string]int{}
		}
		confusion[wt][th.ConversationType]++
		if !extraction.IsActionable(th.ConversationType, extraction.DefaultActionable) {
			continue
		}
		if l := os.Getenv("LABEL"); l == label {
			txt := strings.ReplaceAll(c.Subject+" | "+c.CustomerText(), "\n", " ")
			t.Logf("SIG %-40s m=%v %s | %.230s", th.IssueSignature, th.MatchedExisting, th.MatchConfidence, txt)
		}
		res, err := cache.Resolve(th.IssueSignature, th.ProductArea)
		if err != nil {
			t.Logf("blocked %s: %v", th.IssueSignature, err)
			continue
		}
		if bySig[res.Canonical] == nil {
			bySig[res.Canonical] = map[string]int{}
		}
		bySig[res.Canonical][label]++
		if byLabel[label] == nil {
			byLabel[label] = map[string]int{}
		}
		byLabel[label][res.Canonical]++
	}
	t.Logf("type accuracy %d/%d", typeOK, n)
	for wt, m := range confusion {
		t.Logf("  %-18s %v", wt, m)
	}
	var labelsSorted []string
	for l := range byLabel {
		labelsSorted = append(labelsSorted, l)
	}
	sort.Strings(labelsSorted)
	for _, l := range labelsSorted {
		t.Logf("LABEL %-36s %s", l, top(byLabel[l]))
	}
	pure, total := 0, 0
	for s, m := range bySig {
		best, sum := 0, 0
		for _, c := range m {
			sum += c
			best = max(best, c)
		}
		pure += best
		total += sum
		if sum >= 3 && best < sum {
			t.Logf("MIXED %s %v", s, m)
		}
	}
	t.Logf("purity %d/%d, %d signatures", pure, total, len(bySig))
}

func top(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var l []kv
	sum := 0
	for k, v := range m {
		l = append(l, kv{k, v})
		sum += v
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
	var parts []string
	for i, x := range l {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("... +%d sigs", len(l)-4))
			break
		}
		parts = append(parts, fmt.Sprintf("%s=%d", x.k, x.v))
	}
	return fmt.Sprintf("[%d total, %d sigs] %s", sum, len(l), strings.Join(parts, " "))
}
