package generate

// kind says how a topic's conversations are shaped.
type kind int

const (
	bug kind = iota
	feature
	howto
	billing
	general
	thanks
	spam
)

// topic is what a group of conversations is about: one real product issue, or one kind of noise.
// Several noise topics share a key (e.g. refunds and invoices are both noise_billing).
type topic struct {
	key    string // ground-truth label
	kind   kind
	count  int
	window [2]int // created between window[0] and window[1] days before Reference
	page   string // app page a chat would start on (Intercom source url)
	slots  map[string][]string

	subjects []string
	openers  []string // the customer's first message
	vague    []string // a first message that names only a symptom; the clarification follows
	follows  []string // the customer's later message adding details
	replies  []string // support asking for details or acknowledging
	closers  []string // support with the answer: workaround, escalation, explanation
}

// topics lists every topic with its count, in a fixed order.
func topics() []topic {
	var ts []topic
	for _, group := range [][]topic{
		instagramTopics(), schedulingTopics(), analyticsTopics(), workflowTopics(), channelTopics(),
		requestTopics(), smallTopics(), noiseTopics(),
	} {
		ts = append(ts, group...)
	}
	return ts
}
