package localmodel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by New and ConfigFromEnv.
const (
	DefaultDimensions  = 256
	DefaultTimeoutHang = 60 * time.Second
	maxDimensions      = 8192
)

// Environment variables read by ConfigFromEnv.
const (
	EnvLatency   = "LOCAL_MODEL_LATENCY"
	EnvFaultRate = "LOCAL_MODEL_FAULT_RATE"
	EnvSeed      = "LOCAL_MODEL_SEED"
)

// Config tunes the local model.
type Config struct {
	Latency     time.Duration // how long after its request every answer leaves, the model's work included
	FaultRate   float64       // 0..1 probability that a request gets an injected fault
	Seed        uint64        // seeds the fault RNG (deterministic sequence of fault decisions)
	Dimensions  int           // embedding size, default 256
	TimeoutHang time.Duration // how long a "timeout" fault hangs before answering 504; default 60s
	RecordCalls bool          // keep every chat request's span (Server.ChatCalls)
}

// withDefaults fills unset fields and clamps out-of-range ones.
func (c Config) withDefaults() Config {
	if c.Dimensions <= 0 {
		c.Dimensions = DefaultDimensions
	}
	c.Dimensions = min(c.Dimensions, maxDimensions)
	if c.TimeoutHang <= 0 {
		c.TimeoutHang = DefaultTimeoutHang
	}
	if c.Latency < 0 {
		c.Latency = 0
	}
	if math.IsNaN(c.FaultRate) || c.FaultRate < 0 {
		c.FaultRate = 0
	}
	c.FaultRate = min(c.FaultRate, 1)
	return c
}

// ConfigFromEnv reads LOCAL_MODEL_LATENCY (a Go duration such as "200ms", or "0"),
// LOCAL_MODEL_FAULT_RATE (0..1) and LOCAL_MODEL_SEED (an unsigned integer). Unset variables keep
// their defaults; a bad value is an error naming the variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Dimensions: DefaultDimensions, TimeoutHang: DefaultTimeoutHang}
	if v := strings.TrimSpace(getenv(EnvLatency)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return Config{}, fmt.Errorf("%s: %q is not a duration such as \"200ms\" or \"0\"", EnvLatency, v)
		}
		if d < 0 {
			return Config{}, fmt.Errorf("%s: %q is negative", EnvLatency, v)
		}
		cfg.Latency = d
	}
	if v := strings.TrimSpace(getenv(EnvFaultRate)); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) {
			return Config{}, fmt.Errorf("%s: %q is not a number between 0 and 1", EnvFaultRate, v)
		}
		if f < 0 || f > 1 {
			return Config{}, fmt.Errorf("%s: %v is outside 0..1", EnvFaultRate, f)
		}
		cfg.FaultRate = f
	}
	if v := strings.TrimSpace(getenv(EnvSeed)); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return Config{}, fmt.Errorf("%s: %q is not an unsigned integer", EnvSeed, v)
		}
		cfg.Seed = seed
	}
	return cfg, nil
}
