package cli

import (
	"github.com/blockcheck/blockcheck/internal/report"
	"github.com/blockcheck/blockcheck/internal/whole"
)

func htmlData(res *whole.Result, wd string, rs []report.Rule) *report.Page {
	return nil
}
