package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/op"
)

func TestGradcheckCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"gradcheck", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	seen := map[string]bool{}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	for _, line := range lines {
		var row struct {
			Op        string   `json:"op"`
			Case      string   `json:"case"`
			MaxRelErr *float64 `json:"max_rel_err"`
			MaxAbsErr *float64 `json:"max_abs_err"`
			OK        *bool    `json:"ok"`
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if row.Op == "" || row.Case == "" || row.MaxRelErr == nil || row.MaxAbsErr == nil || row.OK == nil {
			t.Errorf("incomplete line %q", line)
			continue
		}
		if !*row.OK {
			t.Errorf("case %s (%s) not ok: %q", row.Case, row.Op, line)
		}
		seen[row.Op] = true
	}
	for _, name := range op.List() {
		d, err := op.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if !d.NotDifferentiable && !seen[name] {
			t.Errorf("differentiable op %s appears in no line", name)
		}
	}
	if len(seen) == 0 {
		t.Fatalf("no lines: %q", out.String())
	}
}

func TestGradcheckTableAndTolerance(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"gradcheck"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "0 failed; uncovered differentiable ops: none") {
		t.Errorf("summary missing: %s", out.String())
	}
	// A negative tolerance is rejected: exit 1.
	out.Reset()
	errb.Reset()
	if code := run([]string{"gradcheck", "--tol", "-1"}, &out, &errb); code != 1 {
		t.Errorf("--tol -1: exit %d", code)
	}
}
