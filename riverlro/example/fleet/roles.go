package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/riverlro"
)

// workerAuth is the credential the workers' base transport adds; the
// tokens in the database hold none.
const workerAuth = "Bearer fleet-worker"

// authTransport adds the worker's credential and name to every request, as
// an auth layer under lro would.
type authTransport struct {
	base http.RoundTripper
	name string
}

func (a authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", workerAuth)
	r.Header.Set("X-Worker", a.name)
	return a.base.RoundTrip(r)
}

func transport(name string) *lro.Transport {
	return lro.New(authTransport{base: http.DefaultTransport, name: name}, lro.WithPollInterval(20*time.Millisecond))
}

// quickRetry retries a transient failure after 100ms per attempt: the
// fleet's faults are brief (River's default waits attempt⁴ seconds).
type quickRetry struct{}

func (quickRetry) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(time.Duration(job.Attempt) * 100 * time.Millisecond)
}

func openPool(ctx context.Context, dbURL string, conns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = conns
	return pgxpool.NewWithConfig(ctx, cfg)
}

// runWorker works operations until SIGTERM or SIGINT.
func runWorker(dbURL, name string, concurrency int) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	pool, err := openPool(ctx, dbURL, int32(concurrency+10))
	if err != nil {
		return err
	}
	defer pool.Close()
	w, err := riverlro.NewWorker(pool, riverlro.Config{Transport: transport(name)})
	if err != nil {
		return err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		ID:                   name,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: concurrency}},
		Workers:              workers,
		FetchPollInterval:    20 * time.Millisecond,
		FetchCooldown:        5 * time.Millisecond,
		RetryPolicy:          quickRetry{},
		JobTimeout:           4 * time.Second,
		RescueStuckJobsAfter: 5 * time.Second,
		Logger:               slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		return err
	}
	if err := rc.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "worker %s: working\n", name)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return rc.Stop(sctx)
}

// runAPI starts the operations whose resource URLs the file holds, one
// transaction each, and prints "id url" lines to stdout.
func runAPI(dbURL, urlFile string) error {
	ctx := context.Background()
	b, err := os.ReadFile(urlFile)
	if err != nil {
		return err
	}
	var urls []string
	if err := json.Unmarshal(b, &urls); err != nil {
		return err
	}
	pool, err := openPool(ctx, dbURL, 8)
	if err != nil {
		return err
	}
	defer pool.Close()
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{}) // insert-only
	if err != nil {
		return err
	}
	c, err := riverlro.NewClient(pool, rc, riverlro.Config{Transport: transport("api"), Deadline: 10 * time.Minute})
	if err != nil {
		return err
	}
	for _, u := range urls {
		req, err := http.NewRequest(http.MethodPut, u, nil)
		if err != nil {
			return err
		}
		var id int64
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			id, err = c.Start(ctx, tx, req)
			return err
		})
		if err != nil {
			return fmt.Errorf("starting %s: %w", u, err)
		}
		fmt.Println(id, u)
	}
	return nil
}
