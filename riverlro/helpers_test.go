package riverlro_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/lrohttp/lro"
	"github.com/lrohttp/lro/riverlro"
)

// databaseURL returns DATABASE_URL or skips the test with one line.
func databaseURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		t.Skip("riverlro: DATABASE_URL not set")
	}
	return u
}

// freshDB creates a database of its own for the test (dropped at the end),
// migrates it, and returns its URL and a pool of size conns.
func freshDB(t testing.TB, conns int32) (string, *pgxpool.Pool) {
	t.Helper()
	base := databaseURL(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to DATABASE_URL: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "riverlro_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("CREATE DATABASE: %v", err)
	}
	admin.Close(ctx)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	cfg, err := pgxpool.ParseConfig(u.String())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = conns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		admin, err := pgx.Connect(ctx, base)
		if err != nil {
			return
		}
		defer admin.Close(ctx)
		admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	if err := riverlro.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return u.String(), pool
}

// quickRetry retries failed jobs after 50ms, so tests need not wait for
// River's default backoff.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(50 * time.Millisecond)
}

// authTransport is the worker's base transport: it adds the credentials
// the service expects, as an auth layer under lro would.
type authTransport struct {
	base  http.RoundTripper
	value string
}

func (a authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", a.value)
	return a.base.RoundTrip(r)
}

const testAuth = "Bearer worker-secret"

func newTransport(opts ...lro.Option) *lro.Transport {
	opts = append([]lro.Option{lro.WithPollInterval(10 * time.Millisecond)}, opts...)
	return lro.New(authTransport{base: http.DefaultTransport, value: testAuth}, opts...)
}

// fixture is a River client working operations, and a riverlro Client.
type fixture struct {
	pool  *pgxpool.Pool
	river *river.Client[pgx.Tx]
	lro   *riverlro.Client
}

func newFixture(t testing.TB, cfg riverlro.Config) *fixture {
	t.Helper()
	f := newStoppedFixture(t, cfg)
	if err := f.river.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

// newStoppedFixture is newFixture with the River client not started yet.
func newStoppedFixture(t testing.TB, cfg riverlro.Config) *fixture {
	t.Helper()
	if cfg.Transport == nil {
		cfg.Transport = newTransport()
	}
	_, pool := freshDB(t, 20)
	w, err := riverlro.NewWorker(pool, cfg)
	if err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		Workers:           workers,
		FetchPollInterval: 20 * time.Millisecond,
		FetchCooldown:     5 * time.Millisecond,
		RetryPolicy:       quickRetry{},
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		TestOnly:          true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		rc.Stop(ctx)
	})
	c, err := riverlro.NewClient(pool, rc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{pool: pool, river: rc, lro: c}
}

// start sends req through Start in a transaction of its own and commits.
func (f *fixture) start(t testing.TB, req *http.Request) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		var err error
		id, err = f.lro.Start(ctx, tx, req)
		return err
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return id
}

func (f *fixture) await(t testing.TB, id int64) *riverlro.Operation {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	op, err := f.lro.Await(ctx, id, 10*time.Millisecond)
	if err != nil {
		t.Fatalf("Await(%d): %v", id, err)
	}
	return op
}
