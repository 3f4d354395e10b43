package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/microsoft/durabletask-go/api"
	"github.com/microsoft/durabletask-go/task"
)

const (
	fanOutOrchestrator = "fanOutFanIn"
	identityActivity   = "identity"
)

// runW2 is bench/workloads/w2-fan-out.ts with the Go SDK: one orchestration schedules F activities
// at once and sums their results, once per size, one after another. Wall time runs from the start
// call to the server's completion stamp (the completion seen by the long-poll: observedWallMs).
//
// Flags: --address host:port [--sizes 1000,10000] [--timeout-s S]
func runW2(args []string) (map[string]any, error) {
	var c common
	fs := newFlags("w2", &c)
	sizesFlag := fs.String("sizes", "1000,10000", "fan-out sizes, comma-separated")
	if err := c.parse(fs, args); err != nil {
		return nil, err
	}
	var sizes []int
	for _, raw := range strings.Split(*sizesFlag, ",") {
		size, err := strconv.Atoi(raw)
		if err != nil {
			return nil, fmt.Errorf("--sizes: %w", err)
		}
		sizes = append(sizes, size)
	}
	ctx, cancel := c.deadline()
	defer cancel()

	var episodes, activities atomic.Int64
	registry := task.NewTaskRegistry()
	if err := registry.AddActivityN(identityActivity, func(ctx task.ActivityContext) (any, error) {
		activities.Add(1)
		var i int
		err := ctx.GetInput(&i)
		return i, err
	}); err != nil {
		return nil, err
	}
	if err := registry.AddOrchestratorN(fanOutOrchestrator, func(ctx *task.OrchestrationContext) (any, error) {
		episodes.Add(1)
		var count int
		if err := ctx.GetInput(&count); err != nil {
			return nil, err
		}
		tasks := make([]task.Task, count)
		for i := range tasks {
			tasks[i] = ctx.CallActivity(identityActivity, task.WithActivityInput(i))
		}
		sum := 0
		for _, t := range tasks {
			var v int
			if err := t.Await(&v); err != nil {
				return nil, err
			}
			sum += v
		}
		return sum, nil
	}); err != nil {
		return nil, err
	}
	s, err := startSDK(c.address, registry)
	if err != nil {
		return nil, err
	}
	defer s.close()

	fanOut := func(size int) (map[string]any, error) {
		episodes.Store(0)
		activities.Store(0)
		t0 := time.Now()
		id, err := s.client.ScheduleNewOrchestration(ctx, fanOutOrchestrator, api.WithInput(size))
		if err != nil {
			return nil, fmt.Errorf("starting fan-out %d: %w", size, err)
		}
		meta, err := s.client.WaitForOrchestrationCompletion(ctx, id, api.WithFetchPayloads(true))
		if err != nil {
			return nil, fmt.Errorf("waiting for fan-out %d (%s): %w", size, id, err)
		}
		observedWall := time.Since(t0)
		if err := checkOutcome(id, meta, strconv.Itoa(size*(size-1)/2)); err != nil {
			return nil, fmt.Errorf("%w (fan-out %d)", err, size)
		}
		// Timed to the server's completion stamp, as W1 is (the observation, if the stamp is implausible).
		wall := meta.LastUpdatedAt.Sub(t0)
		if wall < 0 || wall > observedWall+5*time.Millisecond {
			wall = observedWall
		}
		fmt.Fprintf(os.Stderr, "[w2] fan-out %d: %d ms, %d episodes\n", size, wall.Milliseconds(), episodes.Load())
		return map[string]any{
			"fanOut":             size,
			"wallMs":             millis(wall),
			"observedWallMs":     millis(observedWall),
			"activitiesPerSec":   perSecond(size, wall),
			"workItemsPerSec":    perSecond(int(episodes.Load()+activities.Load()), wall),
			"episodes":           episodes.Load(),
			"activityExecutions": activities.Load(),
		}, nil
	}
	if _, err := fanOut(10); err != nil { // warm-up
		return nil, err
	}
	runs := []map[string]any{}
	for _, size := range sizes {
		run, err := fanOut(size)
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
	}
	return map[string]any{"runs": runs}, nil
}
