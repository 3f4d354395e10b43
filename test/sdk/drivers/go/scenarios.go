package main

// The client side of each catalogue scenario: what its `steps` say to start, raise, terminate
// and read, and the `observed` value it reports. Scenarios durabletask-go 0.6.0 cannot express
// are in exclusions.json, not here.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/microsoft/durabletask-go/api"
)

// The longest one scenario may take in the driver (the runner's own deadline is shorter).
const scenarioTimeout = 5 * time.Minute

type scenarioFunc func(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error)

var scenarios = map[string]scenarioFunc{
	"empty-orchestration":           emptyOrchestrationScenario,
	"activity-sequence":             startAndObserve("names"),
	"fan-out-fan-in":                startAndObserve("value"),
	"sub-orchestration":             subOrchestrationScenario,
	"sub-orchestration-fan-out":     startAndObserve("value"),
	"timer":                         startAndObserve("value"),
	"external-events":               externalEventsScenario,
	"external-event-timeout-fires":  eventTimeoutFiresScenario,
	"external-event-timeout-beaten": eventTimeoutBeatenScenario,
	"terminate":                     terminateScenario,
	"terminate-recursive":           terminateRecursiveScenario,
	"suspend-resume":                suspendResumeScenario,
	"continue-as-new":               continueAsNewScenario,
	"custom-status":                 customStatusScenario,
	"falsy-values":                  falsyValuesScenario,
	"already-exists":                alreadyExistsScenario,
	"exists-false":                  existsFalseScenario,
	"purge-by-id":                   purgeByIDScenario,
}

func (d *driver) runScenario(ctx context.Context, id string, input json.RawMessage) (any, error) {
	fn, ok := scenarios[id]
	if !ok {
		return nil, fmt.Errorf("the Go driver has no scenario %q (add it, or exclude it with a reason)", id)
	}
	ctx, cancel := context.WithTimeout(ctx, scenarioTimeout)
	defer cancel()
	return fn(d, ctx, newScenarioRun(id), input)
}

// scenarioRun mints the instance ids of one run of one scenario: `<scenario>-<random>-<n>`, so
// concurrent scenarios and repeated runs never share an id.
type scenarioRun struct {
	prefix string
	next   atomic.Int64
}

func newScenarioRun(id string) *scenarioRun {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return &scenarioRun{prefix: fmt.Sprintf("go-%s-%s", id, hex.EncodeToString(b))}
}

func (r *scenarioRun) newID() api.InstanceID {
	return api.InstanceID(fmt.Sprintf("%s-%d", r.prefix, r.next.Add(1)))
}

// fields picks the named members of a scenario's input object.
func fields(input json.RawMessage, into any) error {
	if err := json.Unmarshal(input, into); err != nil {
		return fmt.Errorf("bad scenario input: %w", err)
	}
	return nil
}

// start schedules `name` under a new id; input is raw JSON, or nil for no input at all.
func (d *driver) start(ctx context.Context, run *scenarioRun, name string, input json.RawMessage) (api.InstanceID, error) {
	id := run.newID()
	return id, d.startAs(ctx, id, name, input)
}

func (d *driver) startAs(ctx context.Context, id api.InstanceID, name string, input json.RawMessage) error {
	opts := []api.NewOrchestrationOptions{api.WithInstanceID(id)}
	if input != nil {
		opts = append(opts, api.WithRawInput(string(input)))
	}
	_, err := d.client.ScheduleNewOrchestration(ctx, name, opts...)
	return err
}

func (d *driver) waitDone(ctx context.Context, id api.InstanceID) (*api.OrchestrationMetadata, error) {
	meta, err := d.client.WaitForOrchestrationCompletion(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("waiting for %s: %w", id, err)
	}
	return meta, nil
}

// startStarted starts `name` under a new id and waits until it has started running.
func (d *driver) startStarted(ctx context.Context, run *scenarioRun, name string, input json.RawMessage) (api.InstanceID, error) {
	id, err := d.start(ctx, run, name, input)
	if err == nil {
		_, err = d.client.WaitForOrchestrationStart(ctx, id)
	}
	return id, err
}

// finished waits for the instance to finish and observes {status, output}.
func (d *driver) finished(ctx context.Context, id api.InstanceID) (map[string]any, error) {
	meta, err := d.waitDone(ctx, id)
	if err != nil {
		return nil, err
	}
	return statusOutput(meta), nil
}

// state reads an instance; nil (no error) when it does not exist.
func (d *driver) state(ctx context.Context, id api.InstanceID) (*api.OrchestrationMetadata, error) {
	meta, err := d.client.FetchOrchestrationMetadata(ctx, id)
	if errors.Is(err, api.ErrInstanceNotFound) {
		return nil, nil
	}
	return meta, err
}

// existing reads an instance that must exist.
func (d *driver) existing(ctx context.Context, id api.InstanceID) (*api.OrchestrationMetadata, error) {
	meta, err := d.state(ctx, id)
	if err == nil && meta == nil {
		err = fmt.Errorf("instance %s does not exist", id)
	}
	return meta, err
}

func statusOutput(meta *api.OrchestrationMetadata) map[string]any {
	return map[string]any{"status": statusName(meta.RuntimeStatus), "output": decodeJSON(meta.SerializedOutput)}
}

// runToEnd starts `name` with input and returns {status, output} once it has finished.
func (d *driver) runToEnd(ctx context.Context, run *scenarioRun, name string, input json.RawMessage) (map[string]any, api.InstanceID, error) {
	id, err := d.start(ctx, run, name, input)
	if err != nil {
		return nil, id, err
	}
	observed, err := d.finished(ctx, id)
	return observed, id, err
}

// startAndObserve: start input.orchestration with input[inputKey]; observe {status, output}.
func startAndObserve(inputKey string) scenarioFunc {
	return func(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
		var in map[string]json.RawMessage
		if err := fields(input, &in); err != nil {
			return nil, err
		}
		var name string
		if err := json.Unmarshal(in["orchestration"], &name); err != nil {
			return nil, fmt.Errorf("bad scenario input: orchestration: %w", err)
		}
		observed, _, err := d.runToEnd(ctx, run, name, in[inputKey])
		return observed, err
	}
}

// pollUntil calls check every 100 ms until it reports done, fails, or ctx ends.
func pollUntil(ctx context.Context, what string, check func() (bool, error)) error {
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
