package gormdb

import (
	"net/http"

	"gorm.io/gorm"
)

type Product struct {
	ID    uint
	Code  string
	Price uint
}

type API struct{ db *gorm.DB }

var global *gorm.DB

func (a *API) product(w http.ResponseWriter, r *http.Request) {
	var p Product
	a.db.First(&p, r.PathValue("id"))                            // want `syncdb: \(\*gorm.DB\).First runs a gorm query on a handle with no context`
	a.db.Where("code = ?", "D42").Order("id").Find(&[]Product{}) // want `syncdb: \(\*gorm.DB\).Find`
	global.Model(&p).Update("Price", 200)                        // want `syncdb: \(\*gorm.DB\).Update`

	a.db.WithContext(r.Context()).First(&p, 1)
	a.db.WithContext(r.Context()).Where("code = ?", "D42").Find(&[]Product{})
	db := a.db.WithContext(r.Context())
	db.Create(&Product{Code: "D43"})
	save(db, &p)
}

// save gets its handle from the caller, who may have attached a context: not judged.
func save(db *gorm.DB, p *Product) {
	db.Save(p)
}

func Routes(mux *http.ServeMux, db *gorm.DB) {
	global = db
	db.AutoMigrate(&Product{}) // start-up
	a := &API{db: db}
	mux.HandleFunc("/products/{id}", a.product)
}
