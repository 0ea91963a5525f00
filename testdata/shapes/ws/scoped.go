package ws

import (
	"context"
	"net/http"

	"github.com/gorilla/websocket"
)

// subscribe makes a context for the life of a websocket connection, as ntfy does: once the connection is
// hijacked, net/http no longer watches it, and the request's context ends only when the handler returns. A root
// context cancelled when the handler returns lives exactly as long: not reported.
func (h *hub) subscribe(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.pushUntil(ctx, conn)
}

func (h *hub) pushUntil(ctx context.Context, conn *websocket.Conn) {
	for {
		select {
		case msg := <-h.events:
			if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// leak makes a root context on a websocket connection that nothing cancels when the handler returns: work under it
// outlives the connection. Reported.
func (h *hub) leak(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(context.Background()) // want `ctxdetach: context.Background starts a context`
	h.keep(cancel)
	h.pushUntil(ctx, conn)
}

var cancels []context.CancelFunc

func (h *hub) keep(cancel context.CancelFunc) { cancels = append(cancels, cancel) }

// plain cancels its root context on return, but holds no hijacked connection: the request's context would have
// ended when the client left. Reported.
func (h *hub) plain(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(context.Background()) // want `ctxdetach: context.Background starts a context`
	defer cancel()
	select {
	case <-h.events:
	case <-ctx.Done():
	}
}

func ScopedRoutes(mux *http.ServeMux) {
	h := &hub{events: make(chan []byte)}
	mux.HandleFunc("/subscribe", h.subscribe)
	mux.HandleFunc("/leak", h.leak)
	mux.HandleFunc("/plain", h.plain)
}
