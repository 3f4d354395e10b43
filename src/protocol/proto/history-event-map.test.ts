import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServerError } from '../../domain/errors.ts';
import type { HistoryEvent, HistoryEventBody } from '../../domain/history-event.ts';
import { FULL, MINIMAL } from '../../../test/support/history-event-samples.ts';
import { historyEventFromProto, historyEventToProto } from './history-event-map.ts';
import { proto } from './load.ts';

const CASE = proto.HistoryEvent.EventtypeCase;

function roundTrip(e: HistoryEvent): HistoryEvent {
  const bytes = historyEventToProto(e).serializeBinary();
  return historyEventFromProto(proto.HistoryEvent.deserializeBinary(bytes));
}

function event(body: HistoryEventBody, eventId = 12, timestamp = 1_700_000_000_123): HistoryEvent {
  return { ...body, eventId, timestamp } as HistoryEvent;
}

describe('history event mapping', () => {
  it('covers all 28 event kinds', () => {
    assert.equal(Object.keys(FULL).length, 28);
    assert.equal(Object.values(CASE).filter((n) => n !== CASE.EVENTTYPE_NOT_SET).length, 28);
  });

  for (const [name, samples] of [['every optional field set', FULL], ['no optional field set', MINIMAL]] as const) {
    for (const body of Object.values(samples)) {
      it(`round-trips ${body.kind} with ${name}`, () => {
        const e = event(body);
        assert.deepStrictEqual(roundTrip(e), e);
      });
    }
  }

  it('sets the oneof case that matches the kind', () => {
    for (const body of Object.values(FULL)) {
      const m = historyEventToProto(event(body));
      assert.equal(m.getEventtypeCase(), CASE[body.kind.toUpperCase() as keyof typeof CASE], body.kind);
    }
  });

  it('keeps a present but empty string apart from an absent one', () => {
    const empty = event({ kind: 'eventRaised', name: '', input: '' });
    assert.deepStrictEqual(roundTrip(empty), empty);
    assert.equal('input' in roundTrip(event({ kind: 'eventRaised', name: 'x' })), false);
  });

  it('reads an empty tag map as absent', () => {
    const e = event({ kind: 'taskScheduled', name: 'x', tags: {} });
    assert.equal('tags' in roundTrip(e), false);
  });

  it('keeps event ids, negative ids and millisecond timestamps', () => {
    for (const [eventId, timestamp] of [[-1, 0], [0, 1], [2_147_483_647, 1_700_000_000_999], [5, -1_500]] as const) {
      const e = event({ kind: 'orchestratorStarted' }, eventId, timestamp);
      assert.deepStrictEqual(roundTrip(e), e);
    }
  });

  it('serializes several field-less events that share one sub-message', () => {
    const list = [event({ kind: 'orchestratorStarted' }, -1, 1), event({ kind: 'orchestratorStarted' }, -1, 2)];
    const request = new proto.OrchestratorRequest().setPasteventsList(list.map(historyEventToProto));
    const back = proto.OrchestratorRequest.deserializeBinary(request.serializeBinary());
    assert.deepStrictEqual(back.getPasteventsList().map(historyEventFromProto), list);
  });

  it('does not alias the domain lock set', () => {
    const e = event(FULL.entityLockRequested);
    historyEventToProto(e).getEntitylockrequested()!.addLockset('@c@3');
    assert.deepStrictEqual(e, event(FULL.entityLockRequested));
  });

  it('rejects an event without an event type as INVALID_ARGUMENT', () => {
    const m = new proto.HistoryEvent().setEventid(3);
    assert.throws(() => historyEventFromProto(m), (error) => isServerError(error, 'INVALID_ARGUMENT'));
  });

  it('reads a missing timestamp as the epoch', () => {
    const m = new proto.HistoryEvent().setEventid(-1).setOrchestratorstarted(new proto.OrchestratorStartedEvent());
    assert.deepStrictEqual(historyEventFromProto(m), { kind: 'orchestratorStarted', eventId: -1, timestamp: 0 });
  });
});
