package llm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// embedRequest makes one embeddings request. Vectors are asked for as base64 of little-endian
// float32, as the official clients ask for them: a quarter of the bytes of decimal floats, and
// no float parsing on either side. An OpenAI-compatible server that refuses base64, or answers
// floats anyway, gets the same request again at once with decimal floats (fellBack: a second
// request was made), and every later request of the client asks for floats.
func (c *Client) embedRequest(ctx context.Context, inputs []string) (resp openai.EmbeddingResponse, fellBack bool, err error) {
	req := openai.EmbeddingRequestStrings{Input: inputs, Model: openai.EmbeddingModel(c.cfg.EmbeddingModel)}
	if !c.floatEmbeddings.Load() {
		req.EncodingFormat = openai.EmbeddingEncodingFormatBase64
		resp, err = c.api.CreateEmbeddings(ctx, req)
		if err == nil || !base64Unsupported(err) {
			return resp, false, err
		}
		c.floatEmbeddings.Store(true)
		c.logger.Warn("the embeddings API does not answer base64: asking for decimal floats from now on",
			"model", c.cfg.EmbeddingModel, "error", redactKey(err.Error()))
		fellBack = true
	}
	req.EncodingFormat = openai.EmbeddingEncodingFormatFloat
	resp, err = c.api.CreateEmbeddings(ctx, req)
	return resp, fellBack, err
}

// base64Unsupported says whether a base64 embeddings request failed for its format: a 400 that
// names encoding_format, or an answer that is not base64 (decimal floats where a string was
// asked for).
func base64Unsupported(err error) bool {
	var typeErr *json.UnmarshalTypeError
	var corrupt base64.CorruptInputError
	if errors.As(err, &typeErr) || errors.As(err, &corrupt) {
		return true
	}
	status, e := apiFields(err)
	return status == http.StatusBadRequest &&
		(strings.EqualFold(e.param, "encoding_format") || strings.Contains(strings.ToLower(e.message), "encoding_format"))
}
