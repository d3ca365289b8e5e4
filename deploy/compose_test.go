package deploy

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

const composeFile = "../docker-compose.yml"

// The services of the team deployment.
const (
	postgresSvc = "postgres"
	temporalSvc = "temporal"
	attrsSvc    = "temporal-admin-tools"
	uiSvc       = "temporal-ui"
	workerSvc   = "worker"
)

// passThrough are the worker's variables taken from the host environment.
var passThrough = []string{"OPENAI_BASE_URL", "OPENAI_API_KEY", "LLM_MODEL", "EMBEDDING_MODEL"}

// load reads docker-compose.yml as `docker compose` would, interpolating from env
// only: the environment of the test process is not consulted.
func load(t *testing.T, env map[string]string) *types.Project {
	t.Helper()
	var list []string
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{composeFile},
		cli.WithWorkingDirectory(".."),
		cli.WithEnv(list),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("loading %s: %v", composeFile, err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("service %q is missing; services: %v", name, p.ServiceNames())
	}
	return s
}

// env returns a service's environment variable, failing if it is not set.
func env(t *testing.T, s types.ServiceConfig, name string) string {
	t.Helper()
	v, ok := s.Environment[name]
	if !ok || v == nil {
		t.Fatalf("service %s: environment variable %s is not set", s.Name, name)
	}
	return *v
}

// published returns the host port a service publishes its container port target on.
func published(s types.ServiceConfig, target uint32) (string, bool) {
	for _, p := range s.Ports {
		if p.Target == target {
			return p.Published, true
		}
	}
	return "", false
}

func TestServicesExist(t *testing.T) {
	p := load(t, nil)
	if p.Name != "feedbackpipe" {
		t.Errorf("project name = %q, want feedbackpipe", p.Name)
	}
	for _, name := range []string{postgresSvc, temporalSvc, attrsSvc, uiSvc, workerSvc} {
		service(t, p, name)
	}
	images := map[string]string{
		postgresSvc: "postgres:15",
		temporalSvc: "temporalio/auto-setup:1.29.1",
		uiSvc:       "temporalio/ui:2.42.1",
	}
	for name, image := range images {
		if got := service(t, p, name).Image; got != image {
			t.Errorf("service %s: image %q, want %q", name, got, image)
		}
	}
	if img := service(t, p, attrsSvc).Image; !strings.HasPrefix(img, "temporalio/admin-tools:") && !strings.HasPrefix(img, "temporalio/temporal:") {
		t.Errorf("service %s: image %q is not a Temporal CLI image", attrsSvc, img)
	}
}

func TestPortsPublished(t *testing.T) {
	p := load(t, nil)
	tests := []struct {
		service string
		target  uint32
		host    string
	}{
		{postgresSvc, 5432, "55432"},
		{temporalSvc, 7233, "7233"},
		{uiSvc, 8080, "8233"},
	}
	for _, tt := range tests {
		got, ok := published(service(t, p, tt.service), tt.target)
		if !ok || got != tt.host {
			t.Errorf("service %s: container port %d published on %q (found %v), want %s", tt.service, tt.target, got, ok, tt.host)
		}
	}
}

// TestWorkerScales checks that `docker compose up --scale worker=N` can start N replicas:
// nothing in the worker service may be unique to one container. Its metrics port is exposed on
// a host port Docker picks (or not published at all), never a fixed one.
func TestWorkerScales(t *testing.T) {
	w := service(t, load(t, nil), workerSvc)
	for _, p := range w.Ports {
		if p.Published != "" {
			t.Errorf("worker publishes container port %d on fixed host port %s: a second replica could not bind it", p.Target, p.Published)
		}
	}
	if _, ok := published(w, 9090); !ok && !slices.Contains(w.Expose, "9090") {
		t.Errorf("worker neither exposes nor publishes its metrics port 9090: ports %+v, expose %v", w.Ports, w.Expose)
	}
	if w.ContainerName != "" {
		t.Errorf("worker container_name = %q: replicas need names of their own", w.ContainerName)
	}
	if w.Hostname != "" {
		t.Errorf("worker hostname = %q: replicas would share one Temporal identity", w.Hostname)
	}
	if w.NetworkMode == "host" {
		t.Error("worker network_mode = host: replicas would fight over the metrics port")
	}
}

