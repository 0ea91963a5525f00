package xormdb

import (
	"net/http"

	"xorm.io/xorm"
)

type Task struct {
	ID    int64
	Title string
	Done  bool
}

type API struct{ engine *xorm.Engine }

func (a *API) task(w http.ResponseWriter, r *http.Request) {
	var t Task
	_, _ = a.engine.ID(r.PathValue("id")).Get(&t) // want `syncdb: \(\*xorm.Session\).Get runs an xorm query on a session with no context`
	var all []Task
	_ = a.engine.Find(&all)                                               // want `syncdb: \(\*xorm.Engine\).Find runs an xorm query with no context`
	_ = a.engine.Where("done = ?", false).Desc("id").Limit(10).Find(&all) // want `syncdb: \(\*xorm.Session\).Find`
	_, _ = a.engine.Insert(&Task{Title: "new"})                           // want `syncdb: \(\*xorm.Engine\).Insert`
	_, _ = a.engine.Exec("update task set done = true")                   // want `syncdb: \(\*xorm.Engine\).Exec`
	n, _ := a.engine.Table("task").Count()                                // want `syncdb: \(\*xorm.Session\).Count`
	_ = n

	sess := a.engine.NewSession()
	defer sess.Close()
	_ = sess.Begin()                          // want `syncdb: \(\*xorm.Session\).Begin`
	_, _ = sess.Insert(&Task{Title: "in tx"}) // want `syncdb: \(\*xorm.Session\).Insert`

	// With the request's context attached, the same calls are cancelled with the request.
	ctx := r.Context()
	_, _ = a.engine.Context(ctx).ID(1).Get(&t)
	_ = a.engine.Context(ctx).Where("done = ?", false).Find(&all)
	s2 := a.engine.NewSession().Context(ctx)
	defer s2.Close()
	_ = s2.Begin()
	_, _ = s2.Insert(&Task{Title: "cancellable"})
	update(a.engine.Context(ctx), &t)
}

// update gets its session from the caller, who may have attached a context: not judged.
func update(s *xorm.Session, t *Task) {
	_, _ = s.ID(t.ID).Update(t)
}

func Routes(mux *http.ServeMux, engine *xorm.Engine) {
	_ = engine.Sync(new(Task)) // start-up
	a := &API{engine: engine}
	mux.HandleFunc("/tasks/{id}", a.task)
}
