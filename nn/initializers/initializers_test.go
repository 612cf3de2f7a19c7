package initializers

import (
	"math"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func TestGlorotUniformMatchesNumPy(t *testing.T) {
	// rs = np.random.RandomState(0); l = np.sqrt(6/7)
	// [float(v) for v in rs.uniform(-l, l, size=(4,3)).astype(np.float32).ravel()]  (NumPy 1.24)
	want := []float32{0.09038504958152771, 0.3984532952308655, 0.19028079509735107, 0.08310750871896744,
		-0.14136384427547455, 0.27014341950416565, -0.11556603014469147, 0.7254226207733154,
		0.8585366010665894, -0.21582436561584473, 0.5401698350906372, 0.053502995520830154}
	got := GlorotUniform().Initialize(random.New(0), tensor.Float32, 4, 3)
	if !got.Shape().Equal(tensor.Shape{4, 3}) {
		t.Fatal(got.Shape())
	}
	for i, v := range tensor.ToSlice[float32](got) {
		if v != want[i] {
			t.Errorf("[%d] = %v, NumPy %v", i, v, want[i])
		}
	}
}

func TestRandomNormalMatchesNumPy(t *testing.T) {
	// [float(v) for v in np.random.RandomState(7).normal(0, 0.05, size=6).astype(np.float32)]
	want := []float32{0.08452628552913666, -0.023296868428587914, 0.0016410081880167127,
		0.0203758142888546, -0.0394461527466774, 0.00010327864583814517}
	got := tensor.ToSlice[float32](RandomNormal{0, 0.05}.Initialize(random.New(7), tensor.Float32, 6))
	for i, v := range got {
		if v != want[i] {
			t.Errorf("[%d] = %v, NumPy %v", i, v, want[i])
		}
	}
}

func TestOrthogonalMatchesNumPyQR(t *testing.T) {
	// rs = np.random.RandomState(42); a = rs.standard_normal((5,3)); q, r = np.linalg.qr(a)
	// q = q * np.sign(np.diag(r)); q.T.ravel()   -- shape [3,5] takes the transposed 5x3 factor.
	want := []float64{0.21349145, 0.65460961, 0.67875747, 0.23319636, 0.10399719,
		-0.0680229, -0.11947159, 0.35038298, -0.22095713, -0.89972726,
		0.76450979, 0.3029016, -0.48967718, 0.00433038, -0.28978081}
	got := Orthogonal{Gain: 1}.Initialize(random.New(42), tensor.Float64, 3, 5)
	for i, v := range tensor.ToSlice[float64](got) {
		if math.Abs(v-want[i]) > 1e-8 {
			t.Errorf("[%d] = %v, NumPy %v", i, v, want[i])
		}
	}
	// Columns of a tall result are orthonormal: QᵀQ = I.
	q := Orthogonal{Gain: 2}.Initialize(random.New(1), tensor.Float64, 2, 4, 3) // flattened to [8,3]
	m := q.Reshape(8, 3)
	for a := range 3 {
		for b := range 3 {
			dot := 0.0
			for i := range 8 {
				dot += m.Float64(i, a) * m.Float64(i, b)
			}
			want := 0.0
			if a == b {
				want = 4 // gain²
			}
			if math.Abs(dot-want) > 1e-12 {
				t.Errorf("column %d·%d = %v, want %v", a, b, dot, want)
			}
		}
	}
}

func TestVarianceScalingStatistics(t *testing.T) {
	// A [3,3,64,32] conv kernel: fan_in = 3·3·64 = 576. He normal wants variance 2/576.
	shape := []int{3, 3, 64, 32}
	fi, fo := Fans(shape)
	if fi != 576 || fo != 288 {
		t.Fatalf("fans %v %v, want 576 288 (Keras _compute_fans)", fi, fo)
	}
	x := tensor.ToSlice[float64](HeNormal().Initialize(random.New(3), tensor.Float64, shape...))
	var s, s2, peak float64
	for _, v := range x {
		s += v
		s2 += v * v
		peak = math.Max(peak, math.Abs(v))
	}
	n := float64(len(x))
	variance := s2/n - (s/n)*(s/n)
	// 18432 samples: the sample variance is within a few percent of 2/576.
	if want := 2.0 / 576; math.Abs(variance-want)/want > 0.05 {
		t.Errorf("He normal variance %v, want %v", variance, want)
	}
	if bound := 2 * math.Sqrt(2.0/576) / truncatedStdRatio; peak > bound {
		t.Errorf("truncated normal produced %v beyond 2σ = %v", peak, bound)
	}
	u := tensor.ToSlice[float64](HeUniform().Initialize(random.New(3), tensor.Float64, shape...))
	limit := math.Sqrt(6.0 / 576)
	for _, v := range u {
		if v < -limit || v >= limit {
			t.Fatalf("He uniform value %v outside ±%v", v, limit)
		}
	}
}

func TestGet(t *testing.T) {
	for _, name := range []string{"zeros", "ones", "random_uniform", "random_normal", "truncated_normal",
		"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal", "orthogonal"} {
		in, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := in.Initialize(random.New(0), tensor.Float32, 4, 5); !got.Shape().Equal(tensor.Shape{4, 5}) {
			t.Errorf("%s: shape %v", name, got.Shape())
		}
	}
	if _, err := Get("glorot"); err == nil || !strings.Contains(err.Error(), `"glorot"`) {
		t.Errorf("unknown name: %v", err)
	}
	if v := (Constant{2.5}).Initialize(nil, tensor.Float16, 2).Float64(1); v != 2.5 {
		t.Errorf("Constant float16 = %v", v)
	}
}
