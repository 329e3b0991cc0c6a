package lro

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lrohttp/lro/strategies"
)

// tokenVersion is the version of the resume token format.
const tokenVersion = 1

// maxTokenLen bounds the tokens decodeToken accepts. An operation holds up
// to four URLs of at most strategies.MaxURLLength bytes; JSON may escape a
// byte into six and base64 adds a third, so 1 MiB holds the largest.
const maxTokenLen = 1 << 20

// tokenData is the JSON inside a token. Sum is a checksum of Op's JSON, so
// a token damaged in storage or edited by hand is refused; it is not a
// signature.
type tokenData struct {
	V   int             `json:"v"`
	Op  json.RawMessage `json:"op"`
	Sum string          `json:"sum"`
}

func encodeToken(op *strategies.Operation) (string, error) {
	opJSON, err := json.Marshal(op)
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

func decodeToken(tok string) (*strategies.Operation, error) {
	if len(tok) > maxTokenLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrInvalidToken, maxTokenLen)
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url: %w", ErrInvalidToken, err)
	}
	var td tokenData
	if err := json.Unmarshal(b, &td); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %w", ErrInvalidToken, err)
	}
	if td.V != tokenVersion {
		return nil, fmt.Errorf("%w: unsupported version %d (this lro reads version %d)", ErrInvalidToken, td.V, tokenVersion)
	}
	sum := sha256.Sum256(td.Op)
	if td.Sum != hex.EncodeToString(sum[:8]) {
		return nil, fmt.Errorf("%w: checksum mismatch (damaged or edited)", ErrInvalidToken)
	}
	var op strategies.Operation
	if err := json.Unmarshal(td.Op, &op); err != nil {
		return nil, fmt.Errorf("%w: bad operation: %w", ErrInvalidToken, err)
	}
	if err := validateOperation(&op); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	return &op, nil
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
