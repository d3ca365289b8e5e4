package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pki writes a CA certificate and a client certificate and key signed by it into dir.
type pki struct{ ca, cert, key string }

func writePKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	clientKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clientTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "worker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	clientDER, err := x509.CreateCertificate(rand.Reader, clientTmpl, caTmpl, &clientKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(clientKey)
	if err != nil {
		t.Fatal(err)
	}
	p := pki{ca: filepath.Join(dir, "ca.pem"), cert: filepath.Join(dir, "client.pem"), key: filepath.Join(dir, "client.key")}
	for path, block := range map[string]*pem.Block{
		p.ca:   {Type: "CERTIFICATE", Bytes: caDER},
		p.cert: {Type: "CERTIFICATE", Bytes: clientDER},
		p.key:  {Type: "EC PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// missingFile is a config file path that does not exist, so no user's file is read.
func missingFile(t *testing.T) string { return filepath.Join(t.TempDir(), "absent.toml") }

func assertSecured(t *testing.T, c Config, address, namespace, serverName string) {
	t.Helper()
	o := c.ClientOptions()
	if o.HostPort != address || o.Namespace != namespace {
		t.Errorf("dial %s namespace %s, want %s namespace %s", o.HostPort, o.Namespace, address, namespace)
	}
	tls := o.ConnectionOptions.TLS
	if tls == nil || o.ConnectionOptions.TLSDisabled || !c.TLSEnabled() {
		t.Fatalf("TLS is not enabled: %+v", o.ConnectionOptions)
	}
	if len(tls.Certificates) != 1 {
		t.Errorf("%d client certificates, want 1", len(tls.Certificates))
	}
	if tls.RootCAs == nil {
		t.Error("the server CA is not trusted: RootCAs is nil")
	}
	if tls.ServerName != serverName {
		t.Errorf("TLS server name %q, want %q", tls.ServerName, serverName)
	}
	if o.Credentials == nil {
		t.Error("no credentials: the API key is lost")
	}
}

func TestTemporalProfileFromFile(t *testing.T) {
	p := writePKI(t)
	file := filepath.Join(t.TempDir(), "temporal.toml")
	toml := `
[profile.default]
address = "localhost:7233"

[profile.cloud]
address = "feedback.a1b2c.tmprl.cloud:7233"
namespace = "feedback.a1b2c"
api_key = "key-from-file"

[profile.cloud.tls]
client_cert_path = "` + p.cert + `"
client_key_path = "` + p.key + `"
server_ca_cert_path = "` + p.ca + `"
server_name = "feedback.a1b2c.tmprl.cloud"
`
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(envOf(map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_PROFILE": "cloud"}))
	if err != nil {
		t.Fatal(err)
	}
	assertSecured(t, c, "feedback.a1b2c.tmprl.cloud:7233", "feedback.a1b2c", "feedback.a1b2c.tmprl.cloud")

	// Variables override the profile, and flags (assigned to the Config) override both while
	// the TLS settings and credentials stay.
	c, err = Load(envOf(map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_PROFILE": "cloud", "TEMPORAL_NAMESPACE": "staging.a1b2c"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Namespace != "staging.a1b2c" {
		t.Errorf("namespace %q, want TEMPORAL_NAMESPACE's staging.a1b2c", c.Namespace)
	}
	c.TemporalAddress, c.Namespace = "other.tmprl.cloud:7233", "flag-ns"
	assertSecured(t, c, "other.tmprl.cloud:7233", "flag-ns", "feedback.a1b2c.tmprl.cloud")

	// The default profile applies when none is named.
	c, err = Load(envOf(map[string]string{"TEMPORAL_CONFIG_FILE": file}))
	if err != nil {
		t.Fatal(err)
	}
	if c.TemporalAddress != "localhost:7233" || c.Namespace != DefaultNamespace || c.TLSEnabled() || c.Temporal.Credentials != nil {
		t.Errorf("default profile: %s/%s tls %v credentials %v", c.TemporalAddress, c.Namespace, c.TLSEnabled(), c.Temporal.Credentials != nil)
	}

	// A profile that is named must exist.
	_, err = Load(envOf(map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_PROFILE": "prod"}))
	if err == nil || !strings.Contains(err.Error(), "prod") {
		t.Errorf("unknown profile: err %v, want one naming it", err)
	}
}

func TestTemporalFromEnvironment(t *testing.T) {
	p := writePKI(t)
	c, err := Load(envOf(map[string]string{
		"TEMPORAL_CONFIG_FILE":             missingFile(t),
		"TEMPORAL_ADDRESS":                 "temporal.internal:7233",
		"TEMPORAL_NAMESPACE":               "feedback",
		"TEMPORAL_API_KEY":                 "key-from-env",
		"TEMPORAL_TLS_CLIENT_CERT_PATH":    p.cert,
		"TEMPORAL_TLS_CLIENT_KEY_PATH":     p.key,
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH": p.ca,
		"TEMPORAL_TLS_SERVER_NAME":         "temporal.internal",
	}))
	if err != nil {
		t.Fatal(err)
	}
	assertSecured(t, c, "temporal.internal:7233", "feedback", "temporal.internal")

	// An API key alone turns TLS on (as Temporal Cloud needs).
	c, err = Load(envOf(map[string]string{"TEMPORAL_CONFIG_FILE": missingFile(t), "TEMPORAL_API_KEY": "k"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.TLSEnabled() || c.Temporal.Credentials == nil {
		t.Errorf("API key only: tls %v, credentials %v; want both", c.TLSEnabled(), c.Temporal.Credentials != nil)
	}

	// A certificate without its key is a configuration error, not a plain-text connection.
	_, err = Load(envOf(map[string]string{"TEMPORAL_CONFIG_FILE": missingFile(t), "TEMPORAL_TLS_CLIENT_CERT_PATH": p.cert}))
	if err == nil {
		t.Error("client certificate without key: no error")
	}
}

func TestTemporalDefaultsToTheLocalDevServer(t *testing.T) {
	c, err := Load(envOf(map[string]string{"TEMPORAL_CONFIG_FILE": missingFile(t)}))
	if err != nil {
		t.Fatal(err)
	}
	o := c.ClientOptions()
	if o.HostPort != DefaultTemporalAddress || o.Namespace != DefaultNamespace {
		t.Errorf("dial %s namespace %s, want %s namespace %s", o.HostPort, o.Namespace, DefaultTemporalAddress, DefaultNamespace)
	}
	if c.TLSEnabled() || o.Credentials != nil {
		t.Errorf("local dev server: tls %v credentials %v, want neither", c.TLSEnabled(), o.Credentials != nil)
	}
}
