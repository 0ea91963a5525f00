// Package events is an in-process broker for stock changes, feeding the server-sent events stream.
package events

import (
	"sync"
	"time"
)

type StockChanged struct {
	SKU       string    `json:"sku"`
	Warehouse string    `json:"warehouse"`
	Available int       `json:"available"`
	At        time.Time `json:"at"`
}

type Broker struct {
	mu      sync.Mutex
	subs    map[chan StockChanged]struct{}
	dropped int
}

func NewBroker() *Broker { return &Broker{subs: make(map[chan StockChanged]struct{})} }

func (b *Broker) Subscribe() chan StockChanged {
	ch := make(chan StockChanged, 32)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch
}

func (b *Broker) Unsubscribe(ch chan StockChanged) {
	b.mu.Lock()
	delete(b.subs, ch)
	b.mu.Unlock()
}

// Publish never blocks: a subscriber that is not keeping up misses events.
func (b *Broker) Publish(ev StockChanged) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- ev:
		default:
			b.dropped++
		}
	}
}
