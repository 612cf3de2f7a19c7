package main

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/internal/seedarticle"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// The article's printed z_l1 and z_l2 (../shared/seeds/README.md).
var articleZ1, articleZ2 = seedarticle.ZL1(), seedarticle.ZL2()

func TestForwardMatchesArticle(t *testing.T) {
	r := run(0)
	for name, want := range map[string][]float64{"z_l1": articleZ1, "z_l2": articleZ2} {
		got := tensor.ToSlice[float32](r.tensors[name])
		if len(got) != len(want) {
			t.Fatalf("%s has %d values", name, len(got))
		}
		for i, w := range want {
			if math.Abs(float64(got[i])-w) > 1e-6 {
				t.Errorf("%s[%d] = %v, article %v", name, i, got[i], w)
			}
		}
	}
}

func TestEveryGradientAgreesWithItsFormula(t *testing.T) {
	r := run(0)
	if len(r.pairs) != 5 {
		t.Fatalf("%d pairs, want 5", len(r.pairs))
	}
	for _, p := range r.pairs {
		if d, ok := agree(p.tape, p.formulaValue); !ok {
			t.Errorf("%s: tape and %q differ by %g", p.name, p.formula, d)
		}
		// Guard against comparing zeros with zeros: every gradient here has nonzero entries.
		if tensor.Max(tensor.Abs(tensor.Cast(p.tape, tensor.Float64))).Item() == 0 {
			t.Errorf("%s is all zeros", p.name)
		}
	}
	// A different seed changes everything and the relations still hold.
	for _, p := range run(7).pairs {
		if d, ok := agree(p.tape, p.formulaValue); !ok {
			t.Errorf("seed 7: %s differs by %g", p.name, d)
		}
	}
	var out bytes.Buffer
	if !report(&out, r) || strings.Contains(out.String(), "DISAGREE") || strings.Count(out.String(), "=> agree") != 5 {
		t.Errorf("printed report:\n%s", out.String())
	}
}

func TestAgreeDetectsDifferences(t *testing.T) {
	a := tensor.FromSlice([]float32{1, 2})
	if _, ok := agree(a, tensor.FromSlice([]float32{1, 2.00001})); ok {
		t.Error("a difference of 1e-5 passed as agreement")
	}
}

func TestJSONNames(t *testing.T) {
	r := run(0)
	want := "x kernel bias dense_kernel dense_bias z_l1 a_l1 z_l2 z_l3 a_l3 loss dl_dz3 dl_dz2 dl_dz1 dl_dx dl_dW dl_db dl_ddense_kernel dl_ddense_bias"
	if got := strings.Join(r.order, " "); got != want {
		t.Errorf("names %s", got)
	}
}
