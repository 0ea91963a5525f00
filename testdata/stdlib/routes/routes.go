// Package routes checks that findings name the routes that really reach them: 32 routes behind one shared
// wrapper (withUser), closures made per registration from a route table, and route tables kept in maps. Every
// fourth handler blocks; each finding must name its own route and no other.
package routes

import (
	"net/http"
	"time"
)

type User struct{ ID string }

type API struct{}

// withUser is the shared wrapper: every route's closure calls the handler it captured, and only that one.
func withUser(fn func(http.ResponseWriter, *http.Request, *User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := &User{ID: r.Header.Get("X-User")}
		fn(w, r, u)
	}
}
func (a *API) r00(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r00 \(withUser.func1\); fix`
}
func (a *API) r01(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r02(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r03(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r04(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r04 \(withUser.func1\); fix`
}
func (a *API) r05(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r06(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r07(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r08(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r08 \(withUser.func1\) and 1 other route; fix`
}
func (a *API) r09(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r10(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r11(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r12(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r12 \(withUser.func1\); fix`
}
func (a *API) r13(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r14(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r15(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r16(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r16 \(withUser.func1\); fix`
}
func (a *API) r17(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r18(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r19(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r20(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r20 \(withUser.func1\); fix`
}
func (a *API) r21(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r22(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r23(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r24(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r24 \(withUser.func1\); fix`
}
func (a *API) r25(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r26(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r27(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r28(w http.ResponseWriter, r *http.Request, u *User) {
	time.Sleep(time.Millisecond) // want `time.Sleep .*; reached from GET /r28 \(withUser.func1\); fix`
}
func (a *API) r29(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r30(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }
func (a *API) r31(w http.ResponseWriter, r *http.Request, u *User) { _ = u.ID }

// Register registers the 32 routes, and r08 a second time.
func Register(mux *http.ServeMux) {
	a := &API{}
	mux.HandleFunc("GET /r00", withUser(a.r00))
	mux.HandleFunc("GET /r01", withUser(a.r01))
	mux.HandleFunc("GET /r02", withUser(a.r02))
	mux.HandleFunc("GET /r03", withUser(a.r03))
	mux.HandleFunc("GET /r04", withUser(a.r04))
	mux.HandleFunc("GET /r05", withUser(a.r05))
	mux.HandleFunc("GET /r06", withUser(a.r06))
	mux.HandleFunc("GET /r07", withUser(a.r07))
	mux.HandleFunc("GET /r08", withUser(a.r08))
	mux.HandleFunc("GET /r09", withUser(a.r09))
	mux.HandleFunc("GET /r10", withUser(a.r10))
	mux.HandleFunc("GET /r11", withUser(a.r11))
	mux.HandleFunc("GET /r12", withUser(a.r12))
	mux.HandleFunc("GET /r13", withUser(a.r13))
	mux.HandleFunc("GET /r14", withUser(a.r14))
	mux.HandleFunc("GET /r15", withUser(a.r15))
	mux.HandleFunc("GET /r16", withUser(a.r16))
	mux.HandleFunc("GET /r17", withUser(a.r17))
	mux.HandleFunc("GET /r18", withUser(a.r18))
	mux.HandleFunc("GET /r19", withUser(a.r19))
	mux.HandleFunc("GET /r20", withUser(a.r20))
	mux.HandleFunc("GET /r21", withUser(a.r21))
	mux.HandleFunc("GET /r22", withUser(a.r22))
	mux.HandleFunc("GET /r23", withUser(a.r23))
	mux.HandleFunc("GET /r24", withUser(a.r24))
	mux.HandleFunc("GET /r25", withUser(a.r25))
	mux.HandleFunc("GET /r26", withUser(a.r26))
	mux.HandleFunc("GET /r27", withUser(a.r27))
	mux.HandleFunc("GET /r28", withUser(a.r28))
	mux.HandleFunc("GET /r29", withUser(a.r29))
	mux.HandleFunc("GET /r30", withUser(a.r30))
	mux.HandleFunc("GET /r31", withUser(a.r31))
	mux.HandleFunc("GET /again/r08", withUser(a.r08))
}
