// Package importer runs one import at a time, as listmonk's subimporter does: NewSession refuses to start a
// session while one is running, and the handler that starts the session's goroutines is in another package.
package importer

import (
	"bufio"
	"errors"
	"os"
	"sync"
	"time"
)

type Importer struct {
	mu     sync.RWMutex
	status string
	err    error
}

var errNoName = errors.New("no name")

// Session is one import: Start consumes what Load reads.
type Session struct {
	im    *Importer
	queue chan string
}

func (im *Importer) state() string { return im.status }

func (im *Importer) running() bool {
	im.mu.RLock()
	defer im.mu.RUnlock()
	return im.state() == "importing"
}

// NewSession starts an import unless one is running: a single-instance guard, checked and set here.
func (im *Importer) NewSession(name string) (*Session, error) {
	if im.running() {
		return nil, errors.New("an import is already running")
	}
	im.mu.Lock()
	im.status = "importing"
	im.mu.Unlock()
	return &Session{im: im, queue: make(chan string, 8)}, nil
}

// NewBatch checks its argument only: any number of batches run at once.
func (im *Importer) NewBatch(name string) (*Session, error) {
	if name == "" {
		return nil, errors.New("no name")
	}
	return &Session{im: im, queue: make(chan string, 8)}, nil
}

// Stream returns the error the importer last recorded, as gorm's Rows returns tx.Error: a past failure, not a
// refusal to start a second stream.
func (im *Importer) Stream(name string) (*Session, error) {
	if im.err == nil && name == "" {
		im.err = errNoName
	}
	return &Session{im: im, queue: make(chan string, 8)}, im.err
}

// Start imports what the queue carries until Load closes it.
func (s *Session) Start() {
	for line := range s.queue {
		time.Sleep(time.Duration(len(line)) * time.Millisecond)
	}
	s.im.mu.Lock()
	s.im.status = "done"
	s.im.mu.Unlock()
}

// Load reads a file into the queue.
func (s *Session) Load(path string) {
	defer close(s.queue)
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s.queue <- sc.Text()
	}
}
