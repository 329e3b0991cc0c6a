package strategies

import (
	"encoding/json"
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
func parseFieldsFast(body []byte) (f Fields, ok bool) {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' || !json.Valid(body) {
		return f, false
	}
	var status, props, resLoc, pct, errObj []byte
	ok = members(body, i, func(name, value []byte) {
		switch {
		case asciiFold(name, "status"):
			status = value
		case asciiFold(name, "properties"):
			props = value
		case asciiFold(name, "resourceLocation"):
			resLoc = value
		case asciiFold(name, "percentComplete"):
			pct = value
		case asciiFold(name, "error"):
			errObj = value
		}
	})
	if !ok {
		return Fields{}, false
	}
	f.Status, f.HasStatus = fastString(status)
	if len(props) > 0 && props[0] == '{' {
		var ps []byte
		if !members(props, 0, func(name, value []byte) {
			if asciiFold(name, "provisioningState") {
				ps = value
			}
		}) {
			return Fields{}, false
		}
		f.ProvisioningState, f.HasProvisioningState = fastString(ps)
	}
	f.ResourceLocation, _ = fastString(resLoc)
	if len(pct) > 0 {
		switch c := pct[0]; {
		case c == 'n': // null leaves a float64 as it is, without error
			f.HasPercentComplete = true
		case c == '-' || '0' <= c && c <= '9':
			if v, err := strconv.ParseFloat(string(pct), 64); err == nil {
				f.PercentComplete, f.HasPercentComplete = v, true
			}
		}
	}
	if len(errObj) > 0 && errObj[0] == '{' {
		var code, msg []byte
		if !members(errObj, 0, func(name, value []byte) {
			switch {
			case asciiFold(name, "code"):
				code = value
			case asciiFold(name, "message"):
				msg = value
			}
		}) {
			return Fields{}, false
		}
		f.ErrorCode, _ = fastString(code)
		f.ErrorMessage, _ = fastString(msg)
	}
	return f, true
}

// members calls fn with the raw name (without quotes) and raw value of each
// member of the valid JSON object starting at data[i]. It returns false,
// having stopped, at a name with an escape or a non-ASCII byte.
func members(data []byte, i int, fn func(name, value []byte)) bool {
	i = skipSpace(data, i+1) // past '{'
	if data[i] == '}' {
		return true
	}
	for {
		end := skipString(data, i)
		name := data[i+1 : end-1]
		for _, c := range name {
			if c == '\\' || c >= utf8.RuneSelf {
				return false
			}
		}
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // past ':'
		vend := skipValue(data, i)
		fn(name, data[i:vend])
		i = skipSpace(data, vend)
		if data[i] == '}' {
			return true
		}
		i = skipSpace(data, i+1) // past ','
	}
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

// skipString returns the index just past the string starting at data[i].
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index just past the valid JSON value at data[i].
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
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
