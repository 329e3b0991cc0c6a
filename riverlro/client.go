package riverlro

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/lrohttp/lro"
)

// Args is the River job of an operation. It holds nothing: the operation
// row, keyed by the job's id, holds the rest.
type Args struct{}

// Kind is the job kind, "riverlro_operation".
func (Args) Kind() string { return "riverlro_operation" }

// Client starts operations and reads them. It is safe for concurrent use.
// Its zero value is not usable; call NewClient.
type Client struct {
	pool   *pgxpool.Pool
	river  *river.Client[pgx.Tx]
	http   *http.Client
	cfg    Config
	insert *river.InsertOpts
}

// NewClient returns a Client storing operations through pool and inserting
// their jobs with rc (an insert-only River client, with no queues, will do).
func NewClient(pool *pgxpool.Pool, rc *river.Client[pgx.Tx], cfg Config) (*Client, error) {
	if cfg.Transport == nil {
		return nil, ErrNoTransport
	}
	if pool == nil || rc == nil {
		return nil, errors.New("riverlro: NewClient needs a pool and a River client")
	}
	return &Client{pool: pool, river: rc, http: &http.Client{Transport: cfg.Transport}, cfg: cfg, insert: cfg.InsertOpts}, nil
}

// NotStartedError is what Start returns when the initial response starts
// no long-running operation: nothing was stored, and the response (its
// body read up to Config.MaxBody) is here. It wraps lro.ErrNotOperation.
type NotStartedError struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	Truncated  bool
}

func (e *NotStartedError) Error() string {
	return "riverlro: the initial response (" + strconv.Itoa(e.StatusCode) + ") starts no long-running operation"
}

// Unwrap returns lro.ErrNotOperation.
func (e *NotStartedError) Unwrap() error { return lro.ErrNotOperation }

