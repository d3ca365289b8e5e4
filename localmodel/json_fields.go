package localmodel

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
)

// jsonFields is the JSON object v (a struct) encodes to, as json.Unmarshal would decode it into
// a map[string]any: its fields under their json names, strings, booleans, lists as []any and a
// nil list as nil. Structs of strings, booleans and lists of them (a theme) are read directly;
// any other (numbers among them: a float32 read directly differs from its decoded text) goes
// through an encoding round trip.
func jsonFields(v any) (map[string]any, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Struct && !marshalsItself(rv.Type()) {
		if out, ok := flatFields(rv); ok {
			return out, nil
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(raw, &out)
}

// flatFields reads a struct whose exported fields are strings, booleans or lists of them; ok is
// false for any other struct.
func flatFields(rv reflect.Value) (map[string]any, bool) {
	t := rv.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if opts != "" || f.Anonymous || marshalsItself(f.Type) {
			return nil, false // omitempty, string and embedding: left to encoding/json
		}
		if name == "" {
			name = f.Name
		}
		val, ok := scalar(rv.Field(i))
		if !ok && rv.Field(i).Kind() == reflect.Slice {
			val, ok = scalarList(rv.Field(i))
		}
		if !ok {
			return nil, false
		}
		out[name] = val
	}
	return out, true
}

// marshalsItself says whether t (or *t) chooses its own JSON: left to encoding/json.
func marshalsItself(t reflect.Type) bool {
	for _, m := range []reflect.Type{jsonMarshaler, textMarshaler} {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	return false
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// scalar is a string or boolean as JSON decodes it.
func scalar(v reflect.Value) (any, bool) {
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	}
	return nil, false
}

// scalarList is a list of scalars as JSON decodes it: nil for a nil slice.
func scalarList(v reflect.Value) (any, bool) {
	if k := v.Type().Elem().Kind(); k != reflect.String && k != reflect.Bool {
		return nil, false // []byte encodes as base64, numbers through the round trip
	}
	if v.IsNil() {
		return nil, true
	}
	out := make([]any, v.Len())
	for i := range out {
		s, ok := scalar(v.Index(i))
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}
