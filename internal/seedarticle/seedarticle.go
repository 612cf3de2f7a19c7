package seedarticle

// Kernel is the 3×3 convolution kernel, row-major (as a [3,3] matrix or HWIO [3,3,1,1]).
func Kernel() []float32 {
	return []float32{
		-0.3447126, -0.23770776, -0.20545131,
		0.40415084, -0.56749415, 0.13746339,
		-0.5106965, -0.36734173, -0.18053415,
	}
}

// XStart is the first five values of x = np.random.seed(0); randn(1,9,9,1) as float32.
func XStart() []float32 { return []float32{1.7640524, 0.4001572, 0.978738, 2.2408931, 1.867558} }

// ZL1 is z_l1 = conv(x, Kernel, stride 2, VALID), 4×4 row-major, as the article prints it.
func ZL1() []float64 {
	return []float64{
		-0.00542112, -0.17352474, -1.3421125, -1.6447177,
		-1.1239526, 1.6031268, 1.1616374, -0.78091574,
		-0.14451274, 1.5910958, 2.1035302, 1.1354219,
		-1.1602874, 1.0651501, 1.8656987, 0.4581319,
	}
}

// ZL2 is z_l2 = maxpool 2×2 of relu(z_l1), 2×2 row-major.
func ZL2() []float64 { return []float64{1.6031268, 1.1616374, 1.5910958, 2.1035302} }

// YTrue is the target distribution of the article's loss.
func YTrue() []float32 { return []float32{0.3, 0.5, 0.2} }