func TestPostgres(t *testing.T) {
	p := load(t, nil)
	pg := service(t, p, postgresSvc)
	for name, want := range map[string]string{"POSTGRES_USER": "feedback", "POSTGRES_PASSWORD": "feedback", "POSTGRES_DB": "feedback"} {
		if got := env(t, pg, name); got != want {
			t.Errorf("postgres %s = %q, want %q", name, got, want)
		}
	}
	if pg.HealthCheck == nil || !strings.Contains(strings.Join(pg.HealthCheck.Test, " "), "pg_isready") {
		t.Errorf("postgres healthcheck = %+v, want pg_isready", pg.HealthCheck)
	}
	named := false
	for _, v := range pg.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Target == "/var/lib/postgresql/data" {
			if _, ok := p.Volumes[v.Source]; !ok {
				t.Errorf("volume %q is not declared", v.Source)
			}
			named = true
		}
	}
	if !named {
		t.Errorf("postgres keeps no data in a named volume: %+v", pg.Volumes)
	}
}

// TestDatabaseWiring checks that the worker's DATABASE_URL and Temporal's database
// settings point at the postgres service with its user, password and database.
func TestDatabaseWiring(t *testing.T) {
	p := load(t, nil)
	pg := service(t, p, postgresSvc)
	user, password, db := env(t, pg, "POSTGRES_USER"), env(t, pg, "POSTGRES_PASSWORD"), env(t, pg, "POSTGRES_DB")

	raw := env(t, service(t, p, workerSvc), "DATABASE_URL")
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("DATABASE_URL %q: %v", raw, err)
	}
	pw, _ := u.User.Password()
	if (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Hostname() != postgresSvc || u.Port() != "5432" ||
		u.User.Username() != user || pw != password || strings.TrimPrefix(u.Path, "/") != db {
		t.Errorf("DATABASE_URL %q does not reach the postgres service as %s/%s on database %s at postgres:5432", raw, user, password, db)
	}
	if got := u.Query().Get("sslmode"); got != "disable" {
		t.Errorf("DATABASE_URL sslmode = %q, want disable (the postgres container has no TLS)", got)
	}

	tmp := service(t, p, temporalSvc)
	want := map[string]string{
		"DB":             "postgres12",
		"DB_PORT":        "5432",
		"POSTGRES_USER":  user,
		"POSTGRES_PWD":   password,
		"POSTGRES_SEEDS": postgresSvc,
	}
	for name, w := range want {
		if got := env(t, tmp, name); got != w {
			t.Errorf("temporal %s = %q, want %q", name, got, w)
		}
	}
}

