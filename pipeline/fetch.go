package pipeline

// Sources of a run's conversations.
const (
	SourceImported = ""         // conversations imported with `starter import`
	SourceIntercom = "intercom" // fetched from Intercom's REST API in the fetch phase
)

// Reasons a fetched conversation is not stored.
const (
	SkipNotCustomer = "not_customer_initiated" // started by an admin or an outbound message
	SkipBot         = "bot"                    // started by a bot (Fin, a workflow)
	SkipTemplate    = "template_click"         // the customer only clicked a template reply
	SkipTooShort    = "too_short"              // under MinCustomerChars of customer text
	SkipInvalid     = "invalid"                // a payload that does not make a conversation
)

// MinCustomerChars is the customer text (HTML stripped) a fetched conversation needs to be kept.
const MinCustomerChars = 20

// FetchCounters are the fetch phase's numbers (zero for runs of imported conversations).
type FetchCounters struct {
	ConversationsFetched int `json:"conversations_fetched"`
	ConversationsSkipped int `json:"conversations_skipped"`
	ConversationsStored  int `json:"conversations_stored"`
	// SkippedBy splits ConversationsSkipped by reason (the Skip* constants).
	SkippedBy SkipCounts `json:"conversations_skipped_by"`
}

// SkipCounts counts skipped conversations by reason, one fixed field a reason.
type SkipCounts struct {
	NotCustomer int `json:"not_customer_initiated"`
	Bot         int `json:"bot"`
	Template    int `json:"template_click"`
	TooShort    int `json:"too_short"`
	Invalid     int `json:"invalid"`
}

// Count adds one skip for reason (an unknown reason counts as invalid).
func (s *SkipCounts) Count(reason string) {
	switch reason {
	case SkipNotCustomer:
		s.NotCustomer++
	case SkipBot:
		s.Bot++
	case SkipTemplate:
		s.Template++
	case SkipTooShort:
		s.TooShort++
	default:
		s.Invalid++
	}
}

// Total is the number of skips of every reason.
func (s SkipCounts) Total() int { return s.NotCustomer + s.Bot + s.Template + s.TooShort + s.Invalid }

// Add adds every fetch counter of o to c.
func (c *FetchCounters) Add(o FetchCounters) {
	c.ConversationsFetched += o.ConversationsFetched
	c.ConversationsSkipped += o.ConversationsSkipped
	c.ConversationsStored += o.ConversationsStored
	c.SkippedBy.NotCustomer += o.SkippedBy.NotCustomer
	c.SkippedBy.Bot += o.SkippedBy.Bot
	c.SkippedBy.Template += o.SkippedBy.Template
	c.SkippedBy.TooShort += o.SkippedBy.TooShort
	c.SkippedBy.Invalid += o.SkippedBy.Invalid
}

// ScheduledRunWorkflowName is the workflow a Temporal Schedule starts: it computes the run's
// window from the schedule's last successful run and asks the run index to admit the run.
const ScheduledRunWorkflowName = "ScheduledRun"

// ScheduledRunInput is what a schedule's action starts ScheduledRun with.
type ScheduledRunInput struct {
	Schedule  string      `json:"schedule"`
	TaskQueue string      `json:"task_queue"`
	Input     RunInput    `json:"input"`  // the run's flags; its window is computed at each start
	Limits    IndexLimits `json:"limits"` // the run index's limits
	// MaxWindowSeconds bounds a catch-up window (after a pause or an outage); 0: Days.
	MaxWindowSeconds int64 `json:"max_window_seconds,omitempty"`
}
