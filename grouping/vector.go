package grouping

import (
	"math"

	"feedbackpipe/vector"
)

// This file holds the vector arithmetic.

// addUnit adds v, normalised, to sum; false when v is missing, of another length or zero.
func addUnit(sum []float64, v vector.Quantized) bool {
	if len(v) != len(sum) || len(v) == 0 {
		return false
	}
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return false
	}
	inv := 1 / math.Sqrt(n)
	for d, x := range v {
		sum[d] += float64(x) * inv
	}
	return true
}

func cosine(a, b []float64) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	na, nb := dot(a, a), dot(b, b)
	if na == 0 || nb == 0 {
		return 0
	}
	return dot(a, b) / math.Sqrt(na*nb)
}

// dot is a dot product with four accumulators (fewer dependent adds, same result order).
func dot[F float32 | float64](a, b []F) F {
	b = b[:len(a)]
	var s0, s1, s2, s3 F
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func dotMixed(a []float32, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(a); i += 2 {
		s0 += float64(a[i]) * b[i]
		s1 += float64(a[i+1]) * b[i+1]
	}
	for ; i < len(a); i++ {
		s0 += float64(a[i]) * b[i]
	}
	return s0 + s1
}
