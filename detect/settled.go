package detect

// settled reports, without parsing body, that StartsByBody is false for it
// whether or not it is valid JSON: every provisioningState it may hold is a
// terminal state word. It holds when the body has no backslash and no byte
// past ASCII, so that each string is the bytes between two quotes and a
// member name matches provisioningState (as ParseFields and encoding/json
// match names: case aside, and Unicode folding, which needs non-ASCII
// bytes) only where those bytes read provisioningState in some ASCII case;
// and when each such string is followed by a colon and a string that is a
// terminal state word (ParseStatus). A PUT's 200 reporting Succeeded, the
// answer most PUTs get, is then known after one scan of its bytes. False
// means unsure: the body is to be parsed.
func settled(body []byte) bool {
	i, n := 0, len(body)
	for {
		// Outside strings, then inside one: plain bytes in tight loops.
		for i < n && byteClass[body[i]] == plainByte {
			i++
		}
		if i >= n {
			return true
		}
		if body[i] != '"' {
			return false // a refused byte
		}
		open := i + 1
		for i = open; i < n && byteClass[body[i]] == plainByte; i++ {
		}
		if i >= n {
			return true // a string never closed: not JSON
		}
		if body[i] != '"' {
			return false
		}
		s := body[open:i]
		i++
		if !foldsTo(s, "provisioningstate") {
			continue
		}
		j := skipSpace(body, i)
		if j >= len(body) || body[j] != ':' {
			return false // not a member name: unsure
		}
		j = skipSpace(body, j+1)
		if j >= len(body) || body[j] != '"' {
			return false // not a string: unsure
		}
		end := j + 1
		for end < len(body) && body[end] != '"' {
			end++
		}
		if end >= len(body) || !terminalWord(body[j+1:end]) {
			return false
		}
		i = end + 1 // the value is a string with no byte left to check
	}
}

// The classes of bytes settled tells apart.
const (
	plainByte  = iota
	quoteByte  // '"'
	refuseByte // '\\' or past ASCII
)

var byteClass = func() (t [256]uint8) {
	t['"'], t['\\'] = quoteByte, refuseByte
	for c := 0x80; c < 256; c++ {
		t[c] = refuseByte
	}
	return t
}()

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// foldsTo reports whether s is lower, lower-case ASCII letters, in any
// ASCII case.
func foldsTo(s []byte, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := range len(s) {
		if c := s[i]; c != lower[i] && c+('a'-'A') != lower[i] {
			return false
		}
	}
	return true
}

// terminalWord reports whether w, ASCII, is a word ParseStatus reads as
// terminal: succeeded, failed, canceled or cancelled, in any case. For ASCII,
// strings.EqualFold (which ParseStatus uses) is ASCII case folding.
func terminalWord(w []byte) bool {
	switch len(w) {
	case len("succeeded"):
		return foldsTo(w, "succeeded") || foldsTo(w, "cancelled")
	case len("failed"):
		return foldsTo(w, "failed")
	case len("canceled"):
		return foldsTo(w, "canceled")
	}
	return false
}
