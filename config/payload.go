package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"feedbackpipe/codec"
)

// loadCodec reads the payload keys: PAYLOAD_KEY (`ID:BASE64`, several separated by commas) or
// PAYLOAD_KEY_FILE (the same, one a line), the first key being the current one. Neither set
// means payloads go to Temporal unencrypted. Errors never quote a key.
func loadCodec(getenv func(string) string) (*codec.Codec, error) {
	inline, file := strings.TrimSpace(getenv("PAYLOAD_KEY")), strings.TrimSpace(getenv("PAYLOAD_KEY_FILE"))
	var text string
	switch {
	case inline != "" && file != "":
		return nil, errors.New("PAYLOAD_KEY and PAYLOAD_KEY_FILE are both set: set one")
	case inline != "":
		text = inline
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("PAYLOAD_KEY_FILE: %w", err)
		}
		text = string(b)
	default:
		return nil, nil
	}
	keys, err := codec.ParseKeys(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pick(inline != "", "PAYLOAD_KEY", "PAYLOAD_KEY_FILE"), err)
	}
	c, err := codec.New(keys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pick(inline != "", "PAYLOAD_KEY", "PAYLOAD_KEY_FILE"), err)
	}
	return c, nil
}

// withCodec makes opts encrypt every payload with c (inputs, results, signals, queries,
// updates, memos, heartbeat details, and the messages of failures); search attributes are not
// payloads the SDK encodes and stay readable. A nil c leaves opts as they are.
func withCodec(opts client.Options, c *codec.Codec) client.Options {
	if c == nil {
		return opts
	}
	dc := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
	opts.DataConverter = dc
	opts.FailureConverter = temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: dc, EncodeCommonAttributes: true,
	})
	return opts
}
