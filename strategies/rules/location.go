package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// location is a compiled JSON location: the keys (or array indexes) to
// follow from the top of a body.
type location []string

// parseLocation compiles a JSON Pointer ("/a/b/0") or a dotted path
// ("a.b.0"). "" is no location.
func parseLocation(s string) (location, error) {
	switch {
	case s == "":
		return nil, nil
	case s == "/":
		return location{""}, nil
	case strings.HasPrefix(s, "/"):
		parts := strings.Split(s[1:], "/")
		for i, p := range parts {
			if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(p, "~0", ""), "~1", ""), "~") {
				return nil, fmt.Errorf("JSON Pointer %q: bad escape in %q", s, p)
			}
			parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		}
		return parts, nil
	}
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("path %q: empty segment", s)
		}
	}
	return parts, nil
}

// doc is a decoded JSON body, or nil when the body is not JSON.
type doc struct {
	v  any
	ok bool
}

// decode reads body as JSON (numbers kept as json.Number).
func decode(body []byte) doc {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return doc{}
	}
	if _, err := d.Token(); err == nil { // trailing data: not one JSON value
		return doc{}
	}
	return doc{v: v, ok: true}
}

// get returns the value at l, and whether there is one.
func (d doc) get(l location) (any, bool) {
	if !d.ok || l == nil {
		return nil, false
	}
	v := d.v
	for _, k := range l {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) || k != strconv.Itoa(i) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, v != nil
}

// text returns the string or number at l as text.
func (d doc) text(l location) (string, bool) {
	v, ok := d.get(l)
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// number returns the number at l.
func (d doc) number(l location) (float64, bool) {
	v, ok := d.get(l)
	if !ok {
		return 0, false
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// template is a compiled URL template: literal text and locations, in turn.
type template struct {
	lits []string // len(locs)+1
	locs []location
}

func parseTemplate(s string) (*template, error) {
	t := &template{}
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			if strings.IndexByte(s, '}') >= 0 {
				return nil, fmt.Errorf("template: unmatched }")
			}
			t.lits = append(t.lits, s)
			return t, nil
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("template: unmatched {")
		}
		l, err := parseLocation(s[i+1 : i+j])
		if err != nil || l == nil {
			return nil, fmt.Errorf("template: bad location %q", s[i+1:i+j])
		}
		t.lits = append(t.lits, s[:i])
		t.locs = append(t.locs, l)
		s = s[i+j+1:]
	}
}

// expand fills t from d; escape path-escapes each value.
func (t *template) expand(d doc, escape func(string) string) (string, error) {
	var b strings.Builder
	for i, l := range t.locs {
		b.WriteString(t.lits[i])
		v, ok := d.text(l)
		if !ok || v == "" {
			return "", fmt.Errorf("template: no string or number at /%s", strings.Join(l, "/"))
		}
		b.WriteString(escape(v))
	}
	b.WriteString(t.lits[len(t.lits)-1])
	return b.String(), nil
}
