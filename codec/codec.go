// Package codec encrypts what the worker and the starter put in Temporal: a payload codec
// (converter.PayloadCodec) sealing each payload with AES-256-GCM under a named key. The key ID
// travels in the payload's metadata, so keys rotate by ID: payloads are encoded with the current
// key and decoded with whichever known key sealed them.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload.
const (
	MetadataEncoding = "binary/encrypted"  // the payload's "encoding"
	MetadataKeyID    = "encryption-key-id" // the ID of the key that sealed it
	MetadataCipher   = "encryption-cipher" // always "AES256-GCM" here
	cipherName       = "AES256-GCM"
	keySize          = 32
)

// Key is a named AES-256 key.
type Key struct {
	ID    string
	Bytes []byte
}

// Codec is the AES-GCM payload codec. It is safe for concurrent use.
type Codec struct {
	current string
	aeads   map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New builds a codec that encodes with keys[0] and decodes with any of keys.
func New(keys []Key) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("payload codec: no key")
	}
	c := &Codec{current: keys[0].ID, aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, k := range keys {
		if k.ID == "" || strings.ContainsAny(k.ID, ":, \t\n") {
			return nil, fmt.Errorf("payload codec: key ID %q must be non-empty, without ':', ',' or spaces", k.ID)
		}
		if len(k.Bytes) != keySize {
			return nil, fmt.Errorf("payload codec: key %s has %d bytes, want %d (AES-256)", k.ID, len(k.Bytes), keySize)
		}
		if _, dup := c.aeads[k.ID]; dup {
			return nil, fmt.Errorf("payload codec: key ID %s given twice", k.ID)
		}
		block, err := aes.NewCipher(k.Bytes)
		if err != nil {
			return nil, fmt.Errorf("payload codec: key %s: %w", k.ID, err)
		}
		if c.aeads[k.ID], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("payload codec: key %s: %w", k.ID, err)
		}
	}
	return c, nil
}

// CurrentKeyID is the ID of the key new payloads are sealed with.
func (c *Codec) CurrentKeyID() string { return c.current }

// Encode seals each payload (its metadata and data, marshalled) with the current key. The key
// ID is also the additional authenticated data, so a payload cannot be relabelled.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("payload codec: marshal payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("payload codec: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(MetadataEncoding),
				MetadataKeyID:              []byte(c.current),
				MetadataCipher:             []byte(cipherName),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode opens each encrypted payload with the key its metadata names; other payloads pass
// through unchanged (written before encryption was turned on, or search attributes).
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != MetadataEncoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return nil, fmt.Errorf("payload codec: payload sealed with key %q, which is not configured (known: %s)", id, strings.Join(c.ids(), ", "))
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, errors.New("payload codec: encrypted payload too short")
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("payload codec: open payload sealed with key %s: %w", id, err)
		}
		var dec commonpb.Payload
		if err := proto.Unmarshal(plain, &dec); err != nil {
			return nil, fmt.Errorf("payload codec: unmarshal decrypted payload: %w", err)
		}
		out[i] = &dec
	}
	return out, nil
}

func (c *Codec) ids() []string {
	ids := make([]string, 0, len(c.aeads))
	for id := range c.aeads {
		ids = append(ids, id)
	}
	return ids
}

// ParseKeys reads keys written as `ID:BASE64`, separated by commas or line breaks (lines
// starting with # are comments); the first is the current key. BASE64 is 32 bytes in standard
// base64, e.g. from `head -c 32 /dev/urandom | base64`.
func ParseKeys(s string) ([]Key, error) {
	var keys []Key
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		f = strings.TrimSpace(f)
		if f == "" || strings.HasPrefix(f, "#") {
			continue
		}
		id, b64, ok := strings.Cut(f, ":")
		if !ok {
			return nil, errors.New("a payload key is written ID:BASE64 (e.g. k1:…), the key ID is missing")
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("payload key %s is not standard base64", strings.TrimSpace(id))
		}
		keys = append(keys, Key{ID: strings.TrimSpace(id), Bytes: raw})
	}
	if len(keys) == 0 {
		return nil, errors.New("no payload key found")
	}
	return keys, nil
}
