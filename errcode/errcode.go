// Package errcode turns errors, and the error text Postgres keeps for failed and filtered items,
// into short codes made of fixed words, field names of the extraction schema, HTTP statuses,
// SQLSTATEs and numbers: the form in which they may enter Temporal history, which anyone with
// UI access reads. Error text quotes what the model answered (a validation error names the bad
// value) and API answers may echo the request, so the text itself stays in Postgres and logs.
// Codes are built only from that vocabulary, so nothing a customer or the model wrote can pass
// through, whatever the text holds.
package errcode

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	openai "github.com/sashabaranov/go-openai"

	"feedbackpipe/extraction"
	"feedbackpipe/llm"
)

// Codes of the problems the text names; Generic is what unknown text becomes.
const (
	InvalidOutput        = "invalid_output"
	EmbeddingFailed      = "embedding_failed"
	LowQuality           = "low_quality"
	BlocklistedSignature = "blocklisted_signature"
	Timeout              = "timeout"
	Canceled             = "canceled"
	NetworkError         = "network_error"
	DBError              = "db_error"
	Generic              = "error"
)

var (
	statusCode = regexp.MustCompile(`(?:status code: |LLM API answered )([1-5][0-9][0-9])\b`)
	attempts   = regexp.MustCompile(`gave up after ([0-9]+) attempts`)
	sqlState   = regexp.MustCompile(`SQLSTATE ([0-9A-Z]{5})\b`)
	quality    = regexp.MustCompile(`^quality score ([0-9]+\.[0-9]+) below ([0-9]+\.[0-9]+)`)
	leadWord   = regexp.MustCompile(`^([a-z_]+)`)
	apiWord    = regexp.MustCompile(`^[a-z0-9_.-]{1,64}$`)
	// storedCode is a reason the pipeline already stores as a code (llm.Reason, the embedding
	// phase's reasons), possibly marked retried: kept as it is.
	storedCode = regexp.MustCompile(`^(invalid_output|refused|transient|error|empty_digest|rejected|review_fallback)(: [a-z0-9_.-]{1,64})?( \(retried\))?$`)
)

// Of is the code of an error: what an activity may report to its workflow instead of the
// error's text. A wrong configuration keeps its status, the API's error code and the hint saying
// what to fix (e.g. "http_401: invalid_api_key: the API key was rejected; set a valid
// OPENAI_API_KEY"); a refused input, a call that gave up and an invalid answer keep their codes.
func Of(err error) string {
	if err == nil {
		return ""
	}
	var perm *llm.PermanentError
	var refused *llm.RefusedError
	var transient *llm.TransientError
	var invalid *llm.InvalidOutputError
	var api *openai.APIError
	switch {
	case errors.As(err, &perm):
		code := fmt.Sprintf("http_%d", perm.Status)
		if w := apiCode(perm.Code); w != "" {
			code += ": " + w
		}
		if h := perm.Hint(); h != "" {
			code += ": " + h
		}
		return code
	case errors.As(err, &refused):
		return llm.ReasonRefused + apiCodeOr(refused.Code, fmt.Sprintf("http_%d", refused.Status))
	case errors.As(err, &transient):
		return fmt.Sprintf("%s%s, gave up after %d attempts", llm.ReasonTransient, apiCodeOr(transient.Code, Generic), transient.Attempts)
	case errors.As(err, &invalid):
		return InvalidOutput + ": " + outputProblems(invalid.Err.Error())
	case errors.As(err, &api) && api.HTTPStatusCode > 0:
		code := fmt.Sprintf("http_%d", api.HTTPStatusCode)
		if w := apiCodeOr(fmt.Sprint(api.Code), api.Type); w != "" {
			code += ": " + w
		}
		return withAttempts(code, err.Error())
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return withAttempts(Timeout, err.Error())
	}
	return FromDetail(err.Error())
}

// Carries reports whether err's text may hold what an API or the model said, or a database's
// words about a row: such errors must reach history as their code only.
func Carries(err error) bool {
	var perm *llm.PermanentError
	var refused *llm.RefusedError
	var transient *llm.TransientError
	var invalid *llm.InvalidOutputError
	var api *openai.APIError
	var req *openai.RequestError
	var pg *pgconn.PgError
	return errors.As(err, &perm) || errors.As(err, &refused) || errors.As(err, &transient) ||
		errors.As(err, &invalid) || errors.As(err, &api) || errors.As(err, &req) || errors.As(err, &pg)
}

