package fixes

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"os/exec"
	"time"
)

var db *sql.DB

var client = &http.Client{}

func handler(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Second)                     // want `sleep: time.Sleep`
	rows, _ := db.Query("select 1 where $1", 1) // want `syncdb: \(\*sql.DB\).Query`
	_ = rows
	tx, _ := db.Begin() // want `syncdb: \(\*sql.DB\).Begin`
	_ = tx
	_ = context.Background() // want `ctxdetach: context.Background`
	req, _ := http.NewRequest("GET", "http://x/", nil)
	_, _ = client.Do(req)              // want `nocancel: \(\*http.Client\).Do`
	_ = exec.Command("ls", "-l").Run() // want `nocancel: \(\*exec.Cmd\).Run`
	c, _ := net.Dial("tcp", "x:1")     // want `nocancel: net.Dial`
	_ = c
	addrs, _ := net.LookupHost("x") // want `nocancel: net.LookupHost`
	_ = addrs
	work(r.Context())
	noContext()
}

func work(ctx context.Context) {
	_, _ = db.Exec("delete from t") // want `syncdb: \(\*sql.DB\).Exec`
	func() {
		_ = db.Ping() // want `syncdb: \(\*sql.DB\).Ping`
	}()
}

// noContext has no context in scope: findings, but no fix.
func noContext() {
	time.Sleep(time.Millisecond) // want `sleep: time.Sleep`
}

func Routes(mux *http.ServeMux) {
	mux.HandleFunc("/", handler)
}
