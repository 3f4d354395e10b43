package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/microsoft/durabletask-go/api"
	"github.com/microsoft/durabletask-go/task"
)

// runW1 is bench/workloads/w1-sequence.ts with the Go SDK: N hello sequences of A activities, all
// started at once, then awaited by K waiters walking them in start order. Per-instance latency is
// the server's completion stamp (lastUpdatedAt) minus the time the start call was issued, or the
// time the waiter saw it when the stamp is implausible; wall time runs from the first start call to
// the last completion so taken (the last one observed is kept as observedWallMs).
//
// Flags: --address host:port --n N --activities A [--waiters 32] [--warmup 5] [--timeout-s S]
func runW1(args []string) (map[string]any, error) {
	var c common
	fs := newFlags("w1", &c)
	n := fs.Int("n", 1000, "orchestrations")
	activityCount := fs.Int("activities", 3, "activities per orchestration")
	waiters := fs.Int("waiters", 32, "concurrent completion waits")
	warmup := fs.Int("warmup", 5, "unmeasured orchestrations first")
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

	// Warm-up: opens the work-item stream and the client connection.
	for i := 0; i < *warmup; i++ {
		id, err := s.client.ScheduleNewOrchestration(ctx, helloOrchestrator, api.WithInput(input))
		if err != nil {
			return nil, fmt.Errorf("warm-up start: %w", err)
		}
		meta, err := s.client.WaitForOrchestrationCompletion(ctx, id, api.WithFetchPayloads(true))
		if err != nil {
			return nil, fmt.Errorf("warm-up wait: %w", err)
		}
		if err := checkOutcome(id, meta, expected); err != nil {
			return nil, err
		}
	}
	count.reset()

	ids := make([]api.InstanceID, *n)
	for i := range ids {
		ids[i] = api.InstanceID(fmt.Sprintf("w1-%d-%s", i, uuid.NewString()))
	}
	startedAt := make([]time.Time, *n)
	t0 := time.Now()
	if err := startAll(ctx, s, ids, startedAt, input); err != nil {
		return nil, err
	}
	startPhase := time.Since(t0)

	w, err := awaitAll(ctx, s, ids, startedAt, expected, *waiters)
	if err != nil {
		return nil, err
	}
	wall := w.lastCompleted.Sub(t0)
	workItems := count.workItems()
	return map[string]any{
		"n":                          *n,
		"activitiesPerOrchestration": *activityCount,
		"wallMs":                     millis(wall),
		"observedWallMs":             millis(w.lastObserved.Sub(t0)),
		"startPhaseMs":               millis(startPhase),
		"startsPerSec":               perSecond(*n, startPhase),
		"orchestrationsPerSec":       perSecond(*n, wall),
		"workItemsPerSec":            perSecond(workItems, wall),
		"episodes":                   count.episodes.Load(),
		"activityExecutions":         count.activities.Load(),
		"workItems":                  workItems,
		"latencyMs":                  summarize(w.latencies),
		"failed":                     0,
		"wrongOutput":                0,
		"stampFallbacks":             w.stampFallbacks,
		"waiters":                    *waiters,
		"nodes":                      1,
	}, nil
}

// startAll issues every start call at once (one goroutine each, as the JavaScript variant's
// Promise.all does) and returns the first error.
func startAll(ctx context.Context, s *sdk, ids []api.InstanceID, startedAt []time.Time, input []string) error {
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			startedAt[i] = time.Now()
			_, errs[i] = s.client.ScheduleNewOrchestration(ctx, helloOrchestrator, api.WithInstanceID(id), api.WithInput(input))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("starting %s: %w", ids[i], err)
		}
	}
	return nil
}

type waited struct {
	latencies                   []float64
	lastCompleted, lastObserved time.Time
	stampFallbacks              int64
}

// awaitAll waits for every instance with `waiters` concurrent long-polls and checks each outcome;
// the first wrong one (in start order) fails the run.
func awaitAll(ctx context.Context, s *sdk, ids []api.InstanceID, startedAt []time.Time, expected string, waiters int) (waited, error) {
	latencies := make([]float64, len(ids))
	outcomes := make([]error, len(ids))
	completedAt := make([]time.Time, len(ids))
	observedAt := make([]time.Time, len(ids))
	var next, fallbacks atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(waiters, len(ids)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(ids); i = int(next.Add(1) - 1) {
				meta, err := s.client.WaitForOrchestrationCompletion(ctx, ids[i], api.WithFetchPayloads(true))
				observed := time.Now()
				observedAt[i] = observed
				if err != nil {
					outcomes[i] = fmt.Errorf("waiting for %s: %w", ids[i], err)
					continue
				}
				outcomes[i] = checkOutcome(ids[i], meta, expected)
				stamp := meta.LastUpdatedAt
				if stamp.Before(startedAt[i]) || stamp.After(observed.Add(5*time.Millisecond)) {
					fallbacks.Add(1)
					stamp = observed
				}
				completedAt[i] = stamp
				latencies[i] = millis(stamp.Sub(startedAt[i]))
			}
		}()
	}
	wg.Wait()
	result := waited{latencies: latencies, stampFallbacks: fallbacks.Load()}
	for i, err := range outcomes {
		if err != nil {
			return result, fmt.Errorf("%w (%d of %d instances wrong)", err, countErrors(outcomes), len(ids))
		}
		result.lastCompleted = later(result.lastCompleted, completedAt[i])
		result.lastObserved = later(result.lastObserved, observedAt[i])
	}
	return result, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func countErrors(errs []error) int {
	n := 0
	for _, err := range errs {
		if err != nil {
			n++
		}
	}
	return n
}
