package riverlro

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// migrations are riverlro's schema changes, in order; version i+1 is
// migrations[i]. They run in one transaction under an advisory lock, so
// concurrent Migrate calls are safe.
var migrations = []string{
	// 1: the operation table. id is the River job's id. token is the
	// initial token until the operation ends, then the last one (while it
	// runs, the job's output holds the newest). A trigger refuses changes
	// to an ended operation, so a result is written once.
	`CREATE TABLE riverlro_operation (
		id            bigint PRIMARY KEY,
		state         text NOT NULL DEFAULT 'running'
		              CHECK (state IN ('running', 'succeeded', 'failed', 'canceled', 'timed_out')),
		token         text NOT NULL,
		deadline      timestamptz,
		created_at    timestamptz NOT NULL DEFAULT now(),
		finished_at   timestamptz,
		service_status text NOT NULL DEFAULT '',
		polls         integer NOT NULL DEFAULT 0,
		status_code   integer,
		header        jsonb,
		body          bytea,
		truncated     boolean NOT NULL DEFAULT false,
		error_code    text,
		error_message text,
		cancel_requested_at timestamptz
	);
	CREATE INDEX riverlro_operation_running ON riverlro_operation (created_at) WHERE state = 'running';
	CREATE FUNCTION riverlro_operation_ended() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF OLD.state <> 'running' THEN
			RAISE EXCEPTION 'riverlro: operation % already ended %', OLD.id, OLD.state
				USING ERRCODE = 'restrict_violation';
		END IF;
		RETURN NEW;
	END $$;
	CREATE TRIGGER riverlro_operation_once BEFORE UPDATE ON riverlro_operation
		FOR EACH ROW EXECUTE FUNCTION riverlro_operation_ended();`,
}

// migrationLock is the advisory lock key Migrate holds ("rivrlro" in hex).
const migrationLock = 0x726976726c726f

// Migrate brings the database up to date: River's own migrations (through
// rivermigrate), then riverlro's table. It is safe to call at every start
// and from several processes at once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("riverlro: river migrator: %w", err)
	}
	// River runs each of its versions in a transaction of its own (some
	// cannot share one), so a session lock on one connection serializes
	// concurrent Migrate calls.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("riverlro: migration: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("riverlro: migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("riverlro: river migrations: %w", err)
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS riverlro_migration (
			version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("riverlro: migration table: %w", err)
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM riverlro_migration`).Scan(&have); err != nil {
			return fmt.Errorf("riverlro: migration version: %w", err)
		}
		for v := have + 1; v <= len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("riverlro: migration %d: %w", v, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO riverlro_migration (version) VALUES ($1)`, v); err != nil {
				return fmt.Errorf("riverlro: migration %d: %w", v, err)
			}
		}
		return nil
	})
}
