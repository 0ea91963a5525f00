// Package golangci registers blockcheck as a golangci-lint v2 module plugin named "blockcheck".
//
// Build a custom golangci-lint with it (golangci-lint custom and .golangci-plugin.yml, or make golangci offline),
// then enable it in .golangci.yml:
//
//	version: "2"
//	linters:
//	  enable: [blockcheck]
//	  settings:
//	    custom:
//	      blockcheck:
//	        type: module
//	        description: finds operations that block HTTP handlers without bound
//	        original-url: github.com/blockcheck/blockcheck
//	        settings:
//	          disable: [gospawn]
//	          rules: blockcheck-rules.json
//
// The settings mirror the command's flags; unknown keys are errors. See docs/golangci.md.
package golangci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/blockcheck/blockcheck/analyzers"
	"github.com/blockcheck/blockcheck/internal/modular"
	"github.com/blockcheck/blockcheck/rules"
)

// Name is the name the plugin is registered under: the key under linters.settings.custom, and the name that
// //nolint comments use.
const Name = "blockcheck"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings, under linters.settings.custom.blockcheck.settings.
type Settings struct {
	// Enable lists the analyzers to run; empty means all of them.
	Enable []string `json:"enable"`
	// Disable lists analyzers not to run.
	Disable []string `json:"disable"`
	// Rules is a rules file that extends the default catalog (as the command's -rules flag).
	Rules string `json:"rules"`
	// Tests reports findings in _test.go files too (as the command's -test flag). golangci-lint's run.tests
	// decides whether test files are loaded at all.
	Tests bool `json:"tests"`
	// UnusedIgnores reports //blockcheck:ignore directives that silence nothing (as -unused-ignores).
	UnusedIgnores bool `json:"unused-ignores"`
}

var keys = []string{"enable", "disable", "rules", "tests", "unused-ignores"}

// Plugin is the golangci-lint plugin.
type Plugin struct {
	settings Settings
}

// New decodes the settings and returns the plugin.
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, fmt.Errorf("blockcheck settings: %w (known settings: %s)", err, strings.Join(keys, ", "))
	}
	for _, list := range [][]string{s.Enable, s.Disable} {
		for _, name := range list {
			if !slices.Contains(rules.Analyzers, name) {
				return nil, fmt.Errorf("blockcheck settings: unknown analyzer %q (known analyzers: %s)", name, strings.Join(rules.Analyzers, ", "))
			}
		}
	}
	return &Plugin{settings: s}, nil
}

// BuildAnalyzers returns blockcheck's analyzers, configured by the settings.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	s := p.settings
	var kinds []*analysis.Analyzer
	for _, a := range analyzers.All {
		if len(s.Enable) > 0 && !slices.Contains(s.Enable, a.Name) || slices.Contains(s.Disable, a.Name) {
			continue
		}
		kinds = append(kinds, a)
	}
	// golangci-lint shows each related location as an issue of its own: leave them out. Messages still name the
	// route, the operation and where it is.
	cfg := &modular.Config{Rules: s.Rules, Tests: s.Tests, UnusedIgnores: s.UnusedIgnores, NoRelated: true}
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("blockcheck settings: %w", err)
	}
	return modular.Suite(cfg, kinds), nil
}

// GetLoadMode says that blockcheck needs type information.
func (p *Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
