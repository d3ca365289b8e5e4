package config

import (
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	tlog "go.temporal.io/sdk/log"
)

// loadTemporal reads the Temporal connection the way the Temporal SDKs and the `temporal` CLI do
// (go.temporal.io/sdk/contrib/envconfig): the profile TEMPORAL_PROFILE (default "default") of
// the TOML file TEMPORAL_CONFIG_FILE (default ~/.config/temporalio/temporal.toml, optional),
// then the TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and TEMPORAL_TLS_* variables
// over it. The result holds the TLS settings and credentials; the address and namespace are
// returned apart (defaulting to the local dev server) so command-line flags can override them.
func loadTemporal(getenv func(string) string) (opts client.Options, address, namespace string, err error) {
	env := getenvLookup(getenv)
	profile, err := envconfig.LoadClientConfigProfile(envconfig.LoadClientConfigProfileOptions{EnvLookup: env})
	if err != nil {
		return opts, "", "", fmt.Errorf("Temporal client configuration (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE, TEMPORAL_*): %w", err)
	}
	if opts, err = profile.ToClientOptions(envconfig.ToClientOptionsRequest{}); err != nil {
		return opts, "", "", fmt.Errorf("Temporal client configuration (profile %q): %w", profileName(getenv), err)
	}
	address, namespace = opts.HostPort, opts.Namespace
	if address == "" {
		address = DefaultTemporalAddress
	}
	if namespace == "" {
		namespace = DefaultNamespace
	}
	return opts, address, namespace, nil
}

func profileName(getenv func(string) string) string {
	if p := getenv("TEMPORAL_PROFILE"); p != "" {
		return p
	}
	return envconfig.DefaultConfigFileProfile
}

// ClientOptions are the options to dial Temporal with: the connection settings of the Temporal
// environment configuration with the address and namespace of c (which flags may have changed).
// The worker and the starter dial through it (Dial).
func (c Config) ClientOptions() client.Options {
	opts := c.Temporal
	opts.HostPort, opts.Namespace = c.TemporalAddress, c.Namespace
	return withCodec(opts, c.Codec)
}

// TLSEnabled reports whether the Temporal connection uses TLS.
func (c Config) TLSEnabled() bool {
	return c.Temporal.ConnectionOptions.TLS != nil && !c.Temporal.ConnectionOptions.TLSDisabled
}

// getenvLookup adapts a getenv function to envconfig: an empty variable counts as unset, like
// every other setting here. It lists no variables, so gRPC headers come from a profile's
// grpc_meta table rather than TEMPORAL_GRPC_META_* variables.
type getenvLookup func(string) string

func (g getenvLookup) LookupEnv(key string) (string, bool) {
	v := g(key)
	return v, v != ""
}

func (getenvLookup) Environ() []string { return nil }

// Dial connects a Temporal client with the process's structured logger (the SDK's heartbeats
// canceled with their activity at Debug: sdkLogHandler) and, for a worker that
// serves metrics, the SDK's metrics handler (nil: none). The worker and the starter both dial
// here, with the connection the configuration holds (ClientOptions: the Temporal profile and
// TEMPORAL_* variables, TLS and API key included, under the flags).
func (c Config) Dial(logger *slog.Logger, metrics client.MetricsHandler) (client.Client, error) {
	opts := c.ClientOptions()
	if metrics != nil {
		opts.MetricsHandler = metrics
	}
	opts.Logger = tlog.NewStructuredLogger(slog.New(sdkLogHandler{logger.Handler()}).With("component", "temporal"))
	tc, err := client.Dial(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s, namespace %s (start the local services with `make up`, or set TEMPORAL_ADDRESS or a Temporal profile): %w", c.TemporalAddress, c.Namespace, err)
	}
	return tc, nil
}
