// Package ws pairs a reader goroutine with the handler's own writer loop on one websocket connection.
package ws

import (
	"net/http"

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
