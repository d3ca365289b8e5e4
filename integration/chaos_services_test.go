package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"feedbackpipe/pipeline"
	"feedbackpipe/testenv"
)

// The chaos run restarts Postgres and the Temporal dev server under a run. Restarting the shared
// services would hit every other test running at that moment, so it starts private ones: a
// Postgres cluster initialised in a temporary folder and a dev server keeping its state in a
// database file, each on free ports, stopped and removed when the test ends.

// freePort returns a loopback TCP port nobody listens on at the moment.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// privatePostgres is a Postgres cluster of the test's own.
type privatePostgres struct {
	t    testing.TB
	bin  string // folder of initdb, pg_ctl
	dir  string
	port int
}

// pgBinDir finds the folder of initdb and pg_ctl as scripts/services.sh does.
func pgBinDir() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
	}
	more, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for _, d := range append(dirs, more...) {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("initdb and pg_ctl not found (run `make up`, which installs Postgres)")
}

// startPrivatePostgres initialises and starts a cluster on a free port. Postgres refuses to run
// as root, so as root it runs as the postgres user, as scripts/services.sh does.
func startPrivatePostgres(t testing.TB) *privatePostgres {
	t.Helper()
	bin, err := pgBinDir()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "feedbackpipe-chaos-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	p := &privatePostgres{t: t, bin: bin, dir: dir, port: freePort(t)}
	p.pgCtl("initdb", "init", "-o", "-U feedback --auth=trust -E UTF8")
	p.pgCtl("start", "-l", filepath.Join(dir, "postgres.log"), "-w", "-t", "60", "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off", p.port, dir), "start")
	t.Cleanup(func() {
		_ = p.command("-D", p.data(), "-m", "immediate", "-w", "stop").Run()
	})
	return p
}

func (p *privatePostgres) data() string { return filepath.Join(p.dir, "data") }

func (p *privatePostgres) command(args ...string) *exec.Cmd {
	pgCtl := filepath.Join(p.bin, "pg_ctl")
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", pgCtl}, args...)...)
	}
	return exec.Command(pgCtl, args...)
}

// pgCtl runs pg_ctl on the cluster's data folder; what names the step in a failure.
func (p *privatePostgres) pgCtl(what string, args ...string) {
	p.t.Helper()
	out, err := p.command(append([]string{"-D", p.data()}, args...)...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "postgres.log"))
		p.t.Fatalf("postgres %s: %v\n%s\n%s", what, err, out, log)
	}
}

// restart restarts the cluster (fast shutdown: open sessions are cut, as in a real restart) and
// returns how long Postgres was unavailable.
func (p *privatePostgres) restart() time.Duration {
	p.t.Helper()
	start := time.Now()
	p.pgCtl("restart", "-l", filepath.Join(p.dir, "postgres.log"), "-m", "fast", "-w", "-t", "60", "restart")
	return time.Since(start)
}

// database creates a database in the cluster and returns its URL.
func (p *privatePostgres) database(name string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.url("postgres"))
	if err != nil {
		p.t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		p.t.Fatalf("create database %s: %v", name, err)
	}
	return p.url(name)
}

func (p *privatePostgres) url(db string) string {
	return fmt.Sprintf("postgres://feedback@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}

// devServer is a Temporal dev server of the test's own, its state in a database file so it
// survives a restart.
type devServer struct {
	t       testing.TB
	bin     string
	dbFile  string
	port    int
	logFile string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// startDevServer starts a dev server on a free port, its state in a file of a temporary folder.
func startDevServer(t *testing.T) *devServer {
	t.Helper()
	bin := temporalCLI(t)
	dir := t.TempDir()
	d := &devServer{t: t, bin: bin, dbFile: filepath.Join(dir, "temporal.db"), port: freePort(t), logFile: filepath.Join(dir, "temporal.log")}
	d.start()
	t.Cleanup(func() { d.stop(syscall.SIGKILL) })
	return d
}

func (d *devServer) address() string { return fmt.Sprintf("127.0.0.1:%d", d.port) }

// start starts the server and waits until it serves the test namespace with its search
// attributes. A server that exits while starting is started again, twice at most: the dev
// server's start panics now and then in its own set-up (picking its internal ports), before it
// reads its database file, so a start that fails that way says nothing of the pipeline.
func (d *devServer) start() {
	d.t.Helper()
	for attempt := 1; ; attempt++ {
		err := d.startOnce()
		if err == nil {
			return
		}
		if !errors.Is(err, errExited) || attempt == 3 {
			d.t.Fatal(err)
		}
		d.t.Logf("starting the dev server again (attempt %d failed): %v", attempt, err)
	}
}

// errExited is a dev server's exit while it started.
var errExited = errors.New("the dev server exited")

// startOnce starts the server once and waits until it is ready, exits, or 90 s pass.
func (d *devServer) startOnce() error {
	logFile, err := os.OpenFile(d.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	d.cmd = exec.Command(d.bin, "server", "start-dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(d.port), "--headless",
		"--db-filename", d.dbFile, "--namespace", testenv.Namespace(), "--log-level", "warn",
		"--search-attribute", pipeline.SearchAttrStatus+"=Keyword", "--search-attribute", pipeline.SearchAttrPhase+"=Keyword",
		"--dynamic-config-value", "system.forceSearchAttributesCacheRefreshOnRead=true")
	d.cmd.Stdout, d.cmd.Stderr = logFile, logFile
	if err := d.cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("start the dev server: %w", err)
	}
	exited := make(chan struct{})
	d.exited = exited
	go func(cmd *exec.Cmd) { _ = cmd.Wait(); _ = logFile.Close(); close(exited) }(d.cmd)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		c, err := d.dial()
		if err == nil {
			err = testenv.EnsureNamespace(ctx, c, testenv.Namespace())
			c.Close()
			if err == nil {
				return nil
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(d.logFile)
			return fmt.Errorf("%w: %s", errExited, tail(string(log), 40))
		case <-ctx.Done():
			return fmt.Errorf("the dev server did not become ready: %w", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// dial connects a client to the server in the test namespace.
func (d *devServer) dial() (client.Client, error) {
	c, err := client.Dial(client.Options{
		HostPort: d.address(), Namespace: testenv.Namespace(),
		Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// stop signals the server and waits for it to exit.
func (d *devServer) stop(sig syscall.Signal) {
	if d.cmd == nil || d.cmd.Process == nil {
		return
	}
	_ = d.cmd.Process.Signal(sig)
	select {
	case <-d.exited:
	case <-time.After(30 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.exited
	}
}

// restart stops the server (SIGTERM) and starts it again on the same port and database file;
// it returns how long the frontend was away.
func (d *devServer) restart() time.Duration {
	d.t.Helper()
	start := time.Now()
	d.stop(syscall.SIGTERM)
	d.start()
	return time.Since(start)
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-lines):], "\n")
}
