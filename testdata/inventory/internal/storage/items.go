package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

type Item struct {
	SKU        string    `json:"sku"`
	Name       string    `json:"name"`
	Category   string    `json:"category"`
	PriceCents int       `json:"price_cents"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Filter narrows ListItems.
type Filter struct {
	Category string
	After    string
	Limit    int
}

const itemColumns = "sku, name, category, price_cents, updated_at"

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	err := row.Scan(&it.SKU, &it.Name, &it.Category, &it.PriceCents, &it.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, ErrNotFound
	}
	return it, err
}

// Item fetches one item with the caller's context.
func (s *Store) Item(ctx context.Context, sku string) (Item, error) {
	return scanItem(s.db.QueryRowContext(ctx, "select "+itemColumns+" from items where sku = $1", sku))
}

// ItemBySKU predates the context plumbing; the handlers' loadItem helper and the import job still use it.
func (s *Store) ItemBySKU(sku string) (Item, error) {
	sku = strings.ToUpper(strings.TrimSpace(sku))
	return scanItem(s.db.QueryRow("select "+itemColumns+" from items where sku = $1", sku)) // want `syncdb: \(\*sql.DB\).QueryRow .*reached from \S+ /v1/\S+ \(Server\.\w+\) and 4 other routes`
}

// ListItems pages through the catalog.
func (s *Store) ListItems(ctx context.Context, f Filter) ([]Item, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := "select " + itemColumns + " from items where sku > $1"
	args := []any{f.After}
	if f.Category != "" {
		q += " and category = $2"
		args = append(args, f.Category)
	}
	q += " order by sku limit " + itoa(f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectItems(rows)
}

// Search runs a full-text search on the replica with the caller's context.
func (s *Store) Search(ctx context.Context, q string) ([]Item, error) {
	rows, err := s.replica.QueryContext(ctx, "select "+itemColumns+" from item_search where doc @@ plainto_tsquery($1) limit 50", q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectItems(rows)
}

// Categories lists the distinct categories. The catalog cache calls it on a miss and from its refresh loop.
func (s *Store) Categories() ([]string, error) {
	rows, err := s.db.Query("select distinct category from items order by 1") // want `syncdb: \(\*sql.DB\).Query .*reached from GET /v1/categories \(Server.categories\); fix`
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AllItems was used by the v0 CSV export.
func (s *Store) AllItems() ([]Item, error) {
	rows, err := s.db.Query("select " + itemColumns + " from items order by sku")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectItems(rows)
}

func (s *Store) CreateItem(ctx context.Context, it Item) error {
	_, err := s.db.ExecContext(ctx, "insert into items (sku, name, category, price_cents) values ($1, $2, $3, $4)",
		it.SKU, it.Name, it.Category, it.PriceCents)
	return err
}

func (s *Store) UpdateItem(ctx context.Context, it Item) error {
	res, err := s.db.ExecContext(ctx, "update items set name = $2, category = $3, price_cents = $4, updated_at = now() where sku = $1",
		it.SKU, it.Name, it.Category, it.PriceCents)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func (s *Store) DeleteItem(ctx context.Context, sku string) error {
	_, err := s.db.ExecContext(ctx, "delete from items where sku = $1", sku)
	return err
}

// Change is one entry of an item's history.
type Change struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
}

func (s *Store) History(ctx context.Context, sku string) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, "select at, actor, action from audit where subject = $1 order by at desc limit 100", sku)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.At, &c.Actor, &c.Action); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ExportRows streams the whole catalog; the caller closes the rows.
func (s *Store) ExportRows(ctx context.Context) (*sql.Rows, error) {
	return s.replica.QueryContext(ctx, "select "+itemColumns+" from items order by sku")
}

// ScanExportRow reads one row of ExportRows.
func ScanExportRow(rows *sql.Rows) (Item, error) { return scanItem(rows) }

func collectItems(rows *sql.Rows) ([]Item, error) {
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
