package extraction

// DefaultQualityThreshold is the score below which a theme is filtered out with a warning.
const DefaultQualityThreshold = 0.3

// Quality scores how far a theme can be trusted: the model's match confidence (high 1.0,
// medium 0.6, low 0.2), plus 0.2 when it reused a known signature, capped at 1.
func Quality(t *Theme) float64 {
	score := map[string]float64{"high": 1.0, "medium": 0.6, "low": 0.2}[t.MatchConfidence]
	if t.MatchedExisting {
		score += 0.2
	}
	return min(score, 1.0)
}
