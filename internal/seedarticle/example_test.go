package seedarticle_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/internal/seedarticle"
)

func ExampleZL2() {
	fmt.Println(seedarticle.ZL2())
	// Output: [1.6031268 1.1616374 1.5910958 2.1035302]
}
