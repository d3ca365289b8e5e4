package integration

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	"feedbackpipe/codec"
	"feedbackpipe/localmodel"
	"feedbackpipe/pipeline"
	"feedbackpipe/workerhost"
)

// TestEncryptedPayloads runs the pipeline with the payload codec on (worker and starter holding
// the key): the run's and the run index's histories hold only encrypted payloads (search
// attributes aside), `starter status` reads the run, and the codec server (`starter
// codec-server`) decodes for the Temporal UI and the temporal CLI (--codec-endpoint).
func TestEncryptedPayloads(t *testing.T) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	keys := "k1:" + base64.StdEncoding.EncodeToString(raw)
	parsed, err := codec.ParseKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	cdc, err := codec.New(parsed)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, localmodel.Config{}, func(o *workerhost.Options) { o.Config.Codec = cdc })
	starter, temporal := buildStarter(t), temporalCLI(t)
	vars := e.cliEnv(t, "PAYLOAD_KEY="+keys)
	e.importSample()

	runID := startRunCLI(t, vars, starter, "--days", "3650", "--max", "20")
	waitStatus(t, vars, starter, runID, "completed", 45*time.Second)

	var completion *commonpb.Payload
	for _, wf := range []string{runID, pipeline.IndexWorkflowID(e.cfg.TaskQueue)} {
		encrypted, plain := historyPayloads(t, e.tc, wf)
		if len(plain) > 0 {
			t.Errorf("%s: %d payloads in history are not encrypted, e.g. %s", wf, len(plain), plain[0])
		}
		if len(encrypted) == 0 {
			t.Errorf("%s: no encrypted payload in history", wf)
		}
		for _, p := range encrypted {
			if bytes.Contains(p.GetData(), []byte(`"status"`)) || bytes.Contains(p.GetData(), []byte(runID)) {
				t.Errorf("%s: an encrypted payload holds plaintext", wf)
			}
		}
	}
	it := e.tc.GetWorkflowHistory(context.Background(), runID, "", false, 0)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetWorkflowExecutionCompletedEventAttributes(); a != nil {
			completion = a.GetResult().GetPayloads()[0]
		}
	}
	if completion == nil {
		t.Fatal("the run's history has no completion event")
	}

	endpoint := startCodecServer(t, vars, starter)
	body, _ := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{completion}})
	req, _ := http.NewRequest(http.MethodPost, endpoint+"/decode", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", e.cfg.Namespace)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /decode: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var decoded commonpb.Payloads
	if err := protojson.Unmarshal(answer, &decoded); err != nil || len(decoded.Payloads) != 1 {
		t.Fatalf("codec server answered %d %s: %v", resp.StatusCode, answer, err)
	}
	var final pipeline.Status
	if err := converter.GetDefaultDataConverter().FromPayload(decoded.Payloads[0], &final); err != nil || final.Status != "completed" || final.RunID != runID {
		t.Fatalf("the codec server's decoding of the run's result: %+v, %v", final, err)
	}

	out := runCLI(t, vars, temporal, temporalArgs("workflow", "query", "--workflow-id", runID, "--type", "status",
		"--output", "json", "--codec-endpoint", endpoint)...)
	var queried pipeline.Status
	if err := json.Unmarshal(queryResult(t, out), &queried); err != nil || queried.Status != "completed" {
		t.Fatalf("temporal workflow query --codec-endpoint: %v\n%s", err, out)
	}
}

// historyPayloads splits the payloads of a workflow's history (search attributes excepted: the
// SDK does not encode them) into the encrypted ones and the descriptions of the others.
func historyPayloads(t *testing.T, tc client.Client, workflowID string) (encrypted []*commonpb.Payload, plain []string) {
	t.Helper()
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		switch v := m.Interface().(type) {
		case *commonpb.SearchAttributes:
			return
		case *commonpb.Payload:
			if string(v.GetMetadata()[converter.MetadataEncoding]) == codec.MetadataEncoding {
				encrypted = append(encrypted, v)
			} else {
				plain = append(plain, string(v.GetMetadata()[converter.MetadataEncoding])+" "+string(v.GetData()))
			}
			return
		}
		m.Range(func(fd protoreflect.FieldDescriptor, val protoreflect.Value) bool {
			switch {
			case fd.IsList() && fd.Message() != nil:
				for i := 0; i < val.List().Len(); i++ {
					walk(val.List().Get(i).Message())
				}
			case fd.IsMap() && fd.MapValue().Message() != nil:
				val.Map().Range(func(_ protoreflect.MapKey, v protoreflect.Value) bool {
					walk(v.Message())
					return true
				})
			case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
				walk(val.Message())
			}
			return true
		})
	}
	for runID := ""; ; {
		previous := ""
		it := tc.GetWorkflowHistory(context.Background(), workflowID, runID, false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", workflowID, err)
			}
			if a := ev.GetWorkflowExecutionStartedEventAttributes(); a != nil {
				previous = a.GetContinuedExecutionRunId()
			}
			walk(ev.ProtoReflect())
		}
		if previous == "" {
			return encrypted, plain
		}
		runID = previous
	}
}

// startCodecServer runs `starter codec-server` on a free loopback port until the test ends and
// returns its URL.
func startCodecServer(t *testing.T, vars []string, starter string) string {
	t.Helper()
	cmd := exec.Command(starter, "codec-server", "--addr", "127.0.0.1:0")
	cmd.Env = vars
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start codec-server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("codec-server printed no address: %v", err)
	}
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, "http://") {
			return f
		}
	}
	t.Fatalf("codec-server printed no URL: %q", line)
	return ""
}
