package riverlro

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/strategies"
)

// Worker is the River worker of operations: each run of an operation's job
// takes one lro.Transport.Poll step (see the package documentation). Add it
// to a River client's workers with river.AddWorker. Its zero value is not
// usable; call NewWorker.
type Worker struct {
	river.WorkerDefaults[Args]
	pool *pgxpool.Pool
	cfg  Config
}

// NewWorker returns a Worker that reads and writes operations through pool
// and polls through cfg.Transport. cfg.InsertOpts and cfg.Deadline are
// Start's and do not matter here.
func NewWorker(pool *pgxpool.Pool, cfg Config) (*Worker, error) {
	if cfg.Transport == nil {
		return nil, ErrNoTransport
	}
	if pool == nil {
		return nil, errors.New("riverlro: NewWorker needs a pool")
	}
	return &Worker{pool: pool, cfg: cfg}, nil
}

// Work takes one step of the operation whose job this is.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("riverlro: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	// The row lock, held until tx ends, keeps any other run of this job
	// from polling while this one does.
	var (
		state    State
		token    string
		deadline *time.Time
	)
	err = tx.QueryRow(ctx, `SELECT state, token, deadline FROM riverlro_operation WHERE id = $1 FOR UPDATE`, job.ID).
		Scan(&state, &token, &deadline)
	if errors.Is(err, pgx.ErrNoRows) {
		return river.JobCancel(fmt.Errorf("%w: %d", ErrNotFound, job.ID))
	}
	if err != nil {
		return fmt.Errorf("riverlro: locking operation %d: %w", job.ID, err)
	}
	if state != Running {
		return nil // another run ended it; River completes this one
	}
	p, ok := progressOf(job.Output())
	if !ok {
		p = progress{Token: token}
	}
	s := step{w: w, tx: tx, job: job, p: p}

	pctx := ctx
	if deadline != nil {
		if !time.Now().Before(*deadline) {
			return s.end(ctx, TimedOut, &Result{ErrorCode: CodeDeadline, ErrorMessage: "riverlro: the operation outlived its deadline"})
		}
		var cancel context.CancelFunc
		pctx, cancel = context.WithDeadline(ctx, *deadline)
		defer cancel()
	}

	res, perr := w.cfg.Transport.Poll(pctx, p.Token)
	if res.Token != "" {
		s.p.Token = res.Token
	}
	if res.ServiceStatus != "" {
		s.p.Status = res.ServiceStatus
	}
	if perr == nil || res.Done {
		s.p.Polls++
	}
	switch {
	case perr == nil && res.Done:
		return s.succeeded(ctx, res.Response)
	case perr == nil:
		if err := river.RecordOutput(ctx, s.p); err != nil {
			return fmt.Errorf("riverlro: recording the token: %w", err)
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("riverlro: commit: %w", err)
		}
		next := res.Next
		if res.Status == strategies.Succeeded {
			next = 0 // the final GET is due now
		}
		if deadline != nil {
			next = max(0, min(next, time.Until(*deadline)))
		}
		return river.JobSnooze(next)
	}
	return s.failed(ctx, res, perr, deadline)
}

// step is one run of a job, holding its operation's row lock.
type step struct {
	w   *Worker
	tx  pgx.Tx
	job *river.Job[Args]
	p   progress
}

// succeeded records the final response.
func (s *step) succeeded(ctx context.Context, resp *http.Response) error {
	defer resp.Body.Close()
	r := &Result{StatusCode: resp.StatusCode, Header: resp.Header}
	var err error
	r.Body, r.Truncated, err = readBody(resp.Body, s.w.cfg.maxBody())
	if err != nil {
		// The final body broke off: a transient failure, for River to
		// retry (the token still leads to the final GET).
		return s.transient(ctx, fmt.Errorf("riverlro: reading the final body: %w", err))
	}
	return s.end(ctx, Succeeded, r)
}

// failed sorts a step's error: the operation's end, a deadline, or a
// transient failure for River to retry.
func (s *step) failed(ctx context.Context, res lro.PollResult, err error, deadline *time.Time) error {
	var (
		oe *lro.OperationError
		re *lro.ResponseError
	)
	switch {
	case errors.As(err, &oe):
		r := responseResult(oe.Response, s.w.cfg.maxBody())
		r.ErrorCode, r.ErrorMessage = oe.Code, oe.Message
		if r.ErrorCode == "" {
			r.ErrorMessage = oe.Error()
		}
		st := Failed
		if res.Status == strategies.Canceled {
			st = Canceled
		}
		return s.end(ctx, st, r)
	case deadline != nil && !time.Now().Before(*deadline):
		return s.end(ctx, TimedOut, &Result{ErrorCode: CodeDeadline, ErrorMessage: err.Error()})
	case errors.Is(err, lro.ErrRetriesExhausted) || ctx.Err() != nil:
		return s.transient(ctx, err)
	case errors.As(err, &re):
		r := responseResult(re.Response, s.w.cfg.maxBody())
		r.ErrorCode, r.ErrorMessage = CodeResponse, err.Error()
		return s.end(ctx, Failed, r)
	}
	return s.end(ctx, Failed, &Result{ErrorCode: CodePoll, ErrorMessage: err.Error()})
}

// transient hands err to River's retry policy, or ends the operation when
// this was the job's last attempt.
func (s *step) transient(ctx context.Context, err error) error {
	if s.job.Attempt >= s.job.MaxAttempts {
		return s.end(ctx, Failed, &Result{ErrorCode: CodeRetriesExhausted, ErrorMessage: err.Error()})
	}
	return err
}

// end writes the operation's outcome and completes its job, in one
// transaction.
func (s *step) end(ctx context.Context, st State, r *Result) error {
	var header []byte
	if r.Header != nil {
		var err error
		if header, err = json.Marshal(r.Header); err != nil {
			return fmt.Errorf("riverlro: encoding the header: %w", err)
		}
	}
	var code *int
	if r.StatusCode != 0 {
		code = &r.StatusCode
	}
	tag, err := s.tx.Exec(ctx, `UPDATE riverlro_operation SET state = $2, token = $3, service_status = $4, polls = $5,
		finished_at = now(), status_code = $6, header = $7, body = $8, truncated = $9, error_code = $10, error_message = $11
		WHERE id = $1 AND state = 'running'`,
		s.job.ID, st, s.p.Token, s.p.Status, s.p.Polls, code, header, r.Body, r.Truncated, nullable(r.ErrorCode), nullable(r.ErrorMessage))
	if err != nil {
		return fmt.Errorf("riverlro: recording the result of %d: %w", s.job.ID, err)
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("riverlro: operation %d was not running", s.job.ID)
	}
	if err := river.RecordOutput(ctx, s.p); err != nil {
		return fmt.Errorf("riverlro: recording the token: %w", err)
	}
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, s.tx, s.job); err != nil {
		return fmt.Errorf("riverlro: completing job %d: %w", s.job.ID, err)
	}
	if err := s.tx.Commit(ctx); err != nil {
		return fmt.Errorf("riverlro: commit: %w", err)
	}
	return nil
}

// responseResult is the status code, header and body (read up to limit)
// of a response lro handed over with its body readable.
func responseResult(resp *http.Response, limit int64) *Result {
	if resp == nil {
		return &Result{}
	}
	r := &Result{StatusCode: resp.StatusCode, Header: resp.Header}
	if resp.Body != nil {
		r.Body, r.Truncated, _ = readBody(resp.Body, limit) // lro read it already; this reads memory
		resp.Body.Close()
	}
	return r
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
