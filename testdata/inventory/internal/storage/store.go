// Package storage keeps the inventory in PostgreSQL: items, stock per warehouse, reservations, orders, suppliers
// and the audit log.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

var (
	ErrNotFound     = errors.New("storage: not found")
	ErrInsufficient = errors.New("storage: insufficient stock")
)

// Store is the primary database plus a read replica used for the heavier supplier and reporting queries.
type Store struct {
	db             *sql.DB
	replica        *sql.DB
	replicaTimeout time.Duration

	lowStockStmt *sql.Stmt
}

// Open connects and prepares the statements the hot paths use. It is called once from main.
func Open(primaryDSN, replicaDSN string) (*Store, error) {
	db, err := sql.Open("postgres", primaryDSN)
	if err != nil {
		return nil, fmt.Errorf("storage: open primary: %w", err)
	}
	db.SetMaxOpenConns(40)
	db.SetConnMaxIdleTime(5 * time.Minute)
	replica := db
	if replicaDSN != "" {
		if replica, err = sql.Open("postgres", replicaDSN); err != nil {
			return nil, fmt.Errorf("storage: open replica: %w", err)
		}
	}
	s := &Store{db: db, replica: replica, replicaTimeout: 4 * time.Second}
	s.lowStockStmt, err = db.Prepare(`select s.sku, s.warehouse_id, s.on_hand, s.reserved
		from stock s join items i on i.sku = s.sku
		where s.on_hand - s.reserved < $1 order by s.sku`)
	if err != nil {
		return nil, fmt.Errorf("storage: prepare low stock: %w", err)
	}
	return s, nil
}

// Migrate creates the schema. Start-up only.
func (s *Store) Migrate() error {
	for _, stmt := range schema {
		if _, err := s.db.Exec(stmt); err != nil {
			return fmt.Errorf("storage: migrate: %w", err)
		}
	}
	return nil
}

var schema = []string{
	`create table if not exists items (sku text primary key, name text not null, category text not null, price_cents int not null, updated_at timestamptz not null default now())`,
	`create table if not exists stock (sku text references items, warehouse_id text, on_hand int not null, reserved int not null default 0, primary key (sku, warehouse_id))`,
	`create table if not exists reservations (id bigserial primary key, order_ref text not null, created_at timestamptz not null default now())`,
	`create table if not exists orders (id bigserial primary key, customer_id bigint, status text not null, total_cents int not null)`,
	`create table if not exists audit (at timestamptz not null default now(), actor text, action text, subject text)`,
	`create table if not exists api_keys (token_hash text primary key, owner text not null, admin bool not null)`,
}

// Ping is used by the readiness probe and by main while it waits for the database.
func (s *Store) Ping() error {
	return s.db.Ping() // want `syncdb: \(\*sql.DB\).Ping .*reached from GET /readyz \(Server.readyz\); fix`
}

// PingContext is used by the liveness probe.
func (s *Store) PingContext(ctx context.Context) error { return s.db.PingContext(ctx) }

// queryCtx bounds the queries that go to the replica, which is slow under reporting load: detached, but bounded at
// once by its own timeout, so not reported.
func (s *Store) queryCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.replicaTimeout)
}

// APIKey looks up an API key by its token. The auth middleware calls it on every admin request.
type APIKey struct {
	Owner string
	Admin bool
}

func (s *Store) APIKey(token string) (APIKey, error) {
	var k APIKey
	err := s.db.QueryRow("select owner, admin from api_keys where token_hash = encode(sha256($1::bytea), 'hex')", token).Scan(&k.Owner, &k.Admin) // want `syncdb: \(\*sql.DB\).QueryRow .*reached from \S+ /admin/\S+ .* and 8 other routes`
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, ErrNotFound
	}
	return k, err
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Actor, Action, Subject string
}

// RecordAudit writes to the audit log with the caller's context.
func (s *Store) RecordAudit(ctx context.Context, e AuditEntry) error {
	_, err := s.db.ExecContext(ctx, "insert into audit (actor, action, subject) values ($1, $2, $3)", e.Actor, e.Action, e.Subject)
	return err
}

// Reindex rebuilds the search index. The background worker runs it.
func (s *Store) Reindex() error {
	_, err := s.db.Exec("refresh materialized view concurrently item_search")
	return err
}

// MarkJobDone records a finished background job. Worker only.
func (s *Store) MarkJobDone(kind, ref string) {
	_, _ = s.db.Exec("insert into job_log (kind, ref, finished_at) values ($1, $2, now())", kind, ref)
}

func placeholders(n, from int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}
