// Package jinzhugorm is a service on jinzhu/gorm v1, which has no context API: every query runs on database/sql
// without one (through gorm's SQLCommon interface). The rules give every v1 query one cause, which moving to
// gorm.io/gorm removes: the calls are reported once, at the first call of the shortest path, with the others as
// related information, not once per call.
package jinzhugorm

import (
	"net/http"

	"github.com/jinzhu/gorm"
)

type User struct {
	ID   int64
	Name string
}

var db *gorm.DB

func user(w http.ResponseWriter, r *http.Request) {
	var u User
	db.Where("id = ?", r.PathValue("id")).First(&u) // want `syncdb: \(\*gorm.DB\).First runs a jinzhu/gorm \(v1\) query, and v1 has no context API.*the same at 6 other calls`
	var all []User
	db.Order("name").Find(&all) // gathered into the finding at First
	n := 0
	db.Model(&User{}).Count(&n) // gathered into the finding at First
	var friends []User
	db.Model(&u).Association("Friends").Find(&friends) // gathered into the finding at First
	q := db.Where("name = ?", "x")                     // builds a query: nothing runs yet
	_ = q
	w.Write([]byte(u.Name))
}

func save(w http.ResponseWriter, r *http.Request) {
	u := User{Name: r.FormValue("name")}
	tx := db.Begin() // gathered into the finding at First
	tx.Save(&u)      // gathered into the finding at First
	tx.Commit()      // ends what Begin started: the transaction is reported once, at Begin
	rename(db, u.ID)
}

// rename is a helper given the handle: the query is reported where it runs.
func rename(h *gorm.DB, id int64) {
	h.Model(&User{ID: id}).Update("name", "y") // gathered into the finding at First
}

// Routes opens the database at start-up (not a request) and registers the handlers.
func Routes(mux *http.ServeMux) error {
	var err error
	db, err = gorm.Open("postgres", "host=127.0.0.1")
	if err != nil {
		return err
	}
	db.AutoMigrate(&User{})
	db.Exec("create index if not exists users_name on users (name)")
	mux.HandleFunc("GET /users/{id}", user)
	mux.HandleFunc("POST /users", save)
	return nil
}
