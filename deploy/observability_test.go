package deploy

import (
	"encoding/json"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// TestPrometheusScrapesEveryWorkerReplica: Prometheus finds the worker replicas through the
// compose DNS name of the worker service, on the port the worker serves its metrics on.
func TestPrometheusScrapesEveryWorkerReplica(t *testing.T) {
	p := load(t, nil)
	prom := service(t, p, "prometheus")
	var cfgFile string
	for _, v := range prom.Volumes {
		if v.Target == "/etc/prometheus/prometheus.yml" {
			cfgFile = v.Source
		}
	}
	if cfgFile == "" {
		t.Fatal("prometheus does not mount a configuration at /etc/prometheus/prometheus.yml")
	}
	var cfg struct {
		ScrapeConfigs []struct {
			DNSSD []struct {
				Names []string `yaml:"names"`
				Type  string   `yaml:"type"`
				Port  int      `yaml:"port"`
			} `yaml:"dns_sd_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, cfgFile, &cfg)
	worker := service(t, p, workerSvc)
	port := strings.TrimPrefix(env(t, worker, "METRICS_ADDR"), ":")
	found := false
	for _, sc := range cfg.ScrapeConfigs {
		for _, d := range sc.DNSSD {
			for _, n := range d.Names {
				if n == workerSvc && d.Type == "A" && port == itoa(d.Port) {
					found = true
				}
			}
		}
	}
	if !found {
		t.Errorf("%s: no dns_sd_configs entry for names [%s], type A, port %s", cfgFile, workerSvc, port)
	}
}

// TestGrafanaProvisionsTheDashboard: Grafana gets the Prometheus data source the dashboard's
// panels name and loads the dashboard from where the provider looks.
func TestGrafanaProvisionsTheDashboard(t *testing.T) {
	p := load(t, nil)
	g := service(t, p, "grafana")
	mounts := map[string]string{}
	for _, v := range g.Volumes {
		mounts[v.Target] = v.Source
	}
	prov, ok := mounts["/etc/grafana/provisioning"]
	if !ok {
		t.Fatal("grafana does not mount /etc/grafana/provisioning")
	}
	var ds struct {
		Datasources []struct {
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	readYAML(t, path.Join(prov, "datasources/prometheus.yml"), &ds)
	if len(ds.Datasources) != 1 || ds.Datasources[0].Type != "prometheus" {
		t.Fatalf("want one prometheus data source, got %+v", ds.Datasources)
	}
	u, err := url.Parse(ds.Datasources[0].URL)
	if err != nil || u.Hostname() != "prometheus" || u.Port() != "9090" {
		t.Errorf("data source URL %q does not reach the prometheus service on its port 9090", ds.Datasources[0].URL)
	}
	var providers struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, path.Join(prov, "dashboards/feedbackpipe.yml"), &providers)
	if len(providers.Providers) != 1 {
		t.Fatalf("want one dashboard provider, got %d", len(providers.Providers))
	}
	dir, ok := mounts[providers.Providers[0].Options.Path]
	if !ok {
		t.Fatalf("the provider reads %s, which grafana does not mount", providers.Providers[0].Options.Path)
	}
	raw, err := os.ReadFile(path.Join(dir, "feedbackpipe.json"))
	if err != nil {
		t.Fatalf("the mounted dashboards directory lacks the dashboard: %v", err)
	}
	var d struct {
		Panels []struct {
			Type       string `json:"type"`
			Title      string `json:"title"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	for _, pn := range d.Panels {
		if pn.Type != "row" && pn.Datasource.UID != ds.Datasources[0].UID {
			t.Errorf("panel %q uses data source %q, provisioned is %q", pn.Title, pn.Datasource.UID, ds.Datasources[0].UID)
		}
	}
}

// TestPayloadEncryptionOn: the workers and the codec server read the generated key file, the
// codec server listens on loopback only, and the UI asks it to decode.
func TestPayloadEncryptionOn(t *testing.T) {
	p := load(t, nil)
	for _, name := range []string{workerSvc, "codec-server"} {
		s := service(t, p, name)
		file := env(t, s, "PAYLOAD_KEY_FILE")
		mounted := false
		for _, v := range s.Volumes {
			if v.Source == "payload-key" && strings.HasPrefix(file, v.Target+"/") && v.ReadOnly {
				mounted = true
			}
		}
		if !mounted {
			t.Errorf("service %s: PAYLOAD_KEY_FILE %s is not in the payload-key volume mounted read-only", name, file)
		}
		if d, ok := s.DependsOn["payload-key"]; !ok || d.Condition != "service_completed_successfully" {
			t.Errorf("service %s does not wait for the payload key", name)
		}
	}
	cs := service(t, p, "codec-server")
	if len(cs.Ports) != 1 || cs.Ports[0].HostIP != "127.0.0.1" || cs.Ports[0].Target != 8081 {
		t.Fatalf("codec-server must publish 8081 on loopback only: %+v", cs.Ports)
	}
	if got := env(t, service(t, p, uiSvc), "TEMPORAL_CODEC_ENDPOINT"); got != "http://localhost:"+cs.Ports[0].Published {
		t.Errorf("the UI's codec endpoint %q is not the codec server's published port %s", got, cs.Ports[0].Published)
	}
	if !strings.Contains(strings.Join(cs.Command, " "), "codec-server") {
		t.Errorf("codec-server runs %v", cs.Command)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
