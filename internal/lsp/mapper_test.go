package lsp

import (
	"testing"
	"time"
)

// TestMapper checks UTF-16 columns: "é" is one unit in two bytes, "𝄞" two units in four bytes.
func TestMapper(t *testing.T) {
	text := []byte("ab\né𝄞x\n\nlast")
	m := newMapper(text)
	for _, tc := range []struct {
		off int
		pos Position
	}{
		{0, Position{0, 0}},
		{2, Position{0, 2}},         // the newline
		{3, Position{1, 0}},         // é
		{5, Position{1, 1}},         // 𝄞
		{9, Position{1, 3}},         // x
		{11, Position{2, 0}},        // the empty line
		{len(text), Position{3, 4}}, // the end, with no newline
	} {
		if got := m.position(tc.off); got != tc.pos {
			t.Errorf("position(%d) = %v, want %v", tc.off, got, tc.pos)
		}
		if got := m.offset(tc.pos); got != tc.off {
			t.Errorf("offset(%v) = %d, want %d", tc.pos, got, tc.off)
		}
	}
	// A column past the end of its line is the line's end; a line past the end is the end.
	if got := m.offset(Position{0, 99}); got != 2 {
		t.Errorf("offset past the line's end = %d, want 2", got)
	}
	if got := m.offset(Position{9, 0}); got != len(text) {
		t.Errorf("offset past the last line = %d, want %d", got, len(text))
	}
	if got := string(applyChange(text, Range{Position{1, 1}, Position{1, 3}}, "y")); got != "ab\néyx\n\nlast" {
		t.Errorf("applyChange = %q", got)
	}
}

func TestMinimalEdit(t *testing.T) {
	m := newMapper([]byte("a\nbéc\nd\n"))
	e := minimalEdit(m, []byte("a\nbèc\nd\n"))
	if e.Range != (Range{Position{1, 1}, Position{1, 2}}) || e.NewText != "è" {
		t.Errorf("minimalEdit = %+v, want é replaced by è alone", e)
	}
}

func TestParseSettings(t *testing.T) {
	st, err := parseSettings([]byte(`{"blockcheck": {"analyzers": {"sleep": false}, "tests": true, "debounce": "1s"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if st.Analyzers["sleep"] || !st.Tests || st.debounce != time.Second || st.progressDelay != defaultSettings().progressDelay {
		t.Errorf("settings %+v", st)
	}
	if _, err := parseSettings([]byte(`{"debounce": "soon"}`)); err == nil {
		t.Error("a bad duration was accepted")
	}
	if st, err := parseSettings(nil); err != nil || st.debounce != defaultSettings().debounce {
		t.Errorf("no settings: %+v, %v", st, err)
	}
}
