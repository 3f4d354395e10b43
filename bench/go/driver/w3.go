package main

import (
	"fmt"
	"time"

	"github.com/microsoft/durabletask-go/api"
	"github.com/microsoft/durabletask-go/task"
)

// runW3 is bench/workloads/w3-idle-latency.ts with the Go SDK: single hello sequences one after
// another on an otherwise idle server, a pause before each. Latency runs from just before the start
// call until the completion long-poll issued right after it returns (monotonic clock).
//
// Flags: --address host:port [--n 50] [--warmup 5] [--activities 3] [--pause-ms 20] [--timeout-s S]
func runW3(args []string) (map[string]any, error) {
	var c common
	fs := newFlags("w3", &c)
	n := fs.Int("n", 50, "measured orchestrations")
	warmup := fs.Int("warmup", 5, "unmeasured orchestrations first")
	activityCount := fs.Int("activities", 3, "activities per orchestration")
	pauseMs := fs.Int("pause-ms", 20, "idle gap before each orchestration")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	ctx, cancel := c.deadline()
	defer cancel()

	var count counters
	registry := task.NewTaskRegistry()
	if err := registerHelloSequence(registry, &count); err != nil {
		return nil, err
	}
	s, err := startSDK(c.address, registry)
	if err != nil {
		return nil, err
	}
	defer s.close()
	input := cities(*activityCount)
	expected := expectedOutput(input)

	var totals, starts []float64
	for i := 0; i < *warmup+*n; i++ {
		t0 := time.Now()
		id, err := s.client.ScheduleNewOrchestration(ctx, helloOrchestrator, api.WithInput(input))
		if err != nil {
			return nil, fmt.Errorf("start %d: %w", i, err)
		}
		t1 := time.Now()
		meta, err := s.client.WaitForOrchestrationCompletion(ctx, id, api.WithFetchPayloads(true))
		if err != nil {
			return nil, fmt.Errorf("waiting for %s: %w", id, err)
		}
		t2 := time.Now()
		if err := checkOutcome(id, meta, expected); err != nil {
			return nil, err
		}
		if i >= *warmup {
			totals = append(totals, millis(t2.Sub(t0)))
			starts = append(starts, millis(t1.Sub(t0)))
		}
		time.Sleep(time.Duration(*pauseMs) * time.Millisecond)
	}
	return map[string]any{"n": *n, "warmup": *warmup, "latencyMs": summarize(totals), "startCallMs": summarize(starts), "failed": 0}, nil
}
