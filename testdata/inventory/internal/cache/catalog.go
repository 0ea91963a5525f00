// Package cache puts a small read-through cache in front of the catalog.
package cache

import (
	"context"
	"log"
	"sync"
	"time"

	"example.com/inventory/internal/storage"
)

// Source is what the cache reads through to: the store, in production.
type Source interface {
	Item(ctx context.Context, sku string) (storage.Item, error)
	ListItems(ctx context.Context, f storage.Filter) ([]storage.Item, error)
	Search(ctx context.Context, q string) ([]storage.Item, error)
	Categories() ([]string, error)
}

type entry struct {
	item storage.Item
	at   time.Time
}

// Catalog caches items and the category list.
type Catalog struct {
	next Source
	ttl  time.Duration

	mu     sync.RWMutex
	items  map[string]entry
	cats   []string
	catsAt time.Time
}

func New(next Source, ttl time.Duration) *Catalog {
	return &Catalog{next: next, ttl: ttl, items: make(map[string]entry)}
}

func (c *Catalog) Item(ctx context.Context, sku string) (storage.Item, error) {
	c.mu.RLock()
	e, ok := c.items[sku]
	c.mu.RUnlock()
	if ok && time.Since(e.at) < c.ttl {
		return e.item, nil
	}
	it, err := c.next.Item(ctx, sku)
	if err != nil {
		return storage.Item{}, err
	}
	c.mu.Lock()
	c.items[sku] = entry{it, time.Now()}
	c.mu.Unlock()
	return it, nil
}

func (c *Catalog) ListItems(ctx context.Context, f storage.Filter) ([]storage.Item, error) {
	return c.next.ListItems(ctx, f)
}

func (c *Catalog) Search(ctx context.Context, q string) ([]storage.Item, error) {
	return c.next.Search(ctx, q)
}

// Categories serves the cached list; RefreshLoop keeps it fresh, and a cold cache reads through.
func (c *Catalog) Categories() ([]string, error) {
	c.mu.RLock()
	cats, at := c.cats, c.catsAt
	c.mu.RUnlock()
	if cats != nil && time.Since(at) < c.ttl {
		return cats, nil
	}
	return c.refresh()
}

func (c *Catalog) refresh() ([]string, error) {
	cats, err := c.next.Categories()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.cats, c.catsAt = cats, time.Now()
	c.mu.Unlock()
	return cats, nil
}

// Invalidate drops one item.
func (c *Catalog) Invalidate(sku string) {
	c.mu.Lock()
	delete(c.items, sku)
	c.mu.Unlock()
}

// Flush drops everything.
func (c *Catalog) Flush() {
	c.mu.Lock()
	c.items = make(map[string]entry)
	c.cats = nil
	c.mu.Unlock()
}

// RefreshLoop runs in the background, started from main.
func (c *Catalog) RefreshLoop(ctx context.Context) {
	t := time.NewTicker(c.ttl / 2)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if _, err := c.refresh(); err != nil {
				log.Printf("cache: refresh categories: %v", err)
			}
		case <-ctx.Done():
			return
		}
	}
}
