package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/blockcheck/blockcheck/internal/modular"
)

// printToolID answers go vet's -V=full when a rules file is named by $BLOCKCHECK_RULES, and reports whether it
// did. go vet keys its cache on this line and the flags, not on the files the tool reads: folding the rules
// file's content into the build ID makes an edit to the file invalidate the cached results, as an edit to the
// tool would. The line has the shape go vet parses ("NAME version devel ... buildID=HEX"), as x/tools prints it.
func printToolID(args []string) (bool, error) {
	file := os.Getenv(modular.RulesEnv)
	if len(args) != 1 || args[0] != "-V=full" || file == "" {
		return false, nil
	}
	h := sha256.New()
	exe, err := os.Executable()
	if err != nil {
		return true, err
	}
	for _, name := range []string{exe, file} {
		f, err := os.Open(name)
		if err != nil {
			return true, fmt.Errorf("%s: %w", modular.RulesEnv, err)
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return true, err
		}
	}
	fmt.Printf("%s version devel rules buildID=%02x\n", filepath.Base(os.Args[0]), h.Sum(nil))
	return true, nil
}
