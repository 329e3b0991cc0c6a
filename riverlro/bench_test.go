package riverlro_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/lrohttp/lro/lrotest"
	"github.com/lrohttp/lro/riverlro"
)

// stmtCounter counts the statements a pool sends (queries, batches, copies):
// each is one round trip to the server.
type stmtCounter struct{ n atomic.Int64 }

func (c *stmtCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *stmtCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *stmtCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *stmtCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *stmtCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}
func (c *stmtCounter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	c.n.Add(1)
	return ctx
}
func (c *stmtCounter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

func tracedPool(b *testing.B, dbURL string, conns int32, tr *stmtCounter) *pgxpool.Pool {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = conns
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// BenchmarkWorker runs b.N operations (2 in-progress polls, then the
// terminal poll and the final GET: 4 steps each) through one worker: one
// River client with MaxWorkers 50, as one worker process would run. It
// reports operations per second of that worker, database statements (round
// trips) per step of the worker and per Start, and the rows and bytes an
// operation leaves stored.
//
//	export $(bash dev/pg.sh start)
//	go test -run '^$' -bench Worker -benchtime 2000x ./
func BenchmarkWorker(b *testing.B) {
	dbURL, _ := freshDB(b, 4)
	srv := lrotest.NewServer()
	b.Cleanup(srv.Close)
	var workerStmts, apiStmts stmtCounter
	wpool := tracedPool(b, dbURL, 60, &workerStmts)
	apool := tracedPool(b, dbURL, 8, &apiStmts)
	cfg := riverlro.Config{Transport: newTransport()}
	w, err := riverlro.NewWorker(wpool, cfg)
	if err != nil {
		b.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	rc, err := river.NewClient(riverpgxv5.New(wpool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 50}},
		Workers:           workers,
		FetchPollInterval: 20 * time.Millisecond,
		FetchCooldown:     5 * time.Millisecond,
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		TestOnly:          true,
	})
	if err != nil {
		b.Fatal(err)
	}
	insertOnly, err := river.NewClient(riverpgxv5.New(apool), &river.Config{})
	if err != nil {
		b.Fatal(err)
	}
	c, err := riverlro.NewClient(apool, insertOnly, cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	urls := make([]string, b.N)
	for i := range urls {
		urls[i] = srv.Start(lrotest.Scenario{Polls: 2, Result: fmt.Sprintf(`{"nonce":"%08d"}`, i), NoLog: true})
	}
	// The operations are all stored before the worker starts, so the
	// figures are the worker's alone.
	for _, u := range urls {
		req, _ := http.NewRequest(http.MethodPut, u, nil)
		if err := pgx.BeginFunc(ctx, apool, func(tx pgx.Tx) error {
			_, err := c.Start(ctx, tx, req)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	startStmts := apiStmts.n.Load()
	workerStmts.n.Store(0)
	b.ResetTimer()
	if err := rc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	for {
		var running int
		if err := apool.QueryRow(ctx, `SELECT count(*) FROM riverlro_operation WHERE state = 'running'`).Scan(&running); err != nil {
			b.Fatal(err)
		}
		if running == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	stmts := workerStmts.n.Load()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rc.Stop(sctx)

	var steps, succeeded int
	for _, u := range urls {
		steps += srv.Count(u) - 1
	}
	var opRows, jobRows, opBytes, jobBytes int64
	if err := apool.QueryRow(ctx, `SELECT count(*), coalesce(sum(pg_column_size(o.*)), 0), count(*) FILTER (WHERE state = 'succeeded') FROM riverlro_operation o`).Scan(&opRows, &opBytes, &succeeded); err != nil {
		b.Fatal(err)
	}
	if err := apool.QueryRow(ctx, `SELECT count(*), coalesce(sum(pg_column_size(j.*)), 0) FROM river_job j`).Scan(&jobRows, &jobBytes); err != nil {
		b.Fatal(err)
	}
	if succeeded != b.N || steps != 4*b.N {
		b.Fatalf("%d of %d operations succeeded in %d steps, want all in %d", succeeded, b.N, steps, 4*b.N)
	}
	n := float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(float64(stmts)/float64(steps), "db-trips/step")
	b.ReportMetric(float64(startStmts)/n, "db-trips/start")
	b.ReportMetric(float64(opRows+jobRows)/n, "rows/op")
	b.ReportMetric(float64(opBytes)/n, "op-row-B/op")
	b.ReportMetric(float64(jobBytes)/n, "job-row-B/op")
	b.ReportMetric(0, "ns/op")
}
