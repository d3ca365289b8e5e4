// Package localmodel is the built-in local model: an OpenAI-compatible HTTP server that answers
// chat completions (theme extraction under a strict JSON schema) and embeddings with deterministic,
// domain-general heuristics. The product uses it when no API key is configured (demo, tests,
// benchmarks), so it drives the same go-openai code path as with the real API. It can add latency
// and inject faults (rate limits, server errors, timeouts, malformed or schema-breaking answers)
// to exercise the client's retry and validation logic.
package localmodel