func TestTemporalAddress(t *testing.T) {
	p := load(t, nil)
	addr := env(t, service(t, p, workerSvc), "TEMPORAL_ADDRESS")
	if addr != "temporal:7233" {
		t.Errorf("worker TEMPORAL_ADDRESS = %q, want temporal:7233", addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != temporalSvc {
		t.Fatalf("worker TEMPORAL_ADDRESS %q does not name the temporal service", addr)
	}
	if _, ok := published(service(t, p, temporalSvc), 7233); !ok || port != "7233" {
		t.Errorf("temporal does not serve the port %s the worker dials", port)
	}
	ui := service(t, p, uiSvc)
	if got := env(t, ui, "TEMPORAL_ADDRESS"); got != addr {
		t.Errorf("temporal-ui TEMPORAL_ADDRESS = %q, want the worker's %q", got, addr)
	}
	if got := env(t, ui, "TEMPORAL_CORS_ORIGINS"); got != "http://localhost:8233" {
		t.Errorf("temporal-ui TEMPORAL_CORS_ORIGINS = %q, want http://localhost:8233 (its published port)", got)
	}
}

func TestWorkerEnvironmentFromHost(t *testing.T) {
	// The test process's own environment must not reach the file: only the map given.
	t.Setenv("OPENAI_API_KEY", "sk-leaked-from-the-test-process")

	given := map[string]string{
		"OPENAI_BASE_URL": "http://llm.internal:8000/v1",
		"OPENAI_API_KEY":  "sk-test-from-env",
		"LLM_MODEL":       "test-llm",
		"EMBEDDING_MODEL": "test-embed",
	}
	w := service(t, load(t, given), workerSvc)
	for _, name := range passThrough {
		if got := env(t, w, name); got != given[name] {
			t.Errorf("worker %s = %q, want %q from the environment", name, got, given[name])
		}
	}

	// Without them the variables are empty, so the file holds no literal key or URL.
	w = service(t, load(t, nil), workerSvc)
	for _, name := range passThrough {
		if got := env(t, w, name); got != "" {
			t.Errorf("worker %s = %q with an empty environment: the file must not hold a value", name, got)
		}
	}
	if got := env(t, w, "METRICS_ADDR"); got != ":9090" {
		t.Errorf("worker METRICS_ADDR = %q, want :9090", got)
	}
	if w.Restart != types.RestartPolicyUnlessStopped {
		t.Errorf("worker restart = %q, want unless-stopped", w.Restart)
	}

	text, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`sk-[A-Za-z0-9]`).Match(text) {
		t.Error("docker-compose.yml contains what looks like an API key")
	}
}

func TestDependsOn(t *testing.T) {
	p := load(t, nil)
	tests := []struct {
		service, on, condition string
	}{
		{workerSvc, postgresSvc, types.ServiceConditionHealthy},
		{workerSvc, temporalSvc, types.ServiceConditionStarted},
		{workerSvc, attrsSvc, types.ServiceConditionCompletedSuccessfully},
		{temporalSvc, postgresSvc, types.ServiceConditionHealthy},
		{attrsSvc, temporalSvc, types.ServiceConditionStarted},
		{uiSvc, temporalSvc, types.ServiceConditionStarted},
	}
	for _, tt := range tests {
		dep, ok := service(t, p, tt.service).DependsOn[tt.on]
		if !ok || dep.Condition != tt.condition {
			t.Errorf("%s depends on %s: %v, condition %q; want condition %q", tt.service, tt.on, ok, dep.Condition, tt.condition)
		}
	}
	// Every dependency names a service of the file.
	for name, s := range p.Services {
		for on := range s.DependsOn {
			if _, ok := p.Services[on]; !ok {
				t.Errorf("%s depends on %s, which is not a service", name, on)
			}
		}
	}
}

func TestSearchAttributes(t *testing.T) {
	s := service(t, load(t, nil), attrsSvc)
	script := strings.Join(append(slices.Clone([]string(s.Entrypoint)), s.Command...), " ")
	for _, attr := range []string{"PipelineStatus", "PipelinePhase"} {
		re := regexp.MustCompile(`temporal operator search-attribute create --address temporal:7233 --namespace default --name ` + attr + ` --type Keyword\b`)
		if !re.MatchString(script) {
			t.Errorf("%s does not register %s as a Keyword in namespace default on temporal:7233:\n%s", attrsSvc, attr, script)
		}
	}
	if s.Restart != types.RestartPolicyNo && !strings.HasPrefix(s.Restart, types.RestartPolicyOnFailure) {
		t.Errorf("%s restart = %q, want no or on-failure: it is a one-shot", attrsSvc, s.Restart)
	}
}

// TestWorkerBuild checks that the worker is built from the Dockerfile and that the
// Dockerfile builds both programs, statically, into a distroless image.
func TestWorkerBuild(t *testing.T) {
	p := load(t, nil)
	w := service(t, p, workerSvc)
	if w.Build == nil {
		t.Fatal("worker has no build section")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(w.Build.Context) != root {
		t.Errorf("worker build context = %q, want the repository root %q", w.Build.Context, root)
	}
	dockerfile := w.Build.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	if !filepath.IsAbs(dockerfile) {
		dockerfile = filepath.Join(w.Build.Context, dockerfile)
	}
	raw, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatalf("the worker's Dockerfile: %v", err)
	}
	// Join continued lines and drop comments, so that each instruction is one line.
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(string(raw), "\\\n", " "), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	var froms, builds, copies []string
	var entrypoint string
	cgoOff := false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "FROM "):
			froms = append(froms, l)
		case strings.HasPrefix(l, "RUN ") && strings.Contains(l, "go build"):
			builds = append(builds, l)
			cgoOff = cgoOff || strings.Contains(l, "CGO_ENABLED=0")
		case strings.HasPrefix(l, "ENV ") && strings.Contains(l, "CGO_ENABLED=0"):
			cgoOff = true
		case strings.HasPrefix(l, "COPY ") && strings.Contains(l, "--from="):
			copies = append(copies, l)
		case strings.HasPrefix(l, "ENTRYPOINT "):
			entrypoint = l
		}
	}
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "FROM golang:1.26") ||
		!strings.HasPrefix(froms[len(froms)-1], "FROM gcr.io/distroless/static-debian12:nonroot") {
		t.Errorf("stages %q: want a golang:1.26 build stage and a distroless static-debian12:nonroot final stage", froms)
	}
	if !cgoOff {
		t.Error("the Dockerfile does not build with CGO_ENABLED=0")
	}
	built := strings.Join(builds, " ")
	for _, want := range []string{"-trimpath", "./worker", "./starter"} {
		if !strings.Contains(built, want) {
			t.Errorf("no go build with %s in %q", want, builds)
		}
	}
	if !strings.Contains(entrypoint, "worker") {
		t.Errorf("ENTRYPOINT %q does not run the worker", entrypoint)
	}
	for _, pkg := range []string{"worker", "starter"} {
		if !strings.Contains(strings.Join(copies, " "), "/"+pkg) {
			t.Errorf("the final image does not get the %s binary: %q", pkg, copies)
		}
	}
}

func TestDockerignore(t *testing.T) {
	raw, err := os.ReadFile("../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		entries[strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(l), "/"), "/")] = true
	}
	for _, want := range []string{".git", ".dev", ".tools", "bin"} {
		if !entries[want] {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
}
