package servertimeout

import (
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // profiling handlers on the default mux, served by PprofPort
	"os/exec"
	"runtime"
	"time"
)

func Bare(mux *http.ServeMux) error {
	return http.ListenAndServe(":8080", mux) // want `servertimeout: http.ListenAndServe serves with a server that has no ReadHeaderTimeout`
}

func Debug() error {
	return http.ListenAndServe("localhost:6060", nil) // a loopback debug listener
}

// PprofPort serves the default mux, which holds only net/http/pprof's handlers (this package puts none there), on a
// port the configuration chooses: the operator's profiling port, as athens serves it.
func PprofPort(addr string) error {
	return http.ListenAndServe(addr, nil)
}

// PprofTLS serves the application's mux: pprof being imported changes nothing for it.
func PprofTLS(addr string, mux *http.ServeMux) error {
	return http.ListenAndServeTLS(addr, "cert.pem", "key.pem", mux) // want `servertimeout: http.ListenAndServeTLS serves with a server that has no ReadHeaderTimeout`
}

func Unset(mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux} // want `servertimeout: \(\*http.Server\).ListenAndServe`
	return srv.ListenAndServe()
}

func Header(mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return srv.ListenAndServe()
}

// ReadTimeout bounds the headers too.
func Read(mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux, ReadTimeout: 10 * time.Second}
	return srv.ListenAndServeTLS("cert.pem", "key.pem")
}

func Later(mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux}
	srv.ReadHeaderTimeout = 5 * time.Second
	return srv.ListenAndServe()
}

// Configured is handed to a function that may set its timeouts: not judged.
func Configured(mux *http.ServeMux) error {
	srv := &http.Server{Addr: ":8080", Handler: mux}
	configure(srv)
	return srv.ListenAndServe()
}

func configure(srv *http.Server) { srv.IdleTimeout = time.Minute }

// NeverServed makes a server that is never started.
func NeverServed() *http.Server {
	return &http.Server{Addr: ":8080"}
}

// Captured is served from a goroutine closure.
func Captured(mux *http.ServeMux, l net.Listener) {
	srv := &http.Server{Handler: mux} // want `servertimeout: \(\*http.Server\).Serve`
	go func() {
		_ = srv.Serve(l)
	}()
	safe := &http.Server{Handler: mux, ReadHeaderTimeout: time.Second}
	go func() {
		_ = safe.Serve(l)
	}()
}

// Captured servers configured elsewhere, or after the closure is made, are not judged.
func CapturedConfigured(mux *http.ServeMux, l net.Listener) {
	srv := &http.Server{Handler: mux}
	configure(srv)
	go func() {
		_ = srv.Serve(l)
	}()
	late := &http.Server{Handler: mux}
	go func() {
		_ = late.Serve(l)
	}()
	late.ReadHeaderTimeout = time.Second
}

// app keeps its server in a field and serves it from another method.
type app struct {
	srv  *http.Server
	safe *http.Server
}

func newApp(mux *http.ServeMux) *app {
	return &app{
		srv:  &http.Server{Addr: ":8080", Handler: mux}, // want `servertimeout: \(\*http.Server\).ListenAndServe`
		safe: &http.Server{Addr: ":8081", Handler: mux, ReadTimeout: time.Second},
	}
}

func (a *app) Run() error {
	go func() { _ = a.safe.ListenAndServe() }()
	return a.srv.ListenAndServe()
}

func Start(mux *http.ServeMux) error { return newApp(mux).Run() }

// LoopbackListener serves on a listener bound to loopback: a local port, as for a ListenAndServe address.
func LoopbackListener(mux *http.ServeMux) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	return http.Serve(l, mux)
}

// OpenListener serves on every interface.
func OpenListener(mux *http.ServeMux) error {
	l, err := net.Listen("tcp", ":8080")
	if err != nil {
		return err
	}
	return http.Serve(l, mux) // want `servertimeout: http.Serve serves with a server that has no ReadHeaderTimeout`
}

// Preview is a command that serves a page for its own user and opens it in their browser: a local UI that lives
// as long as the command, not a service facing clients.
func Preview(mux *http.ServeMux, port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return err
	}
	go func() {
		_ = openBrowser("http://localhost" + l.Addr().String())
	}()
	return http.Serve(l, mux)
}

func openBrowser(url string) error {
	var args []string
	switch runtime.GOOS {
	case "darwin":
		args = []string{"open"}
	case "windows":
		args = []string{"cmd", "/c", "start"}
	default:
		args = []string{"xdg-open"}
	}
	return exec.Command(args[0], append(args[1:], url)...).Run()
}

// Publish runs a command too, but opens no browser: it is a server.
func Publish(mux *http.ServeMux, port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return err
	}
	go func() { _ = exec.Command("notify-send", "serving").Run() }()
	return http.Serve(l, mux) // want `servertimeout: http.Serve serves`
}
