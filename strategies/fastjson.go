package strategies

import (
	"strconv"
	"unicode/utf8"
)

// parseFieldsFast is ParseFields without encoding/json's reflection and
// allocations, for the bodies services actually send: a valid JSON object
// whose member names are plain ASCII without escapes. It reads the same
// members parseFieldsSlow reads, with the same rules (names matched without
// regard to ASCII case, the last duplicate wins, fields of an unexpected
// type count as absent), and declines (ok false) anything else, which then
// takes the slow path: invalid JSON, a top level that is not an object,
// names with escapes or non-ASCII bytes (encoding/json folds some non-ASCII
// letters onto ASCII ones).
//
// It validates the body as it reads it, in one pass (walkObject and
// validValue, which accept exactly what json.Valid accepts, nesting up to
// maxFastDepth), rather than running json.Valid first: that pre-pass was
// most of the cost of peeking at a PUT's 200 body.
func parseFieldsFast(body []byte) (f Fields, ok bool) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return f, false
	}
	var r rawRefs
	end, ok := walkObject(body, i, topLevel, &r)
	if !ok || skipSpace(body, end) != len(body) {
		return Fields{}, false
	}
	f.Status, f.HasStatus = fastString(r.status)
	if len(r.props) > 0 && r.props[0] == '{' {
		f.ProvisioningState, f.HasProvisioningState = fastString(r.ps)
	}
	f.ResourceLocation, _ = fastString(r.resLoc)
	if pct := r.pct; len(pct) > 0 {
		switch c := pct[0]; {
		case c == 'n': // null leaves a float64 as it is, without error
			f.HasPercentComplete = true
		case c == '-' || '0' <= c && c <= '9':
			if v, err := strconv.ParseFloat(string(pct), 64); err == nil {
				f.PercentComplete, f.HasPercentComplete = v, true
			}
		}
	}
	if len(r.errObj) > 0 && r.errObj[0] == '{' {
		f.ErrorCode, _ = fastString(r.code)
		f.ErrorNumber = fastInt(r.code)
		f.ErrorMessage, _ = fastString(r.msg)
	}
	return f, true
}

// rawRefs are the raw values parseFieldsFast reads. The members of a
// "properties" or "error" object are read as the walk validates it (cur*),
// and kept once that member is over: the last duplicate wins, as with
// encoding/json, also for "properties" and "error" themselves.
type rawRefs struct {
	status, props, resLoc, pct, errObj []byte
	ps, code, msg                      []byte
	curPS, curCode, curMsg             []byte
}

// The objects walkObject reads members of.
type objectKind uint8

const (
	topLevel objectKind = iota
	propertiesObject
	errorObject
)

// member records the member name: value of an object of kind.
func (r *rawRefs) member(kind objectKind, name, value []byte) {
	switch kind {
	case topLevel:
		switch {
		case asciiFold(name, "status"):
			r.status = value
		case asciiFold(name, "properties"):
			r.props, r.ps, r.curPS = value, r.curPS, nil
		case asciiFold(name, "resourceLocation"):
			r.resLoc = value
		case asciiFold(name, "percentComplete"):
			r.pct = value
		case asciiFold(name, "error"):
			r.errObj, r.code, r.msg, r.curCode, r.curMsg = value, r.curCode, r.curMsg, nil, nil
		}
	case propertiesObject:
		if asciiFold(name, "provisioningState") {
			r.curPS = value
		}
	case errorObject:
		switch {
		case asciiFold(name, "code"):
			r.curCode = value
		case asciiFold(name, "message"):
			r.curMsg = value
		}
	}
}

// walkObject records (r.member) the raw name (without quotes) and raw value
// of each member of the object of kind starting at data[i], checking it as
// json.Valid would, and returns the index just past it. The top level's
// "properties" and "error" objects are walked the same way, before their
// member is recorded. ok is false, having stopped, when the object is not
// valid JSON, nests deeper than about maxFastDepth, or a name walked has an
// escape or a non-ASCII byte.
func walkObject(data []byte, i int, kind objectKind, r *rawRefs) (end int, ok bool) {
	i = skipSpace(data, i+1) // past '{'
	if i < len(data) && data[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return 0, false
		}
		nend := validString(data, i)
		if nend < 0 {
			return 0, false
		}
		name := data[i+1 : nend-1]
		for _, c := range name {
			if c == '\\' || c >= utf8.RuneSelf {
				return 0, false
			}
		}
		i = skipSpace(data, nend)
		if i >= len(data) || data[i] != ':' {
			return 0, false
		}
		i = skipSpace(data, i+1)
		var vend int
		switch {
		case i >= len(data):
			return 0, false
		case data[i] == '"': // most values: no container to track
			vend = validString(data, i)
		case data[i] == '{' && kind == topLevel && asciiFold(name, "properties"):
			if vend, ok = walkObject(data, i, propertiesObject, r); !ok {
				return 0, false
			}
		case data[i] == '{' && kind == topLevel && asciiFold(name, "error"):
			if vend, ok = walkObject(data, i, errorObject, r); !ok {
				return 0, false
			}
		default:
			vend = validValue(data, i, 1)
		}
		if vend < 0 {
			return 0, false
		}
		r.member(kind, name, data[i:vend])
		i = skipSpace(data, vend)
		if i >= len(data) {
			return 0, false
		}
		switch data[i] {
		case '}':
			return i + 1, true
		case ',':
			i = skipSpace(data, i+1)
		default:
			return 0, false
		}
	}
}

// maxFastDepth bounds the nesting validValue checks; deeper bodies take the
// slow path (encoding/json's own limit is 10000).
const maxFastDepth = 256

