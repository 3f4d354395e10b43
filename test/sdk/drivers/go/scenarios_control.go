package main

// Scenarios that manage instances: terminate, suspend and resume, duplicate starts, reads of
// unknown ids, purge.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/microsoft/durabletask-go/api"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func terminateScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string          `json:"orchestration"`
		Output        json.RawMessage `json:"output"`
		Again         json.RawMessage `json:"again"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id, err := d.startStarted(ctx, run, in.Orchestration, nil)
	if err != nil {
		return nil, err
	}
	if err := d.client.TerminateOrchestration(ctx, id, api.WithRawOutput(string(in.Output))); err != nil {
		return nil, err
	}
	result, err := d.finished(ctx, id)
	if err != nil {
		return nil, err
	}
	_ = d.client.TerminateOrchestration(ctx, id, api.WithRawOutput(string(in.Again))) // may fail: it has ended
	later, err := d.existing(ctx, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"result": result, "later": statusOutput(later)}, nil
}

// waitRunning polls until the instance exists and is RUNNING (a sub-orchestration appears
// only once its parent's episode is committed).
func (d *driver) waitRunning(ctx context.Context, id api.InstanceID) error {
	return pollUntil(ctx, fmt.Sprintf("waiting for %s to run", id), func() (bool, error) {
		meta, err := d.state(ctx, id)
		return meta != nil && meta.RuntimeStatus == api.RUNTIME_STATUS_RUNNING, err
	})
}

func (d *driver) statusOf(ctx context.Context, id api.InstanceID) (map[string]any, error) {
	meta, err := d.waitDone(ctx, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"status": statusName(meta.RuntimeStatus)}, nil
}

func terminateRecursiveScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration     string          `json:"orchestration"`
		Output            json.RawMessage `json:"output"`
		FlatOrchestration string          `json:"flatOrchestration"`
		FlatOutput        json.RawMessage `json:"flatOutput"`
		Release           namedEvent      `json:"release"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	recursive, err := d.terminateTree(ctx, run, in.Orchestration, in.Output)
	if err != nil {
		return nil, err
	}
	parent, err := d.start(ctx, run, in.FlatOrchestration, nil)
	if err != nil {
		return nil, err
	}
	child := parent + "-child"
	if err := d.waitRunning(ctx, child); err != nil {
		return nil, err
	}
	if err := d.client.TerminateOrchestration(ctx, parent, api.WithRawOutput(string(in.FlatOutput)), api.WithRecursiveTerminate(false)); err != nil {
		return nil, err
	}
	parentResult, err := d.finished(ctx, parent)
	if err != nil {
		return nil, err
	}
	childAfter, err := d.existing(ctx, child)
	if err != nil {
		return nil, err
	}
	if err := d.raise(ctx, child, in.Release); err != nil {
		return nil, err
	}
	childResult, err := d.finished(ctx, child)
	if err != nil {
		return nil, err
	}
	flat := map[string]any{
		"parent":              parentResult,
		"childAfterTerminate": map[string]any{"status": statusName(childAfter.RuntimeStatus)},
		"child":               childResult,
	}
	return map[string]any{"recursive": recursive, "flat": flat}, nil
}

// terminateTree starts root -> child -> grandchild, terminates the root recursively once the
// grandchild runs, and observes all three when they have ended.
func (d *driver) terminateTree(ctx context.Context, run *scenarioRun, name string, output json.RawMessage) (map[string]any, error) {
	root, err := d.start(ctx, run, name, nil)
	if err != nil {
		return nil, err
	}
	if err := d.waitRunning(ctx, root+"-child-child"); err != nil {
		return nil, err
	}
	if err := d.client.TerminateOrchestration(ctx, root, api.WithRawOutput(string(output)), api.WithRecursiveTerminate(true)); err != nil {
		return nil, err
	}
	rootResult, err := d.finished(ctx, root)
	if err != nil {
		return nil, err
	}
	child, err := d.statusOf(ctx, root+"-child")
	if err != nil {
		return nil, err
	}
	grandchild, err := d.statusOf(ctx, root+"-child-child")
	if err != nil {
		return nil, err
	}
	return map[string]any{"root": rootResult, "child": child, "grandchild": grandchild}, nil
}

func suspendResumeScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string     `json:"orchestration"`
		Event         namedEvent `json:"event"`
		QuietS        float64    `json:"quietS"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id, err := d.startStarted(ctx, run, in.Orchestration, nil)
	if err != nil {
		return nil, err
	}
	if err := d.client.SuspendOrchestration(ctx, id, "suspended by the test"); err != nil {
		return nil, err
	}
	suspended, err := d.existing(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := d.raise(ctx, id, in.Event); err != nil {
		return nil, err
	}
	if err := sleep(ctx, time.Duration(in.QuietS*float64(time.Second))); err != nil {
		return nil, err
	}
	afterEvent, err := d.existing(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := d.client.ResumeOrchestration(ctx, id, "resumed by the test"); err != nil {
		return nil, err
	}
	result, err := d.finished(ctx, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"suspended":  statusName(suspended.RuntimeStatus),
		"afterEvent": statusName(afterEvent.RuntimeStatus),
		"result":     result,
	}, nil
}

// grpcStatusName is the gRPC status of err as the protocol spells it (ALREADY_EXISTS), "OK"
// for no error; an error that carries no gRPC status is returned as it is.
func grpcStatusName(err error) (string, error) {
	if err == nil {
		return "OK", nil
	}
	var withStatus interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &withStatus) {
		return "", err
	}
	return upperSnake(withStatus.GRPCStatus().Code()), nil
}

// upperSnake turns codes.AlreadyExists ("AlreadyExists") into "ALREADY_EXISTS".
func upperSnake(c codes.Code) string {
	var b strings.Builder
	for i, r := range c.String() {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func alreadyExistsScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string `json:"orchestration"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id, err := d.startStarted(ctx, run, in.Orchestration, nil)
	defer d.cleanUp(id)
	if err != nil {
		return nil, err
	}
	secondStart, err := grpcStatusName(d.startAs(ctx, id, in.Orchestration, nil))
	if err != nil {
		return nil, err
	}
	meta, err := d.existing(ctx, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"secondStart": secondStart, "status": statusName(meta.RuntimeStatus)}, nil
}

// cleanUp terminates an instance a scenario leaves running; it has its own deadline because
// the scenario's may have passed.
func (d *driver) cleanUp(id api.InstanceID) {
	ctx, cancel := context.WithTimeout(d.ctx, 10*time.Second)
	defer cancel()
	_ = d.client.TerminateOrchestration(ctx, id)
}

func existsFalseScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		WaitTimeoutS float64 `json:"waitTimeoutS"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id := run.newID()
	observe := func(meta *api.OrchestrationMetadata, err error) (any, error) {
		if errors.Is(err, api.ErrInstanceNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		return statusOutput(meta), nil
	}
	withPayloads, err := observe(d.client.FetchOrchestrationMetadata(ctx, id, api.WithFetchPayloads(true)))
	if err != nil {
		return nil, err
	}
	withoutPayloads, err := observe(d.client.FetchOrchestrationMetadata(ctx, id, api.WithFetchPayloads(false)))
	if err != nil {
		return nil, err
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Duration(in.WaitTimeoutS*float64(time.Second)))
	defer cancel()
	waited, err := observe(d.client.WaitForOrchestrationCompletion(waitCtx, id))
	if err != nil {
		return nil, err
	}
	return map[string]any{"withPayloads": withPayloads, "withoutPayloads": withoutPayloads, "waitForCompletion": waited}, nil
}

// purgedCount: durabletask-go 0.6.0 reports a purge that deleted nothing as ErrInstanceNotFound
// and one that deleted the instance as no error.
func (d *driver) purgedCount(ctx context.Context, id api.InstanceID) (int, error) {
	err := d.client.PurgeOrchestrationState(ctx, id)
	if errors.Is(err, api.ErrInstanceNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return 1, nil
}

func purgeByIDScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Completed string `json:"completed"`
		Running   string `json:"running"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	_, a, err := d.runToEnd(ctx, run, in.Completed, nil)
	if err != nil {
		return nil, err
	}
	b, err := d.startStarted(ctx, run, in.Running, nil)
	defer d.cleanUp(b)
	if err != nil {
		return nil, err
	}
	observed := map[string]any{}
	steps := []struct {
		key string
		id  api.InstanceID
	}{{"purgedCompleted", a}, {"purgedRunning", b}, {"purgedUnknown", run.newID()}}
	for _, s := range steps {
		n, err := d.purgedCount(ctx, s.id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.key, err)
		}
		observed[s.key] = n
	}
	afterPurge, err := d.state(ctx, a)
	if err != nil {
		return nil, err
	}
	observed["afterPurge"] = nil
	if afterPurge != nil {
		observed["afterPurge"] = statusOutput(afterPurge)
	}
	running, err := d.existing(ctx, b)
	if err != nil {
		return nil, err
	}
	observed["runningStatus"] = statusName(running.RuntimeStatus)
	return observed, nil
}
