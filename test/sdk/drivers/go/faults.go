package main

// The fault commands (schedule, wait) and the orchestrations and activities the fault tests use:
// FaultSteps (two activities around a timer, for the server killed mid-run) and
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
	ID     string `json:"id"`
	Status string `json:"status"`
	Output any    `json:"output"`
}

// schedule starts count instances `<idPrefix><i>`. An input that is an array of count items
// gives item i to instance i; any other input goes to every instance.
func (d *driver) schedule(ctx context.Context, cmd command) ([]string, error) {
	if cmd.Orchestration == "" || cmd.Count < 1 || cmd.Count > scheduleCountMax {
		return nil, fmt.Errorf("schedule needs an orchestration and a count of 1..%d", scheduleCountMax)
	}
	inputs := make([]json.RawMessage, cmd.Count)
	var items []json.RawMessage
	if json.Unmarshal(cmd.Input, &items) == nil && len(items) == cmd.Count {
		copy(inputs, items)
	} else {
		for i := range inputs {
			inputs[i] = cmd.Input
		}
	}
	ids := make([]string, cmd.Count)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%d", cmd.IDPrefix, i)
	}
	err := forEachLimited(len(ids), func(i int) error {
		opts := []api.NewOrchestrationOptions{api.WithInstanceID(api.InstanceID(ids[i]))}
		if len(inputs[i]) > 0 && string(inputs[i]) != "null" {
			opts = append(opts, api.WithRawInput(string(inputs[i])))
		}
		_, err := d.client.ScheduleNewOrchestration(ctx, cmd.Orchestration, opts...)
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
		results[i] = waitResult{ID: string(id), Status: statusName(meta.RuntimeStatus), Output: decodeJSON(meta.SerializedOutput)}
		return nil
	})
	return results, err
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

// faultSteps: stepA doubles the number, a one-second timer, stepB adds one; {i, b} comes out,
// so an instance that replays wrongly after a crash shows in its output.
func faultSteps(ctx *task.OrchestrationContext) (any, error) {
	var i int
	if err := ctx.GetInput(&i); err != nil {
		return nil, err
	}
	var a, b int
	if err := ctx.CallActivity("FaultStepA", task.WithActivityInput(i)).Await(&a); err != nil {
		return nil, err
	}
	if err := ctx.CreateTimer(time.Second).Await(nil); err != nil {
		return nil, err
	}
	if err := ctx.CallActivity("FaultStepB", task.WithActivityInput(a)).Await(&b); err != nil {
		return nil, err
	}
	return map[string]int{"i": i, "b": b}, nil
}

func faultStepA(ctx task.ActivityContext) (any, error) {
	var i int
	err := ctx.GetInput(&i)
	return i * 2, err
}

func faultStepB(ctx task.ActivityContext) (any, error) {
	var a int
	err := ctx.GetInput(&a)
	return a + 1, err
}

// blockingOrchestration runs BlockingActivity once and returns {"first": its result}. It adds
// its instance id to the activity's input: durabletask-go 0.6.0 gives an activity no other way
// to learn it.
func blockingOrchestration(ctx *task.OrchestrationContext) (any, error) {
	var in blockingInput
	if err := ctx.GetInput(&in); err != nil {
		return nil, err
	}
	in.InstanceID = string(ctx.ID)
	var result string
	if err := ctx.CallActivity("BlockingActivity", task.WithActivityInput(in)).Await(&result); err != nil {
		return nil, err
	}
	return map[string]string{"first": result}, nil
}

type blockingInput struct {
	Value string `json:"value"`
	// The driver process in which the activity blocks; in any other it returns at once.
	BlockInPid int    `json:"blockInPid"`
	InstanceID string `json:"instanceId"`
}

// blockingActivity announces itself on stdout, then blocks until the process is killed when
// this is the process its input names, else returns "done:<value>" at once.
func (d *driver) blockingActivity(ctx task.ActivityContext) (any, error) {
	var in blockingInput
	if err := ctx.GetInput(&in); err != nil {
		return nil, err
	}
	pid := os.Getpid()
	d.out.send(map[string]any{"event": "activity-started", "instanceId": in.InstanceID, "pid": pid})
	if in.BlockInPid == pid {
		select {} // until SIGKILL: the test kills this process here
	}
	return "done:" + in.Value, nil
}
