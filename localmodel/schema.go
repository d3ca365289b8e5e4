package localmodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// enumFallbacks are preferred when a value is not in a property's enum: the neutral choices of
// common enums, then the first enum value.
var enumFallbacks = []string{"general_inquiry", "unknown", "neutral", "unresolved", "no_resolution", "low", "other", "none"}

// objectSchema is the part of a JSON schema the model honours: an object's properties, the order
// given by "required", and per property its type, enum, maxLength, minItems/maxItems and items.
type objectSchema struct {
	props map[string]map[string]any
	order []string
}

// parseObjectSchema reads an object schema; it must list properties.
func parseObjectSchema(raw map[string]any) (objectSchema, error) {
	props, _ := raw["properties"].(map[string]any)
	if len(props) == 0 {
		return objectSchema{}, errors.New("the JSON schema has no properties")
	}
	s := objectSchema{props: map[string]map[string]any{}}
	for name, p := range props {
		ps, _ := p.(map[string]any)
		if ps == nil {
			ps = map[string]any{}
		}
		s.props[name] = ps
	}
	if req, ok := raw["required"].([]any); ok {
		for _, r := range req {
			if name, ok := r.(string); ok && s.props[name] != nil && !slices.Contains(s.order, name) {
				s.order = append(s.order, name)
			}
		}
	}
	var rest []string
	for name := range s.props {
		if !slices.Contains(s.order, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	s.order = append(s.order, rest...)
	return s, nil
}

// project keeps exactly the schema's properties of value (a decoded JSON object), conforming each
// to its property schema; properties the model knows nothing of get their type's zero value.
func (s objectSchema) project(value map[string]any) orderedObject {
	out := make(orderedObject, 0, len(s.order))
	for _, name := range s.order {
		out = append(out, orderedField{name, conform(value[name], s.props[name])})
	}
	return out
}

// orderedField is one key of an object rendered in schema order.
type orderedField struct {
	name  string
	value any
}

// orderedObject is a JSON object whose keys keep their order when encoded.
type orderedObject []orderedField

// conform makes v fit a property schema: enum membership, type, string length and list sizes.
func conform(v any, ps map[string]any) any {
	if enum, ok := ps["enum"].([]any); ok && len(enum) > 0 {
		if slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) && v != nil {
			return v
		}
		for _, f := range enumFallbacks {
			if slices.ContainsFunc(enum, func(e any) bool { return e == f }) {
				return f
			}
		}
		return enum[0]
	}
	switch schemaType(ps) {
	case "string":
		str, _ := v.(string)
		if n, ok := number(ps["maxLength"]); ok && utf8.RuneCountInString(str) > int(n) {
			str = clip(str, int(n))
		}
		return str
	case "boolean":
		b, _ := v.(bool)
		return b
	case "integer":
		n, _ := v.(float64)
		return int64(n)
	case "number":
		n, _ := v.(float64)
		return n
	case "array":
		items, _ := ps["items"].(map[string]any)
		list, _ := v.([]any)
		if n, ok := number(ps["maxItems"]); ok && len(list) > int(n) {
			list = list[:int(n)]
		}
		out := make([]any, 0, len(list))
		for _, item := range list {
			out = append(out, conform(item, items))
		}
		return out
	case "object":
		sub, err := parseObjectSchema(ps)
		if err != nil {
			m, _ := v.(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			return m
		}
		m, _ := v.(map[string]any)
		return sub.project(m)
	case "null":
		return nil
	}
	return v
}

// schemaType is the first non-null type of a property ("type" may be a string or a list).
func schemaType(ps map[string]any) string {
	switch t := ps["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
	}
	return ""
}

func number(v any) (float64, bool) {
	n, ok := v.(float64)
	return n, ok
}

// MarshalJSON encodes the object with its keys in order.
func (o orderedObject) MarshalJSON() ([]byte, error) { return marshal(o) }

// marshal encodes v as compact JSON without HTML escaping, with one encoder for the whole value.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := encodeValue(&b, enc, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeValue appends v's JSON to b through enc, which writes into b; an orderedObject keeps its
// key order.
func encodeValue(b *bytes.Buffer, enc *json.Encoder, v any) error {
	o, ok := v.(orderedObject)
	if !ok {
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode ends each value with a newline
		return nil
	}
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encodeValue(b, enc, f.name); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := encodeValue(b, enc, f.value); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}
