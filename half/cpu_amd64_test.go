//go:build amd64 && linux && !purego

package half

import (
	"os"
	"strings"
	"testing"
)

// TestDetectMatchesCPUInfo cross-checks the CPUID detection against the
// flags Linux reports.
func TestDetectMatchesCPUInfo(t *testing.T) {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Fatal("Linux without /proc/cpuinfo:", err)
	}
	var flags []string
	for line := range strings.Lines(string(data)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			flags = strings.Fields(v)
			break
		}
	}
	if flags == nil {
		t.Fatal("no flags line in /proc/cpuinfo")
	}
	has := func(f string) bool {
		for _, x := range flags {
			if x == f {
				return true
			}
		}
		return false
	}
	want := has("avx") && has("avx2") && has("f16c")
	if asmSupported != want {
		t.Errorf("asmSupported = %v, but /proc/cpuinfo flags avx=%v avx2=%v f16c=%v", asmSupported, has("avx"), has("avx2"), has("f16c"))
	}
}
