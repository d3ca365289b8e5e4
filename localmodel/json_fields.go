package localmodel

import (
	"encoding/json"
	"reflect"
	"strings"
)

// jsonFields is the JSON object v (a struct) encodes to, as json.Unmarshal would decode it into
// a map[string]any: its fields under their json names, strings, booleans, numbers as float64,
// lists as []any and a nil list as nil. Structs of those kinds (a theme) are read directly; any
// other goes through an encoding round trip.
func jsonFields(v any) (map[string]any, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Struct {
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

// flatFields reads a struct whose exported fields are scalars or lists of scalars; ok is false
// for any other struct.
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
		if opts != "" || f.Anonymous {
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

// scalar is a string, boolean or number as JSON decodes it.
func scalar(v reflect.Value) (any, bool) {
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	}
	return nil, false
}

// scalarList is a list of scalars as JSON decodes it: nil for a nil slice.
func scalarList(v reflect.Value) (any, bool) {
	if v.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false // []byte encodes as base64
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
