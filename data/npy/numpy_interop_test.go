//go:build numpy

package npy

import (
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// TestNumPyReadsOurFiles has NumPy load what we write. It runs NumPy, so it is built only with
// -tags numpy (CI installs python3-numpy and runs it); it fails, never skips, without NumPy.
func TestNumPyReadsOurFiles(t *testing.T) {
	// Debian's python3-numpy lives with /usr/bin/python3, which need not be first in PATH.
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import numpy").Run() == nil {
			python = path
			break
		}
	}
	if python == "" {
		t.Fatal("no python3 with numpy: install Debian's python3-numpy or run without -tags numpy")
	}
	dir := t.TempDir()
	arrays := map[string]*tensor.Tensor{}
	for _, dt := range tensor.DTypes() {
		for _, order := range []tensor.Order{tensor.RowMajor, tensor.ColMajor} {
			name := dt.String() + "_" + order.String()
			x := patterned(t, dt, order, 3, 4)
			arrays[name] = x
			if err := WriteFile(filepath.Join(dir, name+".npy"), x); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := WriteNPZ(filepath.Join(dir, "stored.npz"), arrays, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteNPZ(filepath.Join(dir, "compressed.npz"), arrays, true); err != nil {
		t.Fatal(err)
	}
	// For each array NumPy prints: name dtype.str shape fortran hex(C-order bytes).
	script := `
import sys, os, numpy as np
d = sys.argv[1]
def show(name, a):
    print(name, a.dtype.str, list(a.shape), bool(a.flags.f_contiguous and not a.flags.c_contiguous and a.ndim > 1), np.ascontiguousarray(a).tobytes().hex())
for f in sorted(os.listdir(d)):
    p = os.path.join(d, f)
    if f.endswith(".npy"):
        show(f[:-4], np.load(p))
    else:
        with np.load(p) as z:
            for k in sorted(z.files):
                show(f + ":" + k, z[k])
`
	out, err := exec.Command(python, "-c", script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy failed: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3*len(arrays) {
		t.Fatalf("numpy printed %d lines, want %d:\n%s", len(lines), 3*len(arrays), out)
	}
	for _, line := range lines {
		f := strings.Fields(line)
		name := f[0]
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		x := arrays[name]
		descr, _ := descrOf(x.DType())
		if descr == "<V2" {
			descr = "|V2" // NumPy reports its own void dtype without byte order
		}
		fortran := strings.HasSuffix(name, "ColMajor")
		want := strings.Join([]string{descr, "[3,", "4]", map[bool]string{true: "True", false: "False"}[fortran], hex.EncodeToString(rowMajorBytes(x))}, " ")
		if got := strings.Join(f[1:], " "); got != want {
			t.Errorf("%s: numpy saw\n %s\nwant\n %s", f[0], got, want)
		}
	}
}
