// The Go variant of W1-W3: worker and client from github.com/microsoft/durabletask-go in this one
// process, against any server that speaks TaskHubSidecarService. It prints the same result line
// (`BENCH_RESULT {json}`, same fields) as the JavaScript workloads in bench/workloads/, so
// bench/run.ts reads both alike; everything else goes to stderr.
//
// Usage: driver w1|w2|w3 --address host:port [flags of that workload; see w1.go, w2.go, w3.go]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"syscall"
	"time"

	"dts-bench/internal/quietlog"
	"github.com/microsoft/durabletask-go/client"
	"github.com/microsoft/durabletask-go/task"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

const resultPrefix = "BENCH_RESULT "

var workloads = map[string]func(args []string) (map[string]any, error){
	"w1": runW1,
	"w2": runW2,
	"w3": runW3,
}

func main() {
	if len(os.Args) < 2 || workloads[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: driver w1|w2|w3 --address host:port [flags]")
		os.Exit(2)
	}
	result, err := workloads[os.Args[1]](os.Args[2:])
	if err != nil {
		printResult(map[string]any{"error": err.Error()})
		fmt.Fprintln(os.Stderr, "driver failed:", err)
		os.Exit(1)
	}
	printResult(result)
}

func printResult(result map[string]any) {
	result["driver"] = selfUsage()
	line, err := json.Marshal(result)
	if err != nil {
		line, _ = json.Marshal(map[string]any{"error": fmt.Sprintf("encoding the result: %v", err)})
	}
	fmt.Printf("%s%s\n", resultPrefix, line)
}

// common holds the flags every workload takes.
type common struct {
	address  string
	timeoutS float64
}

func newFlags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.address, "address", "", "host:port of the server")
	fs.Float64Var(&c.timeoutS, "timeout-s", 300, "deadline for the whole workload")
	return fs
}

func (c *common) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.address == "" {
		return fmt.Errorf("--address is required")
	}
	return nil
}

func (c *common) deadline() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Duration(c.timeoutS*float64(time.Second)))
}

// sdk is one worker and one client, each on its own connection as two processes would have.
type sdk struct {
	client *client.TaskHubGrpcClient
	conns  []*grpc.ClientConn
	stop   context.CancelFunc
}

func startSDK(address string, registry *task.TaskRegistry) (*sdk, error) {
	workerConn, err := grpc.Dial(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	clientConn, err := grpc.Dial(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	worker := client.NewTaskHubGrpcClient(workerConn, quietlog.Logger{})
	if err := worker.StartWorkItemListener(ctx, registry); err != nil {
		cancel()
		return nil, fmt.Errorf("starting the worker: %w", err)
	}
	return &sdk{client: client.NewTaskHubGrpcClient(clientConn, quietlog.Logger{}), conns: []*grpc.ClientConn{workerConn, clientConn}, stop: cancel}, nil
}

func (s *sdk) close() {
	s.stop()
	for _, conn := range s.conns {
		_ = conn.Close()
	}
}

// selfUsage is this process's CPU seconds and peak RSS, as the JavaScript workloads report theirs.
func selfUsage() map[string]any {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return map[string]any{}
	}
	cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	return map[string]any{
		"cpuSeconds": math.Round(cpu.Seconds()*100) / 100,
		"peakRssMB":  math.Round(float64(usage.Maxrss) / 1024),
	}
}

// summarize matches bench/stats.ts: nearest-rank percentiles, milliseconds rounded to 0.01.
func summarize(samples []float64) map[string]any {
	sorted := append([]float64(nil), samples...)
	sort.Float64s(sorted)
	if len(sorted) == 0 {
		return map[string]any{"count": 0}
	}
	sum := 0.0
	for _, v := range sorted {
		sum += v
	}
	rank := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
		return sorted[max(0, min(len(sorted)-1, i))]
	}
	return map[string]any{
		"count": len(sorted),
		"min":   round2(sorted[0]),
		"mean":  round2(sum / float64(len(sorted))),
		"p50":   round2(rank(50)),
		"p95":   round2(rank(95)),
		"p99":   round2(rank(99)),
		"max":   round2(sorted[len(sorted)-1]),
	}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// perSecond matches bench/stats.ts: a rate rounded to one decimal (0 for no time: JSON has no NaN).
func perSecond(count int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return math.Round(float64(count)/d.Seconds()*10) / 10
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
