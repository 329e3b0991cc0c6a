package lro

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lrohttp/lro/strategies"
)

// tokenVersion is the version of the resume token format.
//
// Version 1 gained the not-found grace's state (tokenOp's visible and
// notFoundSince) without a new version: the fields are optional and live
// inside op, so the checksum, taken over op's bytes as before, covers them;
// a token without them is byte for byte a token of before, and decodes as
// one made before any poll (the grace starts afresh, as it always did); and
// an older lro, which ignores fields it does not know, still reads a newer
// token (applying the grace as it did). A change that an older reader must
// not misread takes a new version.
const tokenVersion = 1

// maxTokenLen bounds the tokens decodeToken accepts. An operation holds up
// to four URLs of at most strategies.MaxURLLength bytes; JSON may escape a
// byte into six and base64 adds a third, so 1 MiB holds the largest.
const maxTokenLen = 1 << 20

// tokenData is the JSON inside a token. Op is a tokenOp; Sum is a checksum
// of Op's JSON, so a token damaged in storage or edited by hand is refused;
// it is not a signature.
type tokenData struct {
	V   int             `json:"v"`
	Op  json.RawMessage `json:"op"`
	Sum string          `json:"sum"`
}

// tokenOp is the operation as a token holds it: the strategy's Operation,
// and the run's own state that outlives it, the not-found grace's
// (WithNotFoundGrace), so that a chain of Poll steps, or a Resume, applies
// the grace as one RoundTrip does. Its JSON names must not be ones
// strategies.Operation uses.
type tokenOp struct {
	*strategies.Operation
	// Visible records that a poll answered something other than 404:
	// a 404 from then on is a failure.
	Visible bool `json:"visible,omitempty"`
	// NotFoundSince is when the not-found period began, in Unix
	// milliseconds (a wall clock, as it may be read by another process):
	// the start of the run (RoundTrip, Resume or Poll) that took the
	// operation's first poll, when that and every poll since answered 404.
	// Zero when no poll has been answered, or when Visible.
	NotFoundSince int64 `json:"notFoundSince,omitempty"`
}

// tokenState is the state of a run that a token carries besides its
// operation (see tokenOp). Its zero value is a token's before any poll.
type tokenState struct {
	visible       bool
	notFoundSince time.Time // zero when visible or before the first answered poll
}

func encodeToken(op *strategies.Operation, st tokenState) (string, error) {
	to := tokenOp{Operation: op, Visible: st.visible}
	if !st.visible && !st.notFoundSince.IsZero() {
		to.NotFoundSince = max(st.notFoundSince.UnixMilli(), 1)
	}
	opJSON, err := json.Marshal(to)
	if err != nil {
		return "", fmt.Errorf("lro: encoding resume token: %w", err)
	}
	sum := sha256.Sum256(opJSON)
	b, err := json.Marshal(tokenData{V: tokenVersion, Op: opJSON, Sum: hex.EncodeToString(sum[:8])})
	if err != nil {
		return "", fmt.Errorf("lro: encoding resume token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeToken checks a token and returns its operation and the run's state
// it carries. A notFoundSince in the future (another process's clock
// ahead of this one's) is for resumeRun to bound.
func decodeToken(tok string) (*strategies.Operation, tokenState, error) {
	op, st, err := decodeTokenData(tok)
	if err != nil {
		return nil, tokenState{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return op, st, nil
}

func decodeTokenData(tok string) (*strategies.Operation, tokenState, error) {
	if len(tok) > maxTokenLen {
		return nil, tokenState{}, fmt.Errorf("longer than %d bytes", maxTokenLen)
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, tokenState{}, fmt.Errorf("not base64url: %w", err)
	}
	var td tokenData
	if err := json.Unmarshal(b, &td); err != nil {
		return nil, tokenState{}, fmt.Errorf("not JSON: %w", err)
	}
	if td.V != tokenVersion {
		return nil, tokenState{}, fmt.Errorf("unsupported version %d (this lro reads version %d)", td.V, tokenVersion)
	}
	sum := sha256.Sum256(td.Op)
	if td.Sum != hex.EncodeToString(sum[:8]) {
		return nil, tokenState{}, errors.New("checksum mismatch (damaged or edited)")
	}
	to := tokenOp{Operation: new(strategies.Operation)}
	if err := json.Unmarshal(td.Op, &to); err != nil {
		return nil, tokenState{}, fmt.Errorf("bad operation: %w", err)
	}
	if err := validateOperation(to.Operation); err != nil {
		return nil, tokenState{}, err
	}
	st := tokenState{visible: to.Visible}
	switch {
	case to.NotFoundSince < 0:
		return nil, tokenState{}, fmt.Errorf("negative notFoundSince %d", to.NotFoundSince)
	case to.NotFoundSince > 0 && !to.Visible:
		st.notFoundSince = time.UnixMilli(to.NotFoundSince)
	}
	return to.Operation, st, nil
}

func validateOperation(op *strategies.Operation) error {
	switch {
	case op.Strategy == "":
		return errors.New("no strategy")
	case op.Method == "":
		return errors.New("no method")
	}
	switch op.Status {
	case strategies.InProgress, strategies.Succeeded, strategies.Failed, strategies.Canceled:
	default:
		return fmt.Errorf("unknown status %q", op.Status)
	}
	for _, u := range [...]struct{ name, v string }{{"url", op.URL}, {"pollURL", op.PollURL}} {
		if u.v == "" && u.name == "pollURL" {
			continue
		}
		if _, err := strategies.Resolve(nil, "token "+u.name, u.v); err != nil {
			return err
		}
	}
	return nil
}
