package riverlro

import (
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/lrohttp/lro"
)

// DefaultMaxBody is the stored result body's bound when Config.MaxBody is 0.
const DefaultMaxBody = 1 << 20

// Config configures a Client or a Worker. Transport is required; every
// other field's zero value means the default its doc gives.
type Config struct {
	// Transport sends the initial request (Client.Start), the polls
	// (Worker) and cancel requests (Client.Cancel). Its base transport
	// supplies credentials: tokens hold none. Required.
	Transport *lro.Transport

	// MaxBody is the most bytes of a result body stored; a longer body is
	// stored cut to MaxBody with Result.Truncated set. 0 means
	// DefaultMaxBody; a negative value stores no body (and marks any
	// non-empty one truncated).
	MaxBody int64

	// Deadline, if positive, is how long an operation Start creates may
	// run: past it, the worker ends it TimedOut, keeping its token. 0
	// means no deadline.
	Deadline time.Duration

	// InsertOpts are the options of the job Start inserts (queue,
	// priority, MaxAttempts, tags); nil means River's defaults.
	InsertOpts *river.InsertOpts
}

// ErrNoTransport is returned by NewClient and NewWorker when
// Config.Transport is nil.
var ErrNoTransport = errors.New("riverlro: Config.Transport is required")

func (c Config) maxBody() int64 {
	switch {
	case c.MaxBody == 0:
		return DefaultMaxBody
	case c.MaxBody < 0:
		return 0
	}
	return c.MaxBody
}
