// Command seedcnn reproduces the first source article: the smallest complete CNN, its forward
// pass, and every hand-derived gradient formula checked against the GradientTape.
//
//	x (1,9,9,1) -> Conv2D(1 filter 3x3, stride 2, VALID) -> ReLU -> MaxPool 2x2 -> Flatten
//	  -> Dense(3) -> Softmax -> loss = -sum(y_true * log(y_pred)), y_true = [0.3, 0.5, 0.2]
//
// x is NumPy's np.random.seed(0); randn(1,9,9,1), the kernel is the article's, the bias zero,
// and the Dense weights are Glorot-uniform from the same NumPy-compatible generator. The
// program prints the article's tables in its order and, for each gradient, the tape's value
// beside the formula the article derives, saying whether they agree. With --json it prints
// every tensor as {"name": nested lists}.
package main
