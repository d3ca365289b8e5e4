package generate

import (
	"math/rand/v2"
	"strings"
)

// expander fills templates. "[a|b|c]" picks one alternative (innermost brackets first, so they
// nest); "{name}" fills a slot. A slot is chosen once per conversation, so {handle} names the
// same account in every message of a thread.
type expander struct {
	r      *rand.Rand
	slots  []map[string][]string // looked up in order: the topic's own slots, then the common ones
	chosen map[string]string
}

func newExpander(r *rand.Rand, slots ...map[string][]string) *expander {
	return &expander{r: r, slots: slots, chosen: map[string]string{}}
}

// set fixes a slot's value, e.g. the customer's name.
func (e *expander) set(name, value string) { e.chosen[name] = value }

func (e *expander) expand(t string) string {
	t = e.alternatives(t)
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			panic("generate: unclosed slot in template " + t)
		}
		b.WriteString(t[:i])
		b.WriteString(e.slot(t[i+1 : i+j]))
		t = t[i+j+1:]
	}
}

func (e *expander) alternatives(t string) string {
	for {
		j := strings.IndexByte(t, ']')
		if j < 0 {
			return t
		}
		i := strings.LastIndexByte(t[:j], '[')
		if i < 0 {
			panic("generate: unopened alternative in template " + t)
		}
		opts := strings.Split(t[i+1:j], "|")
		t = t[:i] + opts[e.r.IntN(len(opts))] + t[j+1:]
	}
}

func (e *expander) slot(name string) string {
	if v, ok := e.chosen[name]; ok {
		return v
	}
	for _, s := range e.slots {
		if opts, ok := s[name]; ok {
			v := e.expand(pick(e.r, opts))
			e.chosen[name] = v
			return v
		}
	}
	panic("generate: unknown slot {" + name + "}")
}

func pick(r *rand.Rand, opts []string) string { return opts[r.IntN(len(opts))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }
