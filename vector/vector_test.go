package vector

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Cosines between quantized vectors stay within 0.01 of the float32 ones, for the dimensions
// embedding models use.
func TestQuantizeKeepsCosines(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, dim := range []int{3, 256, 1536} {
		worst := 0.0
		for range 200 {
			a, b := make([]float32, dim), make([]float32, dim)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
				b[i] = a[i]*0.6 + float32(rng.NormFloat64())*0.8 // cosines around 0.6
			}
			worst = max(worst, math.Abs(cosine(a, b)-cosine(toFloat(Quantize(a)), toFloat(Quantize(b)))))
		}
		if worst > 0.01 {
			t.Errorf("dimension %d: cosine moved by up to %.4f", dim, worst)
		}
	}
}

func TestQuantizeUnusable(t *testing.T) {
	for _, v := range [][]float32{nil, {}, {0, 0, 0}, {1, float32(math.NaN())}, {float32(math.Inf(1)), 0}} {
		if q := Quantize(v); q != nil {
			t.Errorf("Quantize(%v) = %v, want nil", v, q)
		}
	}
	if q := Quantize([]float32{-2, 1, 0.5}); q[0] != -127 || q[1] != 64 || q[2] != 32 {
		t.Errorf("Quantize scales the largest magnitude to 127: %v", q)
	}
}

func toFloat(q Quantized) []float32 {
	out := make([]float32, len(q))
	for i, x := range q {
		out[i] = float32(x)
	}
	return out
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}
