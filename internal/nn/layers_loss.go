package nn

// CrossEntropy returns the mean cross-entropy of logits (N, C) against the
// class indices targets (length N), as a value of shape (1):
// -1/N * sum_i log softmax(logits_i)[targets_i]. A target outside [0, C)
// contributes nothing (callers validate their labels).
func CrossEntropy(e Exec, logits V, targets []int) V {
	s := logits.Shape()
	n, c := 0, 0
	if len(s) == 2 {
		n, c = s[0], s[1]
	}
	pick := make([]float32, n*c)
	for i, t := range targets {
		if i < n && t >= 0 && t < c {
			pick[i*c+t] = -1 / float32(n)
		}
	}
	picked := e.Mul(LogSoftmax(e, logits, 1), e.Const(newDense(pick, max(n, 1), max(c, 1))))
	return e.Sum(e.Reshape(picked, n*c), 0)
}
