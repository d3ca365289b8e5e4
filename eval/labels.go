package eval

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// ReadLabels parses a labels CSV: a `conversation_id,label` header, then one conversation a
// line (as sampledata/labels.csv). Blank ids or labels and a conversation labelled twice are
// errors naming the line.
func ReadLabels(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("labels: empty file; want a conversation_id,label header")
	}
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if len(header) != 2 || strings.TrimSpace(header[0]) != "conversation_id" || strings.TrimSpace(header[1]) != "label" {
		return nil, fmt.Errorf("labels: header must be conversation_id,label")
	}
	labels := map[string]string{}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("labels: %w", err)
		}
		if len(row) != 2 || strings.TrimSpace(row[0]) == "" || strings.TrimSpace(row[1]) == "" {
			return nil, fmt.Errorf("labels line %d: want a conversation id and a label", line)
		}
		id, label := strings.TrimSpace(row[0]), strings.TrimSpace(row[1])
		if _, dup := labels[id]; dup {
			return nil, fmt.Errorf("labels line %d: %s is labelled twice", line, id)
		}
		labels[id] = label
	}
	return labels, nil
}
