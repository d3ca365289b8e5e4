package llm

import "time"

// Call kinds, as the Recorder sees them.
const (
	KindExtract    = "extract"            // the extraction call of a conversation
	KindCorrection = "extract_correction" // the corrective call after an invalid extraction answer
	KindEmbed      = "embed"              // an embeddings request
)

// Recorder receives what the client observes of its API requests (e.g. the worker's metrics).
// Config.Recorder may be nil: nothing is recorded then.
type Recorder interface {
	// Request is called once per HTTP request (every attempt) with its duration and error.
	Request(model, kind string, d time.Duration, err error)
	// Tokens is called once per successful call with the usage the API reported.
	Tokens(model, kind string, in, out int)
	// Retry is called when a failed request is retried; code is the transient failure's code
	// (rate_limited for a 429, http_5xx, timeout, connection, bad_answer).
	Retry(model, kind, code string)
}

type noRecorder struct{}

func (noRecorder) Request(string, string, time.Duration, error) {}
func (noRecorder) Tokens(string, string, int, int)              {}
func (noRecorder) Retry(string, string, string)                 {}
