// Package config reads the settings shared by the worker and the starter from the environment,
// with defaults that match the local services `make up` starts, so nothing needs exporting.
package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"feedbackpipe/codec"
	"feedbackpipe/extraction"
	"feedbackpipe/llm"
	"feedbackpipe/pipeline"
)

// Defaults: the addresses `make up` uses.
const (
	DefaultDatabaseURL     = "postgres://feedback@127.0.0.1:55432/feedback?sslmode=disable"
	DefaultTemporalAddress = "127.0.0.1:7233"
	DefaultNamespace       = "default"
	DefaultUIURL           = "http://localhost:8233"
	DefaultChatModel       = "gpt-4o-mini"
	DefaultEmbeddingModel  = "text-embedding-3-small"
	// Model names used with the built-in local model, so its outputs never pose as a real model's
	// in the content caches.
	LocalChatModel      = "local-heuristic-v1"
	LocalEmbeddingModel = "local-hashed-ngrams-v1"
)

// Config is every setting; see the README's configuration table.
type Config struct {
	DatabaseURL     string
	TemporalAddress string // from the Temporal profile or TEMPORAL_ADDRESS; a flag may override it
	Namespace       string // from the Temporal profile or TEMPORAL_NAMESPACE; a flag may override it
	// Temporal holds the connection settings of the Temporal environment configuration (TLS,
	// API key, gRPC headers); dial with ClientOptions, which adds the address and namespace.
	Temporal    client.Options
	Codec       *codec.Codec // PAYLOAD_KEY or PAYLOAD_KEY_FILE: payloads encrypted in Temporal; nil: plain
	TaskQueue   string
	UIURL       string
	MetricsAddr string
	LogLevel    string
	LLM         llm.Config
	Actionable  []string
	Index       pipeline.IndexLimits
	// NoEmbedAhead (EMBED_AHEAD=off) leaves every vector to the embedding phase instead of
	// having extraction batches embed their conversations while their calls run.
	NoEmbedAhead bool
	// NoEagerActivities (EAGER_ACTIVITIES=off) has the worker start no activity itself: every
	// batch goes through the task queue, so one run's batches spread over all workers, each
	// starting tens to hundreds of milliseconds later.
	NoEagerActivities bool
	// StoryWriters (STORY_WRITERS) is how many group transactions the stories phase runs at once;
	// 0 takes the activities' default.
	StoryWriters int
}

// UsesLocalModel reports whether no API key is configured, so the built-in model serves the calls.
func (c Config) UsesLocalModel() bool { return c.LLM.APIKey == "" }

// Load reads the configuration through getenv (os.Getenv in the programs).
func Load(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	temporal, address, namespace, err := loadTemporal(getenv)
	if err != nil {
		return Config{}, err
	}
	c := Config{
		DatabaseURL:     get("DATABASE_URL", DefaultDatabaseURL),
		TemporalAddress: address,
		Namespace:       namespace,
		Temporal:        temporal,
		TaskQueue:       get("TASK_QUEUE", pipeline.DefaultTaskQueue),
		UIURL:           strings.TrimRight(get("TEMPORAL_UI_URL", DefaultUIURL), "/"),
		MetricsAddr:     get("METRICS_ADDR", ""),
		LogLevel:        get("LOG_LEVEL", "info"),
		LLM: llm.Config{
			BaseURL: get("OPENAI_BASE_URL", ""),
			APIKey:  get("OPENAI_API_KEY", ""),
		},
	}
	if c.Codec, err = loadCodec(getenv); err != nil {
		return c, err
	}
	local := c.LLM.APIKey == ""
	c.LLM.ChatModel = get("LLM_MODEL", pick(local, LocalChatModel, DefaultChatModel))
	c.LLM.EmbeddingModel = get("EMBEDDING_MODEL", pick(local, LocalEmbeddingModel, DefaultEmbeddingModel))
	if c.LLM.CallTimeout, err = duration(getenv, "LLM_TIMEOUT", 60*time.Second); err != nil {
		return c, err
	}
	if c.LLM.RequestsPerMinute, err = integer(getenv, "LLM_RPM", 0); err != nil {
		return c, err
	}
	if c.LLM.TokensPerMinute, err = integer(getenv, "LLM_TPM", 0); err != nil {
		return c, err
	}
	if c.LLM.Workers, err = integer(getenv, "LLM_WORKERS", 1); err != nil {
		return c, err
	}
	if c.LLM.MaxAttempts, err = integer(getenv, "LLM_MAX_ATTEMPTS", 6); err != nil {
		return c, err
	}
	if c.LLM.Prices, err = llm.ParsePrices(getenv("LLM_PRICES")); err != nil {
		return c, err
	}
	if c.Index.MaxActive, err = integer(getenv, "RUN_INDEX_MAX_ACTIVE", pipeline.DefaultMaxActive); err != nil {
		return c, err
	}
	if c.Index.Retention, err = integer(getenv, "RUN_INDEX_RETENTION", pipeline.DefaultRetention); err != nil {
		return c, err
	}
	if c.StoryWriters, err = integer(getenv, "STORY_WRITERS", 0); err != nil {
		return c, err
	}
	if c.NoEmbedAhead, err = off(getenv, "EMBED_AHEAD"); err != nil {
		return c, err
	}
	if c.NoEagerActivities, err = off(getenv, "EAGER_ACTIVITIES"); err != nil {
		return c, err
	}
	c.Actionable = extraction.DefaultActionable
	if v := strings.TrimSpace(getenv("ACTIONABLE_TYPES")); v != "" {
		c.Actionable = nil
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if !extraction.IsActionable(t, extraction.ConversationTypes) {
				return c, fmt.Errorf("ACTIONABLE_TYPES: %q is not a conversation type (%s)", t, strings.Join(extraction.ConversationTypes, ", "))
			}
			c.Actionable = append(c.Actionable, t)
		}
	}
	return c, nil
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func duration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(getenv(key))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive duration like 30s", key, v)
	}
	return d, nil
}

// off reads a switch that is on unless set to off (or false, 0).
func off(getenv func(string) string, key string) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(getenv(key))); v {
	case "", "on", "true", "1":
		return false, nil
	case "off", "false", "0":
		return true, nil
	default:
		return false, fmt.Errorf("%s: %q is neither on nor off", key, v)
	}
}

func integer(getenv func(string) string, key string, def int) (int, error) {
	v := strings.TrimSpace(getenv(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: %q is not a non-negative integer", key, v)
	}
	return n, nil
}
