// Package funcfield calls the steps of a pipeline held in a []func() field.
package funcfield

import (
	"net/http"
	"time"
)

type pipeline struct {
	steps []func()
}

func validate() {}

func settle() {
	time.Sleep(time.Millisecond) // want `^time.Sleep pauses the request .*reached from POST /run`
}

func (p *pipeline) run(w http.ResponseWriter, r *http.Request) {
	for _, step := range p.steps {
		step()
	}
}

func Routes(mux *http.ServeMux) {
	p := &pipeline{steps: []func(){validate, settle}}
	mux.HandleFunc("POST /run", p.run)
}
