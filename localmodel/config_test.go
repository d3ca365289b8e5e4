package localmodel

import (
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string // the variable the error must name
	}{
		{"unset", nil, Config{Dimensions: DefaultDimensions, TimeoutHang: DefaultTimeoutHang}, ""},
		{"all set", map[string]string{EnvLatency: "200ms", EnvFaultRate: "0.25", EnvSeed: "42"},
			Config{Latency: 200 * time.Millisecond, FaultRate: 0.25, Seed: 42, Dimensions: DefaultDimensions, TimeoutHang: DefaultTimeoutHang}, ""},
		{"zero latency", map[string]string{EnvLatency: "0", EnvFaultRate: "1"},
			Config{FaultRate: 1, Dimensions: DefaultDimensions, TimeoutHang: DefaultTimeoutHang}, ""},
		{"latency without unit", map[string]string{EnvLatency: "200"}, Config{}, EnvLatency},
		{"negative latency", map[string]string{EnvLatency: "-1s"}, Config{}, EnvLatency},
		{"fault rate not a number", map[string]string{EnvFaultRate: "often"}, Config{}, EnvFaultRate},
		{"fault rate above 1", map[string]string{EnvFaultRate: "1.5"}, Config{}, EnvFaultRate},
		{"fault rate negative", map[string]string{EnvFaultRate: "-0.1"}, Config{}, EnvFaultRate},
		{"fault rate NaN", map[string]string{EnvFaultRate: "NaN"}, Config{}, EnvFaultRate},
		{"seed negative", map[string]string{EnvSeed: "-3"}, Config{}, EnvSeed},
		{"seed not a number", map[string]string{EnvSeed: "abc"}, Config{}, EnvSeed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want an error naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
