package main

// Scenarios that start orchestrations, raise events and read what came out.

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/microsoft/durabletask-go/api"
)

// namedEvent is a catalogue `[name, data]` pair.
type namedEvent [2]json.RawMessage

func (e namedEvent) name() (string, error) {
	var name string
	err := json.Unmarshal(e[0], &name)
	return name, err
}

func (d *driver) raise(ctx context.Context, id api.InstanceID, e namedEvent) error {
	name, err := e.name()
	if err != nil {
		return fmt.Errorf("bad event name: %w", err)
	}
	return d.client.RaiseEvent(ctx, id, name, api.WithRawEventData(string(e[1])))
}

func emptyOrchestrationScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string          `json:"orchestration"`
		Value         json.RawMessage `json:"value"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	observe := func(value json.RawMessage) (*api.OrchestrationMetadata, map[string]any, error) {
		id, err := d.start(ctx, run, in.Orchestration, value)
		if err != nil {
			return nil, nil, err
		}
		meta, err := d.waitDone(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		observed := statusOutput(meta)
		observed["input"] = decodeJSON(meta.SerializedInput)
		return meta, observed, nil
	}
	meta, echo, err := observe(in.Value)
	if err != nil {
		return nil, err
	}
	echo["name"] = meta.Name
	_, bare, err := observe(nil)
	if err != nil {
		return nil, err
	}
	return map[string]any{"echo": echo, "bare": bare}, nil
}

func subOrchestrationScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string          `json:"orchestration"`
		Value         json.RawMessage `json:"value"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	parent, id, err := d.runToEnd(ctx, run, in.Orchestration, in.Value)
	if err != nil {
		return nil, err
	}
	child, err := d.existing(ctx, id+"-child")
	if err != nil {
		return nil, err
	}
	childObserved := statusOutput(child)
	childObserved["name"] = child.Name
	return map[string]any{"parent": parent, "child": childObserved}, nil
}

func externalEventsScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string       `json:"orchestration"`
		Events        []namedEvent `json:"events"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id, err := d.start(ctx, run, in.Orchestration, nil)
	if err != nil {
		return nil, err
	}
	for _, e := range in.Events {
		if err := d.raise(ctx, id, e); err != nil {
			return nil, err
		}
	}
	return d.finished(ctx, id)
}

func eventTimeoutFiresScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string          `json:"orchestration"`
		Value         json.RawMessage `json:"value"`
		LateEvent     namedEvent      `json:"lateEvent"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	result, id, err := d.runToEnd(ctx, run, in.Orchestration, in.Value)
	if err != nil {
		return nil, err
	}
	_ = d.raise(ctx, id, in.LateEvent) // the instance has finished: an error is as good as nothing
	later, err := d.existing(ctx, id)
	if err != nil {
		return nil, err
	}
	return map[string]any{"result": result, "later": statusOutput(later)}, nil
}

func eventTimeoutBeatenScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string          `json:"orchestration"`
		Value         json.RawMessage `json:"value"`
		Event         namedEvent      `json:"event"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id, err := d.startStarted(ctx, run, in.Orchestration, in.Value)
	if err != nil {
		return nil, err
	}
	if err := d.raise(ctx, id, in.Event); err != nil {
		return nil, err
	}
	return d.finished(ctx, id)
}

func continueAsNewScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string          `json:"orchestration"`
		Value         json.RawMessage `json:"value"`
		Items         []int           `json:"items"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id, err := d.start(ctx, run, in.Orchestration, in.Value)
	if err != nil {
		return nil, err
	}
	for _, n := range in.Items {
		name, data := fmt.Sprintf("item-%d", n), fmt.Sprintf("e%d", n)
		if err := d.client.RaiseEvent(ctx, id, name, api.WithEventPayload(data)); err != nil {
			return nil, err
		}
	}
	meta, err := d.waitDone(ctx, id)
	if err != nil {
		return nil, err
	}
	observed := statusOutput(meta)
	observed["input"] = decodeJSON(meta.SerializedInput)
	return observed, nil
}

func customStatusScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string     `json:"orchestration"`
		Event         namedEvent `json:"event"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	id, err := d.start(ctx, run, in.Orchestration, nil)
	if err != nil {
		return nil, err
	}
	var running *api.OrchestrationMetadata
	err = pollUntil(ctx, "waiting for a custom status", func() (bool, error) {
		meta, err := d.state(ctx, id)
		running = meta
		return meta != nil && decodeJSON(meta.SerializedCustomStatus) != nil, err
	})
	if err != nil {
		return nil, err
	}
	if err := d.raise(ctx, id, in.Event); err != nil {
		return nil, err
	}
	meta, err := d.waitDone(ctx, id)
	if err != nil {
		return nil, err
	}
	result := statusOutput(meta)
	result["customStatus"] = decodeJSON(meta.SerializedCustomStatus)
	return map[string]any{
		"running": map[string]any{"status": statusName(running.RuntimeStatus), "customStatus": decodeJSON(running.SerializedCustomStatus)},
		"result":  result,
	}, nil
}

func falsyValuesScenario(d *driver, ctx context.Context, run *scenarioRun, input json.RawMessage) (any, error) {
	var in struct {
		Orchestration string            `json:"orchestration"`
		Values        []json.RawMessage `json:"values"`
	}
	if err := fields(input, &in); err != nil {
		return nil, err
	}
	observed := []any{}
	for _, v := range in.Values {
		id, err := d.start(ctx, run, in.Orchestration, v)
		if err != nil {
			return nil, err
		}
		meta, err := d.waitDone(ctx, id)
		if err != nil {
			return nil, err
		}
		o := statusOutput(meta)
		o["input"] = decodeJSON(meta.SerializedInput)
		observed = append(observed, o)
	}
	return observed, nil
}
