// Package api is the bookstore's HTTP API.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"example.com/bookstore/internal/mail"
	"example.com/bookstore/internal/payments"
	"example.com/bookstore/internal/store"
)

// Books is what the handlers need from the store; tests substitute a fake.
type Books interface {
	Book(ctx context.Context, id string) (*store.Book, error)
	Search(q string) ([]store.Book, error)
	PlaceOrder(ctx context.Context, user, book string) (int64, error)
	MarkPaid(id int64) error
	Ping(ctx context.Context) error
}

type Server struct {
	books    Books
	pay      *payments.Client
	mail     *mail.Mailer
	mu       sync.Mutex
	covers   map[string][]byte
	reindex  chan string
	inflight sync.WaitGroup
}

func New(books Books, pay *payments.Client, m *mail.Mailer) *Server {
	return &Server{books: books, pay: pay, mail: m, covers: map[string][]byte{}, reindex: make(chan string, 64)}
}

func (s *Server) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books", s.listBooks)
	mux.HandleFunc("GET /books/{id}", s.getBook)
	mux.HandleFunc("GET /search", s.search)
	mux.HandleFunc("POST /orders", s.createOrder)
	mux.HandleFunc("POST /orders/{id}/refund", s.refund)
	mux.HandleFunc("GET /books/{id}/cover", s.cover)
	mux.HandleFunc("POST /books/{id}/reindex", s.requestReindex)
	mux.HandleFunc("POST /signup", s.signup)
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /export", s.export)
	mux.HandleFunc("POST /admin/drain", s.drain)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServer(http.Dir("static"))))
	return requestID(logging(mux))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) listBooks(w http.ResponseWriter, r *http.Request) {
	books, err := s.books.Search("")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, books)
}

func (s *Server) getBook(w http.ResponseWriter, r *http.Request) {
	b, err := s.books.Book(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	writeJSON(w, b)
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	books, _ := s.books.Search(r.URL.Query().Get("q"))
	writeJSON(w, books)
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		User, Book string
		Cents      int
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id, err := s.books.PlaceOrder(r.Context(), in.User, in.Book)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if err := s.pay.Charge(r.Context(), id, in.Cents); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	_ = s.books.MarkPaid(id)
	go func() { // want `gospawn: go statement .*reached from POST /orders \(Server.createOrder\)`
		if err := s.mail.Send(in.User, "Your order", "Thanks!"); err != nil {
			log.Printf("mail: %v", err)
		}
	}()
	writeJSON(w, map[string]int64{"order": id})
}

func (s *Server) refund(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.pay.Refund(r.Context(), id); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
}

func (s *Server) cover(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	img, ok := s.covers[id]
	s.mu.Unlock()
	if !ok {
		out, err := exec.Command("convert", "covers/"+id+".png", "-resize", "200x", "jpg:-").Output() // want `nocancel: \(\*exec.Cmd\).Output .*reached from GET /books/\{id\}/cover \(Server.cover\)`
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		img = out
		s.mu.Lock()
		s.covers[id] = img
		s.mu.Unlock()
	}
	_, _ = w.Write(img)
}

func (s *Server) requestReindex(w http.ResponseWriter, r *http.Request) {
	select {
	case s.reindex <- r.PathValue("id"):
		w.WriteHeader(http.StatusAccepted)
	case <-r.Context().Done():
	}
}

func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	email := r.FormValue("email")
	if err := s.mail.Send(email, "Welcome", "Hello!"); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.books.Ping(ctx); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	}
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	results := make(chan []store.Book)
	for _, q := range []string{"a", "b", "c"} {
		s.inflight.Add(1)
		go func() {
			defer s.inflight.Done()
			books, _ := s.books.Search(q)
			results <- books
		}()
	}
	var all []store.Book
	for range 3 {
		all = append(all, <-results...) // want `chanwait: channel receive .*reached from GET /export \(Server.export\)`
	}
	writeJSON(w, all)
}

func (s *Server) drain(w http.ResponseWriter, r *http.Request) {
	s.inflight.Wait() // want `chanwait: \(\*sync.WaitGroup\).Wait .*reached from POST /admin/drain \(Server.drain\)`
}

// Reindexer runs in the background, started from main.
func (s *Server) Reindexer(ctx context.Context) {
	for {
		select {
		case id := <-s.reindex:
			_, _ = s.books.Search(id)
			time.Sleep(10 * time.Millisecond)
		case <-ctx.Done():
			return
		}
	}
}

func logging(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		log.Printf("%s %s %s", r.Method, r.URL.Path, time.Since(start))
	})
}

type ctxKey struct{}

func requestID(next http.Handler) http.Handler {
	var n int64
	var mu sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		id := n
		mu.Unlock()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}
