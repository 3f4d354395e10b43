package main

// The fault commands (schedule, wait) and the orchestrations and activities the fault tests use:
// FaultOrchestration (two activities around a timer, for the server killed mid-run) and
// BlockingOrchestration with BlockingActivity (for a worker killed mid-activity).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/microsoft/durabletask-go/api"
	"github.com/microsoft/durabletask-go/task"
)

// How many client calls the fault commands keep in flight at once.
const faultCallsInFlightMax = 50

// How many instances one schedule command may start, and the longest a wait may take.
const (
	scheduleCountMax = 10_000
	waitTimeoutSMax  = 600
)

type waitResult struct {
	ID     string          `json:"id"`
	Status string          `json:"status"`
	Output json.RawMessage `json:"output"`
}

// schedule starts count instances `<idPrefix><i>` for 1 <= i <= count, each with `input`, or
// with i when the command has none.
func (d *driver) schedule(ctx context.Context, cmd command) ([]string, error) {
	if cmd.Orchestration == "" || cmd.Count < 1 || cmd.Count > scheduleCountMax {
		return nil, fmt.Errorf("schedule needs an orchestration and a count of 1..%d", scheduleCountMax)
	}
	ids := make([]string, cmd.Count)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%d", cmd.IDPrefix, i+1)
	}
	err := forEachLimited(len(ids), func(i int) error {
		input := api.WithInput(i + 1)
		if len(cmd.Input) > 0 {
			input = api.WithRawInput(string(cmd.Input))
		}
		_, err := d.client.ScheduleNewOrchestration(ctx, cmd.Orchestration, api.WithInstanceID(api.InstanceID(ids[i])), input)
		return err
	})
	return ids, err
}

// wait waits for every instance to reach a terminal status, up to timeoutS in all; an instance
// still running then is reported with the status it has.
func (d *driver) wait(ctx context.Context, cmd command) ([]waitResult, error) {
	if cmd.TimeoutS <= 0 || cmd.TimeoutS > waitTimeoutSMax {
		return nil, fmt.Errorf("wait needs a timeoutS of (0, %d]", waitTimeoutSMax)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cmd.TimeoutS*float64(time.Second)))
	defer cancel()
	results := make([]waitResult, len(cmd.IDs))
	err := forEachLimited(len(cmd.IDs), func(i int) error {
		id := api.InstanceID(cmd.IDs[i])
		meta, err := d.client.WaitForOrchestrationCompletion(ctx, id)
		if err != nil && ctx.Err() != nil {
			// Timed out: report where it is, read with a context of its own.
			readCtx, readCancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer readCancel()
			meta, err = d.client.FetchOrchestrationMetadata(readCtx, id)
		}
		if err != nil {
			return fmt.Errorf("instance %s: %w", id, err)
		}
		results[i] = waitResult{ID: string(id), Status: statusName(meta.RuntimeStatus), Output: rawJSON(meta.SerializedOutput)}
		return nil
	})
	return results, err
}

// rawJSON passes a serialized output through as it is (its keys in their order); an absent one
// is null.
func rawJSON(serialized string) json.RawMessage {
	if serialized == "" || !json.Valid([]byte(serialized)) {
		b, _ := json.Marshal(decodeJSON(serialized))
		return b
	}
	return json.RawMessage(serialized)
}

// forEachLimited calls fn(0..n-1) with at most faultCallsInFlightMax at once; the first error wins.
func forEachLimited(n int, fn func(i int) error) error {
	slots := make(chan struct{}, faultCallsInFlightMax)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := 0; i < n; i++ {
		slots <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-slots; wg.Done() }()
			if err := fn(i); err != nil {
				once.Do(func() { first = err })
			}
		}(i)
	}
	wg.Wait()
	return first
}

// statusName is the protocol's status name without its ORCHESTRATION_STATUS_ prefix.
func statusName(s api.OrchestrationStatus) string {
	return strings.TrimPrefix(s.String(), "ORCHESTRATION_STATUS_")
}

// faultOrchestration: StepA doubles i, a one-second timer, StepB adds one; {i, b} comes out,
// so an instance that replays wrongly after a crash shows in its output.
func faultOrchestration(ctx *task.OrchestrationContext) (any, error) {
	var i, a, b int
	if err := ctx.GetInput(&i); err != nil {
		return nil, err
	}
	if err := ctx.CallActivity("StepA", task.WithActivityInput(i)).Await(&a); err != nil {
		return nil, err
	}
	if err := ctx.CreateTimer(time.Second).Await(nil); err != nil {
		return nil, err
	}
	if err := ctx.CallActivity("StepB", task.WithActivityInput(a)).Await(&b); err != nil {
		return nil, err
	}
	return faultResult{I: i, B: b}, nil
}

type faultResult struct {
	I int `json:"i"`
	B int `json:"b"`
}

func stepA(ctx task.ActivityContext) (any, error) {
	var n int
	err := ctx.GetInput(&n)
	return 2 * n, err
}

func stepB(ctx task.ActivityContext) (any, error) {
	var n int
	err := ctx.GetInput(&n)
	return n + 1, err
}

type blockingInput struct {
	InstanceID string `json:"instanceId"`
	Value      any    `json:"value"`
}

// blockingOrchestration runs BlockingActivity({instanceId, value}) and returns {first: result}:
// durabletask-go 0.6.0 gives an activity no other way to learn its instance id.
func blockingOrchestration(ctx *task.OrchestrationContext) (any, error) {
	in := blockingInput{InstanceID: string(ctx.ID)}
	if err := ctx.GetInput(&in.Value); err != nil {
		return nil, err
	}
	var result string
	if err := ctx.CallActivity("BlockingActivity", task.WithActivityInput(in)).Await(&result); err != nil {
		return nil, err
	}
	return map[string]string{"first": result}, nil
}

// blockingActivity in mode "return" returns "done:<value>" at once; in mode "block" (the
// default) it announces itself on stdout and never returns: the test kills this process.
func blockingActivity(d *driver, mode string) task.Activity {
	return func(ctx task.ActivityContext) (any, error) {
		var in blockingInput
		if err := ctx.GetInput(&in); err != nil {
			return nil, err
		}
		if mode == "return" {
			return fmt.Sprintf("done:%v", in.Value), nil
		}
		d.out.send(map[string]any{"event": "activity-started", "instanceId": in.InstanceID, "pid": os.Getpid()})
		<-ctx.Context().Done() // the worker stopped; until then, blocked
		return nil, ctx.Context().Err()
	}
}