// FromDetail is the code of an error text as the pipeline stores it (extractions.detail,
// embedding_failures.error, run_group_actions.detail).
func FromDetail(detail string) string {
	detail = strings.TrimSpace(detail)
	switch {
	case detail == "":
		return ""
	case strings.HasPrefix(detail, "invalid model output: "):
		return InvalidOutput + ": " + outputProblems(strings.TrimPrefix(detail, "invalid model output: "))
	case strings.HasPrefix(detail, "embedding request failed: "):
		return EmbeddingFailed + ": " + FromDetail(strings.TrimPrefix(detail, "embedding request failed: "))
	case strings.HasPrefix(detail, "blocklisted signature"):
		return BlocklistedSignature
	case storedCode.MatchString(detail):
		return detail
	}
	if m := quality.FindStringSubmatch(detail); m != nil {
		return fmt.Sprintf("%s: %s < %s", LowQuality, m[1], m[2])
	}
	var code string
	switch m, low := statusCode.FindStringSubmatch(detail), strings.ToLower(detail); {
	case m != nil:
		code = "http_" + m[1]
	case sqlState.MatchString(detail):
		code = DBError + ": SQLSTATE " + sqlState.FindStringSubmatch(detail)[1]
	case strings.Contains(low, "deadline exceeded") || strings.Contains(low, "timeout"):
		code = Timeout
	case strings.Contains(low, "context canceled"):
		code = Canceled
	case strings.Contains(low, "connection refused") || strings.Contains(low, "connection reset") ||
		strings.Contains(low, "eof") || strings.Contains(low, "broken pipe"):
		code = NetworkError
	default:
		code = Generic
	}
	return withAttempts(code, detail)
}

// Warning is the code of a stored warning "ID: reason": the ID and the reason's code. A story
// group is named by its key, a signature the model wrote ("group KEY: reason"): it leaves as
// GroupRef(KEY).
func Warning(w string) string {
	id, reason, ok := strings.Cut(w, ": ")
	if !ok {
		return FromDetail(w)
	}
	if key, isGroup := strings.CutPrefix(id, "group "); isGroup {
		id = GroupRef(key)
	}
	return id + ": " + FromDetail(reason)
}

// GroupRef names a story group in Temporal history without its key, which is model output:
// "group:" and the first 10 hex digits of the key's MD5, which SQL computes too
// ('group:' || left(md5(group_key), 10)), so an operator finds the group in Postgres.
func GroupRef(key string) string {
	sum := md5.Sum([]byte(key))
	return "group:" + hex.EncodeToString(sum[:])[:10]
}

func withAttempts(code, text string) string {
	if m := attempts.FindStringSubmatch(text); m != nil {
		return code + ", gave up after " + m[1] + " attempts"
	}
	return code
}

// outputProblems names what was wrong with a model answer from the validation text: the schema
// fields it names, or that the answer was not JSON, or had an unknown or missing field.
func outputProblems(text string) string {
	fields := extraction.PropertyNames()
	var out []string
	add := func(p string) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.Contains(line, "unknown field"):
			add("unknown_field")
		case strings.HasPrefix(line, "answer is not a JSON"):
			add("not_json")
		case strings.HasPrefix(line, "answer misses required fields: "):
			for _, f := range strings.Split(strings.TrimPrefix(line, "answer misses required fields: "), ", ") {
				if slices.Contains(fields, f) {
					add("missing " + f)
				}
			}
		default:
			if m := leadWord.FindStringSubmatch(line); m != nil && slices.Contains(fields, m[1]) {
				add("field " + m[1])
			} else if line != "" {
				add("other")
			}
		}
	}
	if len(out) == 0 {
		return "other"
	}
	return strings.Join(out, ", ")
}

// apiCodeOr is the first of the codes that is a plain identifier, or "".
func apiCodeOr(codes ...string) string {
	for _, c := range codes {
		if w := apiCode(c); w != "" {
			return w
		}
	}
	return ""
}

// apiCode keeps an API's error code or type when it is a plain identifier.
func apiCode(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "<nil>" || !apiWord.MatchString(s) {
		return ""
	}
	return s
}
