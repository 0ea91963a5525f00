// Package admin builds a fiber v3 app that the service mounts under /admin with Use.
package admin

import (
	"os/exec"

	"github.com/gofiber/fiber/v3"
)

// New returns the admin app.
func New() *fiber.App {
	app := fiber.New()
	app.Post("/reindex", reindex)
	return app
}

func reindex(c fiber.Ctx) error {
	return exec.Command("reindex").Run() // want `nocancel: \(\*exec.Cmd\).Run .*reached from POST /admin/reindex \(reindex\)`
}
