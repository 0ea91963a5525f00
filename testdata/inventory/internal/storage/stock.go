package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

type StockLevel struct {
	SKU       string `json:"sku"`
	Warehouse string `json:"warehouse"`
	OnHand    int    `json:"on_hand"`
	Reserved  int    `json:"reserved"`
}

func (l StockLevel) Available() int { return l.OnHand - l.Reserved }

type Warehouse struct {
	ID, Name string
}

func (s *Store) StockLevels(ctx context.Context, sku string) ([]StockLevel, error) {
	rows, err := s.db.QueryContext(ctx, "select sku, warehouse_id, on_hand, reserved from stock where sku = $1", sku)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectLevels(rows)
}

// AdjustStock applies a delta in one transaction and returns the new level.
func (s *Store) AdjustStock(ctx context.Context, sku, warehouse string, delta int) (StockLevel, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return StockLevel{}, err
	}
	defer tx.Rollback()
	l := StockLevel{SKU: sku, Warehouse: warehouse}
	err = tx.QueryRowContext(ctx, `insert into stock (sku, warehouse_id, on_hand) values ($1, $2, $3)
		on conflict (sku, warehouse_id) do update set on_hand = stock.on_hand + excluded.on_hand
		returning on_hand, reserved`, sku, warehouse, delta).Scan(&l.OnHand, &l.Reserved)
	if err != nil {
		return StockLevel{}, err
	}
	if l.OnHand < 0 {
		return StockLevel{}, ErrInsufficient
	}
	return l, tx.Commit()
}

// Transfer moves stock between warehouses under serializable isolation; callers retry serialization failures.
func (s *Store) Transfer(ctx context.Context, sku, from, to string, qty int) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "update stock set on_hand = on_hand - $3 where sku = $1 and warehouse_id = $2 and on_hand - reserved >= $3", sku, from, qty)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrInsufficient
	}
	if _, err := tx.ExecContext(ctx, `insert into stock (sku, warehouse_id, on_hand) values ($1, $2, $3)
		on conflict (sku, warehouse_id) do update set on_hand = stock.on_hand + excluded.on_hand`, sku, to, qty); err != nil {
		return err
	}
	return tx.Commit()
}

// IsSerializationFailure reports whether err is PostgreSQL's 40001.
func IsSerializationFailure(err error) bool {
	return err != nil && strings.Contains(err.Error(), "40001")
}

// LowStock uses the statement prepared at start-up.
func (s *Store) LowStock(threshold int) ([]StockLevel, error) {
	rows, err := s.lowStockStmt.Query(threshold) // want `syncdb: \(\*sql.Stmt\).Query .*reached from GET /v1/stock/low \(Server.lowStock\); fix`
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectLevels(rows)
}

// Line is one line of a reservation or an order.
type Line struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// Reserve holds stock for an order. The transaction has the caller's context; the updates inside it do not.
func (s *Store) Reserve(ctx context.Context, orderRef string, lines []Line) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, "insert into reservations (order_ref) values ($1) returning id", orderRef).Scan(&id); err != nil {
		return 0, err
	}
	for _, l := range lines {
		res, err := tx.Exec("update stock set reserved = reserved + $1 where sku = $2 and on_hand - reserved >= $1", l.Qty, l.SKU) // want `syncdb: \(\*sql.Tx\).Exec .*reached from (POST /v1/reservations \(Server.reserve\)|POST /v1/orders \(Server.createOrder\)) and 1 other route;`
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, errors.Join(ErrInsufficient, errors.New(l.SKU))
		}
	}
	return id, tx.Commit()
}

func (s *Store) Warehouses(ctx context.Context) ([]Warehouse, error) {
	rows, err := s.db.QueryContext(ctx, "select id, name from warehouses order by id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Warehouse
	for rows.Next() {
		var w Warehouse
		if err := rows.Scan(&w.ID, &w.Name); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Recount reconciles a warehouse's stock with its last physical count.
func (s *Store) Recount(ctx context.Context, warehouse string) error {
	_, err := s.db.ExecContext(ctx, `update stock s set on_hand = c.counted from counts c
		where c.warehouse_id = $1 and s.warehouse_id = c.warehouse_id and s.sku = c.sku`, warehouse)
	return err
}

func collectLevels(rows *sql.Rows) ([]StockLevel, error) {
	var out []StockLevel
	for rows.Next() {
		var l StockLevel
		if err := rows.Scan(&l.SKU, &l.Warehouse, &l.OnHand, &l.Reserved); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
