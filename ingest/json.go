package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// decode unmarshals one JSON value into v and names what is wrong with it. path is
// where the value sits in the record ("" for the record itself, "messages[2]" for a
// message); v's arrays of records are json.RawMessage slices, decoded one element at
// a time, so a type error never has to be located inside an array by the json package.
func decode(data []byte, v any, path string) *fieldError {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &fieldError{reason: fmt.Sprintf("invalid JSON: %s (at byte %d)", se.Error(), se.Offset)}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &fieldError{
			field:  joinPath(path, te.Field),
			reason: fmt.Sprintf("must be %s, not %s", describeType(te.Type), te.Value),
		}
	}
	return &fieldError{field: path, reason: err.Error()}
}

// joinPath appends a json package field path ("a.b", or "a.3.b" under the jsonv2
// experiment) to prefix, writing array indices as [3].
func joinPath(prefix, field string) string {
	var parts []string
	if prefix != "" {
		parts = append(parts, prefix)
	}
	for _, p := range strings.Split(field, ".") {
		switch {
		case p == "":
		case isIndex(p) && len(parts) > 0:
			parts[len(parts)-1] += "[" + p + "]"
		default:
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

func isIndex(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// describeType names what a Go type the record is decoded into expects in JSON.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// jsonKind names the kind of a raw JSON value: string, number, object, array, bool or null.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// isNull reports whether a raw value is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}
