/**
 * Size and count limits. Every input is checked against one of these before it is accepted;
 * the values come from configuration, these are the defaults.
 */
export interface Limits {
  instanceIdLengthMax: number;
  nameLengthMax: number;
  /** Input, output, event data and custom status, each, in UTF-8 bytes. */
  payloadBytesMax: number;
  tagsCountMax: number;
  tagKeyLengthMax: number;
  tagValueLengthMax: number;
  /** Events in one execution's history; past it the orchestration is failed. */
  historyEventsMax: number;
  /** Actions in one orchestrator response. */
  actionsPerResponseMax: number;
  /** Levels of `innerFailure` in one failure's details (the failure itself is level 1). */
  failureDetailsDepthMax: number;
  /**
   * Embedded messages and repeated values in one request message, all fields together: what a
   * request may cost to decode (about 200 bytes of objects each).
   */
  requestElementsMax: number;
  /** Whole gRPC message, in bytes. */
  grpcMessageBytesMax: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  instanceIdLengthMax: 100,
  nameLengthMax: 256,
  payloadBytesMax: 16 * 1024 * 1024,
  tagsCountMax: 64,
  tagKeyLengthMax: 128,
  tagValueLengthMax: 1024,
  historyEventsMax: 500_000,
  actionsPerResponseMax: 100_000,
  failureDetailsDepthMax: 32,
  // Ten per action: the most actions one response may hold, each with its input, trace context and tags.
  requestElementsMax: 1_000_000,
  grpcMessageBytesMax: 256 * 1024 * 1024,
});
