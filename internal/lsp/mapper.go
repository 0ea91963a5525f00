package lsp

import (
	"unicode/utf16"
	"unicode/utf8"
)

// A mapper converts between byte offsets in a file's content and LSP positions, whose columns count UTF-16 code
// units.
type mapper struct {
	content []byte
	lines   []int // offset of the start of each line
}

func newMapper(content []byte) *mapper {
	m := &mapper{content: content, lines: []int{0}}
	for i, b := range content {
		if b == '\n' {
			m.lines = append(m.lines, i+1)
		}
	}
	return m
}

// position returns the position of a byte offset (clamped to the content).
func (m *mapper) position(off int) Position {
	off = max(0, min(off, len(m.content)))
	line := 0
	lo, hi := 0, len(m.lines)
	for lo < hi { // the last line starting at or before off
		mid := (lo + hi) / 2
		if m.lines[mid] <= off {
			line, lo = mid, mid+1
		} else {
			hi = mid
		}
	}
	return Position{Line: line, Character: utf16Len(m.content[m.lines[line]:off])}
}

// offset returns the byte offset of a position; a column past the end of its line is the line's end.
func (m *mapper) offset(p Position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(m.lines) {
		return len(m.content)
	}
	start := m.lines[p.Line]
	end := len(m.content)
	if p.Line+1 < len(m.lines) {
		end = m.lines[p.Line+1] - 1 // the newline
	}
	off, units := start, 0
	for off < end && units < p.Character {
		r, size := utf8.DecodeRune(m.content[off:]) // an invalid byte is U+FFFD: one unit
		units += utf16.RuneLen(r)
		off += size
	}
	return off
}

func (m *mapper) rangeOf(start, end int) Range {
	return Range{Start: m.position(start), End: m.position(end)}
}

func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b) // an invalid byte is U+FFFD: one unit
		n += utf16.RuneLen(r)
		b = b[size:]
	}
	return n
}

// applyChange applies an incremental change to a document's text.
func applyChange(text []byte, r Range, newText string) []byte {
	m := newMapper(text)
	start, end := m.offset(r.Start), m.offset(r.End)
	if end < start {
		start, end = end, start
	}
	out := make([]byte, 0, len(text)-(end-start)+len(newText))
	out = append(out, text[:start]...)
	out = append(out, newText...)
	return append(out, text[end:]...)
}
