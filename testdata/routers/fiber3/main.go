// Command fiber3 is a service routed with github.com/gofiber/fiber/v3.
package main

import (
	"database/sql"
	"net/http"
	"time"

	"example.com/routers/fiber3/admin"

	"github.com/gofiber/fiber/v3"

	"example.com/routers/store"
)

type server struct {
	db *sql.DB
	st store.Store
}

func hello(c fiber.Ctx) error {
	time.Sleep(time.Second) // want `sleep: time.Sleep .*reached from GET /hello \(hello\)`
	return c.SendString("hello")
}

func (s *server) getUser(c fiber.Ctx) error {
	return s.db.QueryRow("SELECT 1").Err() // want `syncdb: \(\*sql.DB\).QueryRow .*reached from GET /api/users/:id \(server.getUser\)`
}

func (s *server) lookup(c fiber.Ctx) error {
	_, err := s.st.Lookup(c.Params("id")) // want `syncdb: this call reaches \(\*sql.DB\).Query in example.com/routers/store .*reached from PUT /api/v2/lookup/:id \(server.lookup\)`
	return err
}

// detached passes the fiber.Ctx itself as a context.Context: its Done never fires.
func (s *server) detached(c fiber.Ctx) error {
	return s.db.QueryRowContext(c, "SELECT 1").Err() // want `ctxdetach: fiber.Ctx passed as a context.Context .*reached from GET /api/detached .*fix: pass c.Context\(\)`
}

// attached uses the context fiber keeps for the request.
func (s *server) attached(c fiber.Ctx) error {
	return s.db.QueryRowContext(c.Context(), "SELECT 1").Err()
}

// logger is fiber middleware: it runs on every request and hands on with c.Next().
func logger(c fiber.Ctx) error {
	http.Get("http://log.internal/") // want `nocancel: http.Get .*reached from every route \(logger\)`
	return c.Next()
}

// apiKey is middleware of the /api group.
func apiKey(c fiber.Ctx) error {
	time.Sleep(time.Millisecond) // want `sleep: time.Sleep .*reached from every route under /api \(apiKey\)`
	return c.Next()
}

// notRegistered has a handler's shape and is registered nowhere.
func notRegistered(c fiber.Ctx) error {
	time.Sleep(time.Second)
	return nil
}

func main() {
	db, _ := sql.Open("postgres", "")
	time.Sleep(time.Second) // startup, not a request path
	s := &server{db: db, st: store.NewSQL(db)}

	app := fiber.New()
	app.Use(logger)
	app.Get("/hello", hello)
	api := app.Group("/api", apiKey)
	api.Get("/users/:id", s.getUser)
	api.Get("/detached", s.detached)
	api.Get("/attached", s.attached)
	api.Route("/v2", func(r fiber.Router) {
		r.Put("/lookup/:id", s.lookup)
	})
	app.RouteChain("/jobs").Post(func(c fiber.Ctx) error {
		go time.Sleep(time.Second) // want `gospawn: go statement .*reached from POST /jobs \(main.func2\)`
		return nil
	})
	app.Use("/admin", admin.New())
	_ = notRegistered
	app.Listen(":3000") // want `servertimeout: \(\*v[23].App\).Listen serves with fasthttp's own server, which has no ReadTimeout`
}

// Configured sets fiber's ReadTimeout, which bounds reading the request, headers included.
func Configured() error {
	app := fiber.New(fiber.Config{ReadTimeout: 5 * time.Second})
	return app.Listen(":3001")
}

// ConfigVar sets it on a Config variable.
func ConfigVar() error {
	cfg := fiber.Config{AppName: "api"}
	cfg.ReadTimeout = 5 * time.Second
	return fiber.New(cfg).Listen(":3002")
}

// WriteOnly bounds the responses, not the reads.
func WriteOnly() error {
	app := fiber.New(fiber.Config{WriteTimeout: 5 * time.Second})
	return app.Listen(":3003") // want `servertimeout: \(\*v[23].App\).Listen`
}

// Given serves an App made elsewhere, which may be configured: not judged.
func Given(app *fiber.App) error {
	return app.Listen(":3004")
}
