package localmodel

import "sync/atomic"

// Stats are counts since the server was created.
type Stats struct {
	ChatRequests      int64               // POST /v1/chat/completions received
	EmbeddingRequests int64               // POST /v1/embeddings received
	EmbeddingInputs   int64               // texts embedded (inputs of valid embedding requests)
	PeakChatInFlight  int64               // the most chat requests ever answered at once
	Faults            map[FaultKind]int64 // injected faults by kind; every kind is present
}

// TotalFaults is the number of injected faults of every kind.
func (s Stats) TotalFaults() int64 {
	var n int64
	for _, c := range s.Faults {
		n += c
	}
	return n
}

// counters are the live, thread-safe counts behind Stats.
type counters struct {
	chat, embeddings, inputs atomic.Int64
	chatInFlight, chatPeak   atomic.Int64
	faults                   [numFaultKinds]atomic.Int64
}

// chatStarted counts a chat request in flight and returns its end.
func (c *counters) chatStarted() (done func()) {
	n := c.chatInFlight.Add(1)
	for {
		peak := c.chatPeak.Load()
		if n <= peak || c.chatPeak.CompareAndSwap(peak, n) {
			break
		}
	}
	return func() { c.chatInFlight.Add(-1) }
}

func (c *counters) snapshot() Stats {
	s := Stats{
		ChatRequests:      c.chat.Load(),
		EmbeddingRequests: c.embeddings.Load(),
		EmbeddingInputs:   c.inputs.Load(),
		PeakChatInFlight:  c.chatPeak.Load(),
		Faults:            make(map[FaultKind]int64, numFaultKinds),
	}
	for i, k := range FaultKinds() {
		s.Faults[k] = c.faults[i].Load()
	}
	return s
}
