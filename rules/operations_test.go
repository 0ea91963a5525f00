package rules_test

import (
	"strings"
	"testing"

	"github.com/blockcheck/blockcheck/rules"
)

// TestOperations checks that the default catalog words every language operation, that a user's file can reword
// one (the last rule wins), and that an unknown op is an error.
func TestOperations(t *testing.T) {
	cat, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range rules.Ops {
		if o, ok := cat.Operation(op); !ok || o.Why == "" {
			t.Errorf("default catalog: no wording for %q", op)
		}
	}
	more, err := rules.Parse([]byte(`{"operations": [{"op": "send", "analyzer": "chanwait", "name": "send", "why": "blocks the handler"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := cat.Merge(more).Operation("send"); o.Why != "blocks the handler" {
		t.Errorf("reworded send: got %+v", o)
	}
	_, err = rules.Parse([]byte(`{"operations": [{"op": "wait", "analyzer": "chanwait", "why": "x"}]}`))
	if err == nil || !strings.Contains(err.Error(), `unknown op "wait"`) {
		t.Errorf("unknown op: err = %v", err)
	}
}
