// Package store keeps books, users and orders in PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
)

var ErrNotFound = errors.New("not found")

type Book struct {
	ID, Title string
	Price     int
}

type Store struct{ db *sql.DB }

func New(db *sql.DB) *Store { return &Store{db: db} }

// Book uses the request's context.
func (s *Store) Book(ctx context.Context, id string) (*Book, error) {
	var b Book
	err := s.db.QueryRowContext(ctx, "select id, title, price from books where id = $1", id).Scan(&b.ID, &b.Title, &b.Price)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &b, err
}

// Search forgot its context: one root cause, reached from several routes.
func (s *Store) Search(q string) ([]Book, error) {
	rows, err := s.db.Query("select id, title, price from books where title ilike $1", "%"+q+"%") // want `syncdb: \(\*sql.DB\).Query .*reached from GET /books \(Server.listBooks\) and 1 other route`
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Book
	for rows.Next() {
		var b Book
		if err := rows.Scan(&b.ID, &b.Title, &b.Price); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// PlaceOrder runs a transaction with the request's context.
func (s *Store) PlaceOrder(ctx context.Context, user, book string) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, "insert into orders (user_id, book_id) values ($1, $2) returning id", user, book).Scan(&id); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

// MarkPaid detaches from the request so that a paid order is recorded even if the client leaves: a helper that
// makes up its own context, with no deadline either.
func (s *Store) MarkPaid(id int64) error {
	ctx := context.Background() // want `ctxdetach: context.Background .*reached from POST /orders \(Server.createOrder\)`
	_, err := s.db.ExecContext(ctx, "update orders set paid = true where id = $1", id)
	return err
}

// Migrate runs at start-up.
func (s *Store) Migrate() error {
	_, err := s.db.Exec("create table if not exists books (id text primary key, title text, price int)")
	return err
}

// Ping is used by the health check, with a context.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }
