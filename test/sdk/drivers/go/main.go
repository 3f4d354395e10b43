// The Go driver of the SDK matrix: a JSON-lines command loop (test/sdk/README.md) over
// github.com/microsoft/durabletask-go's gRPC client and work-item listener.
//
// stdout carries only replies and the unsolicited activity-started events; the SDK's own log
// and everything else goes to stderr. Commands run concurrently, each in its own goroutine.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sync"

	"github.com/microsoft/durabletask-go/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// A command line may carry a large scenario input; a line past this is a driver error.
const commandBytesMax = 16 * 1024 * 1024

type command struct {
	Seq           int64           `json:"seq"`
	Cmd           string          `json:"cmd"`
	ID            string          `json:"id"`
	Input         json.RawMessage `json:"input"`
	Orchestration string          `json:"orchestration"`
	Count         int             `json:"count"`
	IDPrefix      string          `json:"idPrefix"`
	IDs           []string        `json:"ids"`
	TimeoutS      float64         `json:"timeoutS"`
	// start-worker: BlockingActivity's mode, "block" (when absent) or "return".
	BlockingActivity string `json:"blockingActivity"`
}

// replies serialises writes to stdout: one JSON object per line, never interleaved.
type replies struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (r *replies) send(v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.enc.Encode(v); err != nil {
		log.Fatalf("writing to stdout failed: %v", err)
	}
}

func main() {
	endpoint := flag.String("endpoint", "", "host:port of the server's gRPC data plane")
	// durabletask-go sends no taskhub header: its requests go to the server's default hub.
	flag.String("taskhub", "", "task hub (ignored: the Go SDK has no way to name one)")
	variant := flag.String("variant", "plain", "plain (the only variant durabletask-go has)")
	flag.Parse()
	log.SetOutput(os.Stderr)
	if *endpoint == "" || *variant != "plain" {
		log.Fatalf("usage: driver --endpoint host:port [--taskhub hub] [--variant plain]")
	}
	conn, err := grpc.Dial(*endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatalf("dial %s: %v", *endpoint, err)
	}
	defer conn.Close()
	d := newDriver(client.NewTaskHubGrpcClient(conn, stderrLogger{}), &replies{enc: json.NewEncoder(os.Stdout)})
	d.run(os.Stdin)
}

// run reads commands until stdin closes, then stops the worker and waits for commands in flight.
func (d *driver) run(in io.Reader) {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 64*1024), commandBytesMax)
	var inFlight sync.WaitGroup
	for scanner.Scan() {
		var cmd command
		if err := json.Unmarshal(scanner.Bytes(), &cmd); err != nil {
			d.out.send(map[string]any{"ok": false, "error": fmt.Sprintf("unparseable command: %v", err)})
			continue
		}
		inFlight.Add(1)
		go func() {
			defer inFlight.Done()
			d.out.send(d.handle(cmd))
		}()
	}
	if err := scanner.Err(); err != nil {
		log.Printf("reading stdin: %v", err)
	}
	d.stopWorker()
	d.cancelAll()
	inFlight.Wait()
}

// handle runs one command and returns its reply (always with the command's seq).
func (d *driver) handle(cmd command) map[string]any {
	reply, err := d.dispatch(cmd)
	if err != nil {
		return map[string]any{"seq": cmd.Seq, "ok": false, "error": err.Error()}
	}
	reply["seq"] = cmd.Seq
	reply["ok"] = true
	return reply
}

func (d *driver) dispatch(cmd command) (map[string]any, error) {
	switch cmd.Cmd {
	case "hello":
		return map[string]any{"sdk": sdkModule, "version": sdkVersion(), "variant": "plain"}, nil
	case "start-worker":
		return map[string]any{}, d.startWorker(cmd.BlockingActivity)
	case "stop-worker":
		d.stopWorker()
		return map[string]any{}, nil
	case "scenario":
		observed, err := d.runScenario(d.ctx, cmd.ID, cmd.Input)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", cmd.ID, err)
		}
		return map[string]any{"observed": observed}, nil
	case "schedule":
		ids, err := d.schedule(d.ctx, cmd)
		if err != nil {
			return nil, err
		}
		return map[string]any{"ids": ids}, nil
	case "wait":
		results, err := d.wait(d.ctx, cmd)
		if err != nil {
			return nil, err
		}
		return map[string]any{"results": results}, nil
	default:
		return nil, fmt.Errorf("unknown command %q", cmd.Cmd)
	}
}

// driver holds the one client and at most one running work-item listener.
type driver struct {
	client    *client.TaskHubGrpcClient
	out       *replies
	ctx       context.Context
	cancelAll context.CancelFunc

	mu           sync.Mutex
	workerCancel context.CancelFunc
}

func newDriver(c *client.TaskHubGrpcClient, out *replies) *driver {
	ctx, cancel := context.WithCancel(context.Background())
	return &driver{client: c, out: out, ctx: ctx, cancelAll: cancel}
}

func (d *driver) startWorker(blockingMode string) error {
	if blockingMode == "" {
		blockingMode = "block"
	} else if blockingMode != "block" && blockingMode != "return" {
		return fmt.Errorf("blockingActivity must be block or return, not %q", blockingMode)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.workerCancel != nil {
		return fmt.Errorf("the worker is already running")
	}
	ctx, cancel := context.WithCancel(d.ctx)
	if err := d.client.StartWorkItemListener(ctx, newRegistry(d, blockingMode)); err != nil {
		cancel()
		return err
	}
	d.workerCancel = cancel
	return nil
}

// stopWorker cancels the listener's context, which ends its stream and its goroutines.
func (d *driver) stopWorker() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.workerCancel != nil {
		d.workerCancel()
		d.workerCancel = nil
	}
}
