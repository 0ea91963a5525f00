// Package jinzhugorm is a service on jinzhu/gorm v1, which has no context API: every query runs on database/sql
// without one (through gorm's SQLCommon interface), and is reported at the gorm call that runs it.
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
	db.Where("id = ?", r.PathValue("id")).First(&u) // want `syncdb: \(\*gorm.DB\).First runs a jinzhu/gorm \(v1\) query, and v1 has no context API`
	var all []User
	db.Order("name").Find(&all) // want `syncdb: \(\*gorm.DB\).Find`
	n := 0
	db.Model(&User{}).Count(&n) // want `syncdb: \(\*gorm.DB\).Count`
	var friends []User
	db.Model(&u).Association("Friends").Find(&friends) // want `syncdb: \(\*gorm.Association\).Find`
	q := db.Where("name = ?", "x")                     // builds a query: nothing runs yet
	_ = q
	w.Write([]byte(u.Name))
}

func save(w http.ResponseWriter, r *http.Request) {
	u := User{Name: r.FormValue("name")}
	tx := db.Begin() // want `syncdb: \(\*gorm.DB\).Begin`
	tx.Save(&u)      // want `syncdb: \(\*gorm.DB\).Save`
	tx.Commit()      // ends what Begin started: the transaction is reported once, at Begin
	rename(db, u.ID)
}

// rename is a helper given the handle: the query is reported where it runs.
func rename(h *gorm.DB, id int64) {
	h.Model(&User{ID: id}).Update("name", "y") // want `syncdb: \(\*gorm.DB\).Update`
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