// Start sends req (under lro.WithoutPolling, through Config.Transport) and,
// if its response starts an operation, inserts the operation's River job and
// row in tx and returns the operation's id. The operation is worked once tx
// commits. req is not modified; its context is replaced by ctx.
//
// The initial request is sent before anything is written: if tx rolls back,
// the remote operation runs unrecorded. A response that starts no operation
// returns a *NotStartedError; a failed request returns its error. Neither
// writes anything.
func (c *Client) Start(ctx context.Context, tx pgx.Tx, req *http.Request) (int64, error) {
	resp, err := c.http.Do(req.Clone(lro.WithoutPolling(ctx)))
	if err != nil {
		return 0, fmt.Errorf("riverlro: initial request: %w", err)
	}
	defer resp.Body.Close()
	tok, err := lro.ResumeToken(resp)
	if errors.Is(err, lro.ErrNotOperation) {
		body, truncated, rerr := readBody(resp.Body, c.cfg.maxBody())
		if rerr != nil {
			return 0, fmt.Errorf("riverlro: reading the initial response: %w", rerr)
		}
		return 0, &NotStartedError{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated}
	}
	if err != nil {
		return 0, fmt.Errorf("riverlro: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	res, err := c.river.InsertTx(ctx, tx, Args{}, c.insert)
	if err != nil {
		return 0, fmt.Errorf("riverlro: inserting the job: %w", err)
	}
	var deadline *time.Time
	if c.cfg.Deadline > 0 {
		d := time.Now().Add(c.cfg.Deadline)
		deadline = &d
	}
	if _, err := tx.Exec(ctx, `INSERT INTO riverlro_operation (id, token, deadline) VALUES ($1, $2, $3)`,
		res.Job.ID, tok, deadline); err != nil {
		return 0, fmt.Errorf("riverlro: inserting the operation: %w", err)
	}
	return res.Job.ID, nil
}

// ErrNotFound: no operation has that id.
var ErrNotFound = errors.New("riverlro: no such operation")

// ErrEnded: Cancel was asked for an operation that has ended.
var ErrEnded = errors.New("riverlro: operation has ended")

// Get reads the operation with this id. A running operation's Token,
// ServiceStatus and Polls come from its job's last recorded step.
func (c *Client) Get(ctx context.Context, id int64) (*Operation, error) {
	op, err := c.get(ctx, id)
	if err != nil || op.State != Running {
		return op, err
	}
	job, err := c.river.JobGet(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("riverlro: reading job %d: %w", id, err)
	}
	if p, ok := progressOf(job.Output()); ok {
		op.Token, op.ServiceStatus, op.Polls = p.Token, p.Status, p.Polls
	}
	return op, nil
}

func (c *Client) get(ctx context.Context, id int64) (*Operation, error) {
	var (
		op                            Operation
		deadline, finished, cancelReq *time.Time
		code                          *int
		header                        []byte
		errCode, errMsg               *string
		body                          []byte
		truncated                     bool
	)
	err := c.pool.QueryRow(ctx, `SELECT id, state, token, deadline, created_at, finished_at, cancel_requested_at,
		service_status, polls, status_code, header, body, truncated, error_code, error_message
		FROM riverlro_operation WHERE id = $1`, id).Scan(&op.ID, &op.State, &op.Token, &deadline, &op.CreatedAt,
		&finished, &cancelReq, &op.ServiceStatus, &op.Polls, &code, &header, &body, &truncated, &errCode, &errMsg)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("riverlro: reading operation %d: %w", id, err)
	}
	op.Deadline, op.FinishedAt, op.CancelRequested = deref(deadline), deref(finished), deref(cancelReq)
	if op.State != Running {
		r := &Result{Body: body, Truncated: truncated}
		if code != nil {
			r.StatusCode = *code
		}
		if errCode != nil {
			r.ErrorCode = *errCode
		}
		if errMsg != nil {
			r.ErrorMessage = *errMsg
		}
		if len(header) > 0 {
			if err := json.Unmarshal(header, &r.Header); err != nil {
				return nil, fmt.Errorf("riverlro: operation %d: stored header: %w", id, err)
			}
		}
		op.Result = r
	}
	return &op, nil
}

// Await reads the operation every interval (at least 10ms) until it has
// ended or ctx ends, and returns it.
func (c *Client) Await(ctx context.Context, id int64, every time.Duration) (*Operation, error) {
	every = max(every, 10*time.Millisecond)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
		op, err := c.get(ctx, id)
		if err != nil {
			return nil, err
		}
		if op.State != Running {
			return op, nil
		}
		t.Reset(every)
	}
}

// Cancel asks the service to cancel the operation, with
// lro.Transport.Cancel and its newest token, and records when. The
// operation stays Running until a poll sees the service end it. It returns
// lro.ErrCancelNotSupported when the operation's strategy cannot cancel,
// ErrEnded when the operation has ended.
func (c *Client) Cancel(ctx context.Context, id int64) error {
	op, err := c.Get(ctx, id)
	if err != nil {
		return err
	}
	if op.State != Running {
		return fmt.Errorf("%w: %d is %s", ErrEnded, id, op.State)
	}
	if err := c.cfg.Transport.Cancel(ctx, op.Token); err != nil {
		return err
	}
	if _, err := c.pool.Exec(ctx, `UPDATE riverlro_operation SET cancel_requested_at = now() WHERE id = $1 AND state = 'running'`, id); err != nil {
		return fmt.Errorf("riverlro: recording the cancel of %d: %w", id, err)
	}
	return nil
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func progressOf(output []byte) (progress, bool) {
	var p progress
	if len(output) == 0 || json.Unmarshal(output, &p) != nil || p.Token == "" {
		return progress{}, false
	}
	return p, true
}

// readBody reads up to limit bytes of r, reporting whether more followed.
func readBody(r io.Reader, limit int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(b)) > limit {
		return b[:limit], true, nil
	}
	return b, false, nil
}
