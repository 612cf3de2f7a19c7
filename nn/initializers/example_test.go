package initializers_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/nn/initializers"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func ExampleGlorotUniform() {
	// The same values as np.random.RandomState(0).uniform(-l, l, size=(2, 3)), l = sqrt(6/5).
	w := initializers.GlorotUniform().Initialize(random.New(0), tensor.Float32, 2, 3)
	fmt.Println(w.Shape(), tensor.ToSlice[float32](w))
	// Output: [2,3] [0.10694503 0.4714563 0.22514328 0.098334126 -0.16726395 0.31963798]
}
