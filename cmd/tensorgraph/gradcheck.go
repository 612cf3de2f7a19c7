package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/tensorgraph/tensorgraph/ops/opcheck"
)

// gradcheckRow is one case's outcome; JSON field names are the documented output format.
// The errors are null when not finite (or when the case failed with an error, given in
// "error").
type gradcheckRow struct {
	Op        string   `json:"op"`
	Case      string   `json:"case"`
	MaxRelErr *float64 `json:"max_rel_err"`
	MaxAbsErr *float64 `json:"max_abs_err"`
	OK        bool     `json:"ok"`
	Error     string   `json:"error,omitempty"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func runGradcheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gradcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "one JSON object per case and line instead of a table")
	tol := fs.Float64("tol", 1e-6, "largest max relative error a case may have")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if !(*tol >= 0) {
		return fmt.Errorf("--tol %g: want a non-negative tolerance", *tol)
	}
	results := opcheck.Run(0)
	uncovered := opcheck.Uncovered()

	var tw *tabwriter.Writer
	enc := json.NewEncoder(stdout)
	if !*asJSON {
		tw = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "op\tcase\tmax rel err\tmax abs err\tok")
	}
	failed := 0
	opsSeen := map[string]bool{}
	for _, r := range results {
		opsSeen[r.Case.Op] = true
		row := gradcheckRow{Op: r.Case.Op, Case: r.Case.Name}
		if r.Err != nil {
			row.Error = r.Err.Error()
		} else {
			row.MaxRelErr, row.MaxAbsErr = finite(r.MaxRelErr), finite(r.MaxAbsErr)
			row.OK = r.MaxRelErr <= *tol // false for NaN
		}
		if !row.OK {
			failed++
		}
		if *asJSON {
			if err := enc.Encode(row); err != nil {
				return err
			}
			continue
		}
		rel, abs := "error: "+row.Error, ""
		if r.Err == nil {
			rel, abs = fmt.Sprintf("%.3g", r.MaxRelErr), fmt.Sprintf("%.3g", r.MaxAbsErr)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", row.Op, row.Case, rel, abs, row.OK)
	}
	if !*asJSON {
		if err := tw.Flush(); err != nil {
			return err
		}
		list := "none"
		if len(uncovered) > 0 {
			list = strings.Join(uncovered, ", ")
		}
		fmt.Fprintf(stdout, "\n%d cases over %d ops, %d failed; uncovered differentiable ops: %s\n", len(results), len(opsSeen), failed, list)
	}
	switch {
	case failed > 0 && len(uncovered) > 0:
		return fmt.Errorf("%d of %d cases failed (tolerance %g); differentiable ops without a case: %s", failed, len(results), *tol, strings.Join(uncovered, ", "))
	case failed > 0:
		return fmt.Errorf("%d of %d cases failed (tolerance %g)", failed, len(results), *tol)
	case len(uncovered) > 0:
		return fmt.Errorf("differentiable ops without a case: %s", strings.Join(uncovered, ", "))
	}
	return nil
}
