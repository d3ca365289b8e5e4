package generate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
)

// encodeJSONL writes one conversation per line, without HTML escaping so the text stays readable.
func encodeJSONL(convs []Labeled) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i := range convs {
		if err := enc.Encode(&convs[i].Conversation); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// encodeLabels writes the conversation_id,label CSV in conversation order.
func encodeLabels(convs []Labeled) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write([]string{"conversation_id", "label"}); err != nil {
		return nil, err
	}
	for _, c := range convs {
		if err := w.Write([]string{c.Conversation.ID, c.Label}); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// encodeIntercom writes the Intercom export as an indented JSON array.
func encodeIntercom(convs []icConversation) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(convs); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
