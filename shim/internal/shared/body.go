package shared

import (
	"io"
	"sync"
)

// OnBodyDone returns body with done called once, when the body has been read to its end or closed: the moment a
// client middleware may give back what the exchange held (its context, a permit).
func OnBodyDone(body io.ReadCloser, done func()) io.ReadCloser {
	return &doneBody{ReadCloser: body, done: done}
}

type doneBody struct {
	io.ReadCloser
	done func()
	once sync.Once
}

func (b *doneBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *doneBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}
