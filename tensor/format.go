package tensor

import "fmt"

// String is a placeholder until NumPy-style printing lands.
func (t *Tensor) String() string { return fmt.Sprintf("Tensor(%v, %v)", t.dtype, t.shape) }