// validValue returns the index just past the JSON value starting at
// data[i] (after any space), or -1 when it is not valid JSON (by the rules
// of json.Valid: RFC 8259 grammar, control bytes refused in strings, any
// other byte accepted) or nests deeper than maxFastDepth, depth levels
// counting as already open. It walks nested containers without recursion,
// keeping which kind each open level is in a bit stack.
func validValue(data []byte, i, depth int) int {
	var stack [maxFastDepth / 64]uint64 // bit set: the level is an object
	base := depth
	push := func(obj bool) bool {
		if depth >= maxFastDepth {
			return false
		}
		d := depth - base
		if obj {
			stack[d/64] |= 1 << (d % 64)
		} else {
			stack[d/64] &^= 1 << (d % 64)
		}
		depth++
		return true
	}
	inObject := func() bool {
		d := depth - 1 - base
		return stack[d/64]&(1<<(d%64)) != 0
	}
	for {
		// A value starts at data[i].
		i = skipSpace(data, i)
		if i >= len(data) {
			return -1
		}
		switch c := data[i]; {
		case c == '{' || c == '[':
			if !push(c == '{') {
				return -1
			}
			i = skipSpace(data, i+1)
			if i < len(data) && (c == '{' && data[i] == '}' || c == '[' && data[i] == ']') {
				depth--
				i++
				break // an empty container: the value ended
			}
			if c == '{' {
				if i = validName(data, i); i < 0 {
					return -1
				}
			}
			continue // its first value
		case c == '"':
			if i = validString(data, i); i < 0 {
				return -1
			}
		case c == '-' || '0' <= c && c <= '9':
			if i = validNumber(data, i); i < 0 {
				return -1
			}
		case c == 't':
			if i = validLiteral(data, i, "true"); i < 0 {
				return -1
			}
		case c == 'f':
			if i = validLiteral(data, i, "false"); i < 0 {
				return -1
			}
		case c == 'n':
			if i = validLiteral(data, i, "null"); i < 0 {
				return -1
			}
		default:
			return -1
		}
		// A value ended at data[i]: close containers, or go to the next
		// value of the innermost one.
		for {
			if depth == base {
				return i
			}
			i = skipSpace(data, i)
			if i >= len(data) {
				return -1
			}
			obj := inObject()
			switch data[i] {
			case ',':
				i = skipSpace(data, i+1)
				if obj {
					if i = validName(data, i); i < 0 {
						return -1
					}
				}
			case '}', ']':
				if (data[i] == '}') != obj {
					return -1
				}
				depth--
				i++
				continue
			default:
				return -1
			}
			break
		}
	}
}

// validName checks an object member's name and its colon at data[i], and
// returns the index just past the colon, or -1.
func validName(data []byte, i int) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}
	if i = validString(data, i); i < 0 {
		return -1
	}
	i = skipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return -1
	}
	return i + 1
}

// validString returns the index just past the valid JSON string starting
// at data[i] (a quote), or -1.
func validString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		for i < len(data) && plainStringByte[data[i]] { // the common bytes, in a tight loop
			i++
		}
		if i == len(data) {
			break
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			i++
			if i >= len(data) {
				return -1
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(data) {
					return -1
				}
				for _, h := range data[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return -1
					}
				}
				i += 4
			default:
				return -1
			}
		case c < 0x20:
			return -1
		}
	}
	return -1
}

// plainStringByte marks the bytes a JSON string holds as they are: all but
// the quote, the backslash and control bytes.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// validNumber returns the index just past the JSON number starting at
// data[i], or -1. What follows it is for the caller to check.
func validNumber(data []byte, i int) int {
	if data[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
		return i > start
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case !digits():
		return -1
	}
	if i < len(data) && data[i] == '.' {
		i++
		if !digits() {
			return -1
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !digits() {
			return -1
		}
	}
	return i
}

// validLiteral returns the index just past lit at data[i], or -1.
func validLiteral(data []byte, i int, lit string) int {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// asciiFold reports whether name equals key ignoring ASCII case; key is
// ASCII letters.
func asciiFold(name []byte, key string) bool {
	if len(name) != len(key) {
		return false
	}
	for i := range len(name) {
		a, b := name[i], key[i]
		if a|0x20 != b|0x20 || a|0x20 < 'a' || a|0x20 > 'z' {
			return false
		}
	}
	return true
}

// fastInt is jsonInt for a raw value that is valid JSON: a number without
// fraction or exponent that fits an int, else 0. Short numbers (every
// error code) are read without strconv, which would allocate.
func fastInt(raw []byte) int {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return 0
	}
	if len(digits) > maxShortDigits {
		n, err := strconv.Atoi(string(raw)) // 0 and an error for a fraction, an exponent or a number past int
		if err != nil {
			return 0
		}
		return n
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if len(digits) < len(raw) {
		n = -n
	}
	return n
}

// maxShortDigits is how many decimal digits always fit an int.
const maxShortDigits = strconv.IntSize*3/10 - 1

// fastString is jsonString: the raw JSON value decoded as a string, ok
// false for anything else. Plain valid UTF-8 needs no decoding; common
// status words are not even copied.
func fastString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	s := raw[1 : len(raw)-1]
	for _, c := range s {
		if c == '\\' || c >= utf8.RuneSelf {
			return jsonString(raw) // escapes, or UTF-8 to check
		}
	}
	switch string(s) {
	case "Succeeded":
		return "Succeeded", true
	case "Running":
		return "Running", true
	case "InProgress":
		return "InProgress", true
	case "NotStarted":
		return "NotStarted", true
	case "Accepted":
		return "Accepted", true
	case "Creating":
		return "Creating", true
	case "Updating":
		return "Updating", true
	case "Deleting":
		return "Deleting", true
	case "Failed":
		return "Failed", true
	case "Canceled":
		return "Canceled", true
	case "Cancelled":
		return "Cancelled", true
	}
	return string(s), true
}
