package localmodel

import (
	"regexp"
	"strconv"
	"strings"
)

// Error codes identify an issue better than any wording: conversations quoting the same code
// are almost always about the same fault. A code is a 3-6 digit number written against letters
// ("IG-9007", "E1042", "ERR_PDF_502") or right after "error", "code" or "status" ("error 190").
var (
	joinedCode   = regexp.MustCompile(`(?i)\b(?:[a-z]+[-_])*[a-z]+[-_]?(\d{3,6})\b`)
	labelledCode = regexp.MustCompile(`(?i)\b(?:error|err|code|status)\s*[:#]?\s*(\d{3,6})\b`)
)

// findCodes returns the code numbers in text, in order of appearance (with repeats), and the
// text with every code expression blanked out so its letters do not count as terms. A record's
// number ("INV-0287", see recordPrefixes) is blanked out too, but is no code.
func findCodes(text string) (codes []string, rest string) {
	if !hasDigitRun(text, 3) { // every code has at least 3 digits: skip the expressions
		return nil, text
	}
	type span struct {
		start, end, numStart int
		record               bool // a record's number: blanked, not a code
	}
	var spans []span
	for _, re := range []*regexp.Regexp{labelledCode, joinedCode} {
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			num := text[m[2]:m[3]]
			if yearLike(num) {
				continue
			}
			overlaps := false
			for _, s := range spans {
				overlaps = overlaps || (m[0] < s.end && s.start < m[1])
			}
			if !overlaps {
				spans = append(spans, span{m[0], m[1], m[2], recordNumber(text[m[0]:m[2]])})
			}
		}
	}
	if len(spans) == 0 {
		return nil, text
	}
	b := []byte(text)
	first := map[int]string{}
	for _, s := range spans {
		if !s.record {
			first[s.start] = text[s.numStart:s.end]
		}
		for i := s.start; i < s.end; i++ {
			b[i] = ' '
		}
		b[s.start] = ','
	}
	for i := 0; i < len(text); i++ {
		if num, ok := first[i]; ok {
			codes = append(codes, num)
		}
	}
	return codes, string(b)
}

// recordPrefixes name documents, not faults: "INV-0287", "ORD_55120" and "PO-1234" are the number
// of one invoice, order or purchase order, which every customer quotes differently.
var recordPrefixes = surfaceSet("inv invoice ord order po so ref txn id no nr num acct acc cust sku case " +
	"ticket tkt booking bk res rcpt receipt quote qt bill")

// recordNumber reports whether the letters written before a number (prefix, as in the text) make
// it a record's number.
func recordNumber(prefix string) bool {
	p := strings.ToLower(strings.TrimRight(prefix, "-_"))
	if i := strings.LastIndexAny(p, "-_"); i >= 0 {
		p = p[i+1:]
	}
	return recordPrefixes[p]
}

// yearLike reports a four-digit number that reads as a year (1900-2099), not a code.
func yearLike(num string) bool {
	n, err := strconv.Atoi(num)
	return err == nil && len(num) == 4 && n >= 1900 && n <= 2099
}

// codeSet collects the codes of several texts; primary is the most frequent one (the first on a
// tie), "" when there is none.
type codeSet struct {
	counts  map[string]int
	primary string
}

func collectCodes(texts ...string) (codeSet, []string) {
	cs := codeSet{counts: map[string]int{}}
	rests := make([]string, len(texts))
	var order []string
	for i, t := range texts {
		codes, rest := findCodes(t)
		rests[i] = rest
		for _, c := range codes {
			if cs.counts[c] == 0 {
				order = append(order, c)
			}
			cs.counts[c]++
		}
	}
	for _, c := range order {
		if cs.primary == "" || cs.counts[c] > cs.counts[cs.primary] {
			cs.primary = c
		}
	}
	return cs, rests
}

func (cs codeSet) has(code string) bool { return cs.counts[code] > 0 }

func (cs codeSet) empty() bool { return len(cs.counts) == 0 }

// isCodeToken reports a signature token that is an error code.
func isCodeToken(t string) bool {
	return len(t) >= 3 && isDigits(t) && !yearLike(t) && !strings.HasPrefix(t, "0")
}

// hasDigitRun reports whether text holds n ASCII digits in a row.
func hasDigitRun(text string, n int) bool {
	run := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
