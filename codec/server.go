package codec

import (
	"net/http"

	"go.temporal.io/sdk/converter"
)

// Handler is the codec server: POST …/encode and …/decode with `{"payloads": […]}`, as the
// Temporal UI (its codec endpoint setting) and `temporal --codec-endpoint` call it. Browsers
// call it from the UI's origin, so it answers CORS for allowOrigin (e.g. http://localhost:8233);
// an empty allowOrigin sends no CORS headers. Whoever reaches it can decode: serve it where only
// key holders reach it (e.g. on loopback of their own machine).
func Handler(c *Codec, allowOrigin string) http.Handler {
	inner := converter.NewPayloadCodecHTTPHandler(c)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allowOrigin != "" && r.Header.Get("Origin") == allowOrigin {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", allowOrigin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusOK)
			return
		}
		inner.ServeHTTP(w, r)
	})
}
