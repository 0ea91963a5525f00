// Package ws pairs a reader goroutine with the handler's own writer loop on one websocket connection.
package ws

import (
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

var upgrader = websocket.Upgrader{}

type hub struct{ events chan []byte }

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	// The reader ends when the connection does; the handler waits on the same connection in its writer loop.
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for {
		select {
		case msg := <-h.events:
			if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

// fire starts a goroutine on a connection the handler does not wait on.
func (h *hub) fire(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	go func() { // want `gospawn: go statement`
		defer conn.Close()
		for msg := range h.events {
			_ = conn.WriteMessage(websocket.TextMessage, msg)
		}
	}()
}

func Routes(mux *http.ServeMux) {
	h := &hub{events: make(chan []byte)}
	mux.HandleFunc("/ws", h.serve)
	mux.HandleFunc("/fire", h.fire)
}

// client wraps one connection, as gotify does: a reader and a writer goroutine per connection, each returning when
// an operation on the connection fails, which the other's Close (or the peer leaving) makes happen.
type client struct {
	conn  *websocket.Conn
	write chan []byte
	once  sync.Once
}

func (c *client) close() {
	c.once.Do(func() {
		c.conn.Close()
		close(c.write)
	})
}

func (c *client) read() {
	defer c.close()
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

var writeJSON = func(conn *websocket.Conn, v any) error { return conn.WriteJSON(v) }

func (c *client) writeLoop(period time.Duration) {
	ping := time.NewTicker(period)
	defer func() {
		c.close()
		ping.Stop()
	}()
	for {
		select {
		case msg, ok := <-c.write:
			if !ok {
				return
			}
			if err := writeJSON(c.conn, msg); err != nil {
				return
			}
		case <-ping.C:
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}

// pump ignores its write errors: nothing ends it once the peer has gone.
func (c *client) pump(period time.Duration) {
	ping := time.NewTicker(period)
	for {
		select {
		case msg := <-c.write:
			_ = c.conn.WriteMessage(websocket.TextMessage, msg)
		case <-ping.C:
			_ = c.conn.WriteMessage(websocket.PingMessage, nil)
		}
	}
}

// lenient returns on a read error, but pings forever on its own.
func (c *client) lenient(period time.Duration) {
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			break
		}
	}
	for {
		time.Sleep(period)
		_ = c.conn.WriteMessage(websocket.PingMessage, nil)
	}
}

type streams struct{ clients []*client }

func (s *streams) handle(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &client{conn: conn, write: make(chan []byte, 1)}
	s.clients = append(s.clients, c)
	go c.read()
	go c.writeLoop(time.Minute)
}

func (s *streams) handleLeaky(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &client{conn: conn, write: make(chan []byte, 1)}
	s.clients = append(s.clients, c)
	go c.pump(time.Minute)    // want `gospawn: go statement`
	go c.lenient(time.Minute) // want `gospawn: go statement`
}

func Routes2(mux *http.ServeMux) {
	s := &streams{}
	mux.HandleFunc("/stream", s.handle)
	mux.HandleFunc("/leaky", s.handleLeaky)
}
