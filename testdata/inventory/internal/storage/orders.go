package storage

import (
	"context"
	"database/sql"
	"errors"
)

type Order struct {
	ID          int64  `json:"id"`
	CustomerID  int64  `json:"customer_id"`
	Status      string `json:"status"`
	TotalCents  int    `json:"total_cents"`
	Reservation int64  `json:"reservation"`
	Lines       []Line `json:"lines,omitempty"`
	ShipTo      string `json:"ship_to"`
}

func (s *Store) CreateOrder(ctx context.Context, o Order) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, "insert into orders (customer_id, status, total_cents, reservation_id, ship_to) values ($1, 'new', $2, $3, $4) returning id",
		o.CustomerID, o.TotalCents, o.Reservation, o.ShipTo).Scan(&id)
	return id, err
}

func (s *Store) Order(ctx context.Context, id int64) (Order, error) {
	o := Order{ID: id}
	err := s.db.QueryRowContext(ctx, "select customer_id, status, total_cents, reservation_id, ship_to from orders where id = $1", id).
		Scan(&o.CustomerID, &o.Status, &o.TotalCents, &o.Reservation, &o.ShipTo)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	if err != nil {
		return Order{}, err
	}
	rows, err := s.db.QueryContext(ctx, "select sku, qty from order_lines where order_id = $1", id)
	if err != nil {
		return Order{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.SKU, &l.Qty); err != nil {
			return Order{}, err
		}
		o.Lines = append(o.Lines, l)
	}
	return o, rows.Err()
}

func (s *Store) SetOrderStatus(ctx context.Context, id int64, status string) error {
	res, err := s.db.ExecContext(ctx, "update orders set status = $2 where id = $1", id, status)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

type Customer struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (s *Store) CreateCustomer(ctx context.Context, c Customer) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, "insert into customers (name, email) values ($1, $2) returning id", c.Name, c.Email).Scan(&id)
	return id, err
}

type Supplier struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	BaseURL string `json:"base_url"`
}

// Suppliers reads the supplier directory from the replica.
func (s *Store) Suppliers() ([]Supplier, error) {
	ctx, cancel := s.queryCtx()
	defer cancel()
	rows, err := s.replica.QueryContext(ctx, "select id, name, base_url from suppliers order by name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Supplier
	for rows.Next() {
		var sp Supplier
		if err := rows.Scan(&sp.ID, &sp.Name, &sp.BaseURL); err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

func (s *Store) SupplierByID(id string) (Supplier, error) {
	ctx, cancel := s.queryCtx()
	defer cancel()
	sp := Supplier{ID: id}
	err := s.replica.QueryRowContext(ctx, "select name, base_url from suppliers where id = $1", id).Scan(&sp.Name, &sp.BaseURL)
	if errors.Is(err, sql.ErrNoRows) {
		return Supplier{}, ErrNotFound
	}
	return sp, err
}

// UpsertSupplierItems stores a supplier's catalog, in batches of 100.
func (s *Store) UpsertSupplierItems(ctx context.Context, supplier string, skus []string, costs []int) error {
	for start := 0; start < len(skus); start += 100 {
		end := min(start+100, len(skus))
		args := []any{supplier}
		for i := start; i < end; i++ {
			args = append(args, skus[i], costs[i])
		}
		q := "insert into supplier_items (supplier_id, sku, cost_cents) select $1, * from unnest(array[" +
			placeholders(end-start, 2) + "]) on conflict do nothing"
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}
