package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lrohttp/lro/riverlro"
)

// fleet is a database, the service, and the processes working on them.
type fleet struct {
	svc    *service
	pool   *pgxpool.Pool
	dbURL  string
	dbName string
	conc   int
	dir    string
	exe    string

	mu      sync.Mutex
	workers map[string]*exec.Cmd
	cleanup []func()
}

// newFleet creates a database of its own on DATABASE_URL's server (or on a
// throwaway cluster it starts) and migrates it.
func newFleet(ctx context.Context, conc int) (*fleet, error) {
	f := &fleet{conc: conc, workers: map[string]*exec.Cmd{}}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	var err error
	if f.dir, err = os.MkdirTemp("", "fleet"); err != nil {
		return nil, err
	}
	f.cleanup = append(f.cleanup, func() { os.RemoveAll(f.dir) })
	if f.exe, err = os.Executable(); err != nil {
		return nil, err
	}
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		if base, err = f.throwawayCluster(); err != nil {
			return nil, err
		}
	}
	if err := f.createDatabase(ctx, base); err != nil {
		return nil, err
	}
	if f.pool, err = openPool(ctx, f.dbURL, 8); err != nil {
		return nil, err
	}
	f.cleanup = append(f.cleanup, f.pool.Close)
	if err := riverlro.Migrate(ctx, f.pool); err != nil {
		return nil, err
	}
	f.svc = newService()
	f.cleanup = append(f.cleanup, f.svc.Close)
	ok = true
	return f, nil
}

// throwawayCluster starts dev/pg.sh in a folder of the fleet's own.
func (f *fleet) throwawayCluster() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "dev", "pg.sh")
	pgDir, err := os.MkdirTemp("", "fleet-pg")
	if err != nil {
		return "", err
	}
	os.Chmod(pgDir, 0o755) // the postgres user must reach the cluster inside
	env := append(os.Environ(), "RIVERLRO_PG_DIR="+filepath.Join(pgDir, "pg"))
	cmd := exec.Command("bash", script, "start")
	cmd.Env, cmd.Stderr = env, os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("starting PostgreSQL with %s: %w", script, err)
	}
	f.cleanup = append(f.cleanup, func() {
		stop := exec.Command("bash", script, "stop")
		stop.Env = env
		stop.Run()
		os.RemoveAll(pgDir)
	})
	u, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "DATABASE_URL=")
	if !ok {
		return "", fmt.Errorf("pg.sh printed %q", out)
	}
	return u, nil
}

func (f *fleet) createDatabase(ctx context.Context, base string) error {
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", base, err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 5)
	rand.Read(b)
	f.dbName = "riverlro_fleet_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+f.dbName); err != nil {
		return fmt.Errorf("CREATE DATABASE: %w", err)
	}
	f.cleanup = append(f.cleanup, func() {
		ctx := context.Background()
		if admin, err := pgx.Connect(ctx, base); err == nil {
			admin.Exec(ctx, "DROP DATABASE IF EXISTS "+f.dbName+" WITH (FORCE)")
			admin.Close(ctx)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	u.Path = "/" + f.dbName
	f.dbURL = u.String()
	return nil
}

func (f *fleet) command(role string, env ...string) *exec.Cmd {
	cmd := exec.Command(f.exe)
	cmd.Env = append(os.Environ(), append([]string{"FLEET_ROLE=" + role, "FLEET_DB=" + f.dbURL}, env...)...)
	cmd.Stderr = os.Stderr
	return cmd
}

// startWorker starts a worker process.
func (f *fleet) startWorker(name string) error {
	cmd := f.command("worker", "FLEET_NAME="+name, "FLEET_CONCURRENCY="+strconv.Itoa(f.conc))
	if err := cmd.Start(); err != nil {
		return err
	}
	f.mu.Lock()
	f.workers[name] = cmd
	f.mu.Unlock()
	return nil
}

// kill SIGKILLs a worker process and reaps it.
func (f *fleet) kill(name string) error {
	f.mu.Lock()
	cmd := f.workers[name]
	delete(f.workers, name)
	f.mu.Unlock()
	if cmd == nil {
		return fmt.Errorf("no worker %s", name)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	cmd.Wait()
	return nil
}

// stopWorkers ends the remaining workers with SIGTERM and waits for them.
func (f *fleet) stopWorkers() {
	f.mu.Lock()
	ws := f.workers
	f.workers = map[string]*exec.Cmd{}
	f.mu.Unlock()
	for _, cmd := range ws {
		cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, cmd := range ws {
		cmd.Wait()
	}
}

// startAPI starts the API process on the planned operations. Its "id url"
// lines are checked as they come; Wait reports a failure.
func (f *fleet) startAPI(specs []spec) (*apiProc, error) {
	path := filepath.Join(f.dir, "urls.json")
	if err := writeURLs(path, specs); err != nil {
		return nil, err
	}
	cmd := f.command("api", "FLEET_URLS="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &apiProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines++
		}
	}()
	return p, nil
}

type apiProc struct {
	cmd   *exec.Cmd
	done  chan struct{}
	lines int
}

func (p *apiProc) Wait() error {
	<-p.done
	return p.cmd.Wait()
}

// waitDone waits until n operations are stored and none runs, calling
// progress every 100ms.
func (f *fleet) waitDone(ctx context.Context, n int, timeout time.Duration, progress func(map[string]int, int)) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := counts(ctx, f.pool)
		if err != nil {
			return err
		}
		total := 0
		for _, v := range c {
			total += v
		}
		if progress != nil {
			progress(c, total)
		}
		if total >= n && c["running"] == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("operations still running at the timeout")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func (f *fleet) Close() {
	f.stopWorkers()
	for i := len(f.cleanup) - 1; i >= 0; i-- {
		f.cleanup[i]()
	}
}
