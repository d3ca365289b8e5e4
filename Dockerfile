# syntax=docker/dockerfile:1
#
# Builds the pipeline's two programs: the Temporal worker (the image's entrypoint) and
# the starter CLI. Run the starter from the same image, e.g.
#   docker compose run --rm -v "$PWD/data:/data:ro" --entrypoint /usr/local/bin/starter worker import /data/conversations.jsonl

FROM golang:1.26 AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/ ./worker ./starter

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/worker /out/starter /usr/local/bin/
USER nonroot:nonroot
# Prometheus metrics (METRICS_ADDR=:9090).
EXPOSE 9090
# Temporal is reached through the TEMPORAL_* variables (address, namespace, API key, TLS files)
# or a profile file mounted into the container and named by TEMPORAL_CONFIG_FILE and
# TEMPORAL_PROFILE; see the README's configuration table.
ENTRYPOINT ["/usr/local/bin/worker"]
