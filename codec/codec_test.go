package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

func key(id string, b byte) Key { return Key{ID: id, Bytes: bytes.Repeat([]byte{b}, 32)} }

func mustNew(t *testing.T, keys ...Key) *Codec {
	t.Helper()
	c, err := New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func payloads(t *testing.T, values ...any) []*commonpb.Payload {
	t.Helper()
	ps, err := converter.GetDefaultDataConverter().ToPayloads(values...)
	if err != nil {
		t.Fatal(err)
	}
	return ps.Payloads
}

func TestEncodeHidesTheDataAndDecodesBack(t *testing.T) {
	c := mustNew(t, key("k1", 1))
	in := payloads(t, map[string]string{"status": "running", "secret": "customer text"})
	enc, err := c.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	md := enc[0].Metadata
	if string(md[converter.MetadataEncoding]) != MetadataEncoding || string(md[MetadataKeyID]) != "k1" {
		t.Fatalf("metadata %v", md)
	}
	if bytes.Contains(enc[0].Data, []byte("customer")) || bytes.Contains(enc[0].Data, []byte("json/plain")) {
		t.Fatal("encoded payload holds the plaintext")
	}
	dec, err := c.Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := converter.GetDefaultDataConverter().FromPayload(dec[0], &got); err != nil {
		t.Fatal(err)
	}
	if got["secret"] != "customer text" {
		t.Fatalf("decoded %v", got)
	}
}

func TestRotationDecodesWithAnyKnownKeyAndEncodesWithTheCurrent(t *testing.T) {
	old := mustNew(t, key("k1", 1))
	sealedOld, _ := old.Encode(payloads(t, "before rotation"))
	rotated := mustNew(t, key("k2", 2), key("k1", 1))
	if _, err := rotated.Decode(sealedOld); err != nil {
		t.Fatalf("a payload of the previous key does not decode after rotation: %v", err)
	}
	sealedNew, _ := rotated.Encode(payloads(t, "after rotation"))
	if id := string(sealedNew[0].Metadata[MetadataKeyID]); id != "k2" {
		t.Fatalf("encoded with key %q, want the current k2", id)
	}
	if _, err := old.Decode(sealedNew); err == nil || !strings.Contains(err.Error(), `"k2"`) {
		t.Fatalf("a codec without k2 should say it lacks k2, got %v", err)
	}
}

func TestTamperedOrRelabelledPayloadsFail(t *testing.T) {
	c := mustNew(t, key("k1", 1), key("k2", 1)) // same bytes: only the ID (the AAD) differs
	enc, _ := c.Encode(payloads(t, "x"))
	relabelled := &commonpb.Payload{Metadata: map[string][]byte{}, Data: enc[0].Data}
	for k, v := range enc[0].Metadata {
		relabelled.Metadata[k] = v
	}
	relabelled.Metadata[MetadataKeyID] = []byte("k2")
	if _, err := c.Decode([]*commonpb.Payload{relabelled}); err == nil {
		t.Fatal("a payload relabelled with another key ID decoded")
	}
	enc[0].Data[len(enc[0].Data)-1] ^= 1
	if _, err := c.Decode(enc); err == nil {
		t.Fatal("a tampered payload decoded")
	}
}

func TestPlainPayloadsPassThroughDecode(t *testing.T) {
	c := mustNew(t, key("k1", 1))
	in := payloads(t, "plain")
	out, err := c.Decode(in)
	if err != nil || out[0] != in[0] {
		t.Fatalf("plain payload not passed through: %v", err)
	}
}

func TestParseKeys(t *testing.T) {
	k := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	keys, err := ParseKeys("# current first\nk2:" + k + "\n\nk1:" + k + "\n")
	if err != nil || len(keys) != 2 || keys[0].ID != "k2" || keys[1].ID != "k1" {
		t.Fatalf("ParseKeys = %v, %v", keys, err)
	}
	if keys, err = ParseKeys("a:" + k + ",b:" + k); err != nil || len(keys) != 2 {
		t.Fatalf("comma list: %v, %v", keys, err)
	}
	for _, bad := range []string{"", k, "k1:not base64!"} {
		if _, err := ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		} else if strings.Contains(err.Error(), k) {
			t.Errorf("error quotes the key: %v", err)
		}
	}
	if _, err := New([]Key{{ID: "short", Bytes: []byte("0123456789abcdef")}}); err == nil {
		t.Error("a 16-byte key was accepted for AES-256")
	}
	if _, err := New([]Key{key("k1", 1), key("k1", 2)}); err == nil {
		t.Error("a duplicate key ID was accepted")
	}
}

func TestHandlerDecodesForTheUIWithCORS(t *testing.T) {
	c := mustNew(t, key("k1", 1))
	enc, _ := c.Encode(payloads(t, map[string]string{"status": "completed"}))
	body, _ := json.Marshal(map[string]any{"payloads": []any{json.RawMessage(mustProtoJSON(t, enc[0]))}})
	srv := httptest.NewServer(Handler(c, "http://localhost:8233"))
	defer srv.Close()

	pre, _ := http.NewRequest(http.MethodOptions, srv.URL+"/decode", nil)
	pre.Header.Set("Origin", "http://localhost:8233")
	resp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:8233" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "X-Namespace") {
		t.Fatalf("preflight headers %v", resp.Header)
	}

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/decode", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Payloads []struct {
			Metadata map[string]string `json:"metadata"`
			Data     string            `json:"data"`
		} `json:"payloads"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Payloads) != 1 {
		t.Fatalf("decode answer %d: %v", resp.StatusCode, err)
	}
	data, _ := base64.StdEncoding.DecodeString(out.Payloads[0].Data)
	if !strings.Contains(string(data), `"status":"completed"`) {
		t.Fatalf("decoded data %q", data)
	}
}
