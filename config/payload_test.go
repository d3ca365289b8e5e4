package config

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPayloadKeyTurnsTheCodecOn(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32))
	env := func(vars map[string]string) func(string) string {
		return func(k string) string {
			if k == "TEMPORAL_CONFIG_FILE" {
				return filepath.Join(t.TempDir(), "none.toml")
			}
			return vars[k]
		}
	}
	c, err := Load(env(nil))
	if err != nil || c.Codec != nil || c.ClientOptions().DataConverter != nil {
		t.Fatalf("without a key the codec is on or Load failed: %v", err)
	}
	c, err = Load(env(map[string]string{"PAYLOAD_KEY": "k2:" + key + ",k1:" + key}))
	if err != nil || c.Codec == nil || c.Codec.CurrentKeyID() != "k2" {
		t.Fatalf("PAYLOAD_KEY: %v", err)
	}
	if opts := c.ClientOptions(); opts.DataConverter == nil || opts.FailureConverter == nil {
		t.Fatal("the client options do not encrypt payloads and failures")
	}
	file := filepath.Join(t.TempDir(), "payload.key")
	if err := os.WriteFile(file, []byte("# rotated 2026-11\nk3:"+key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err = Load(env(map[string]string{"PAYLOAD_KEY_FILE": file})); err != nil || c.Codec.CurrentKeyID() != "k3" {
		t.Fatalf("PAYLOAD_KEY_FILE: %v", err)
	}
	for name, vars := range map[string]map[string]string{
		"both":      {"PAYLOAD_KEY": "k1:" + key, "PAYLOAD_KEY_FILE": file},
		"no id":     {"PAYLOAD_KEY": key},
		"short key": {"PAYLOAD_KEY": "k1:" + base64.StdEncoding.EncodeToString([]byte("sixteen bytes!!!"))},
		"no file":   {"PAYLOAD_KEY_FILE": filepath.Join(t.TempDir(), "missing")},
	} {
		_, err := Load(env(vars))
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), key) {
			t.Errorf("%s: the error quotes the key: %v", name, err)
		}
	}
}
