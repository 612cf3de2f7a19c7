package random_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/random"
)

// np.random.seed(0); np.random.randn(5).astype(np.float32)
func Example() {
	r := random.New(0)
	for range 5 {
		fmt.Println(float32(r.StandardNormal()))
	}
	// Output:
	// 1.7640524
	// 0.4001572
	// 0.978738
	// 2.2408931
	// 1.867558
}

// np.random.RandomState(0).randint(0, 10, 5)
func ExampleRandomState_Randint() {
	r := random.New(0)
	for range 5 {
		fmt.Print(r.Randint(0, 10), " ")
	}
	fmt.Println()
	// Output: 5 0 3 3 7
}

// np.random.RandomState(0).permutation(10)
func ExampleRandomState_Permutation() {
	fmt.Println(random.New(0).Permutation(10))
	// Output: [2 8 4 9 1 6 7 3 0 5]
}

// a = list(range(6)); np.random.RandomState(1).shuffle(a)
func ExampleRandomState_Shuffle() {
	a := []string{"a", "b", "c", "d", "e", "f"}
	random.New(1).Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i] })
	fmt.Println(a)
	// Output: [c b e a d f]
}

// np.random.RandomState(42).uniform(-1, 1, 3)
func ExampleRandomState_FillUniform() {
	buf := make([]float64, 3)
	random.New(42).FillUniform(buf, -1, 1)
	fmt.Println(buf)
	// Output: [-0.250919762305275 0.9014286128198323 0.4639878836228102]
}

// np.random.RandomState(0).normal(10, 2, 3)
func ExampleRandomState_Normal() {
	r := random.New(0)
	for range 3 {
		fmt.Println(r.Normal(10, 2))
	}
	// Output:
	// 13.528104691935328
	// 10.800314416734446
	// 11.957475968211478
}

// Saving and restoring the state, like get_state/set_state. NumPy's
// RandomState(7) after one standard_normal() reports pos 8 (the first pair
// was rejected) and has_gauss 1.
func ExampleRandomState_State() {
	r := random.New(7)
	r.StandardNormal() // leaves the pair's second value cached
	key, pos, hasGauss, gauss := r.State()
	a := r.StandardNormal()

	var s random.RandomState
	if err := s.SetState(key, pos, hasGauss, gauss); err != nil {
		panic(err)
	}
	fmt.Println(pos, hasGauss, s.StandardNormal() == a)
	// Output: 8 true true
}
