/**
 * What a handler of the data plane sees of one call, whatever carries it (transport/): the
 * decoded request, the request's metadata, the peer, and the end of the call. A unary handler
 * returns its response (or rejects with the error its status comes from); a server-streaming
 * handler writes messages with backpressure and ends or fails the stream.
 */

/** The request's custom metadata (HTTP/2 headers). Text values as sent; `-bin` keys decoded. */
export interface CallMetadata {
  get(key: string): string | undefined;
  binary(key: string): Buffer | undefined;
}

export interface RpcCall<Req = unknown> {
  /** The full path, e.g. `/TaskHubSidecarService/StartInstance`. */
  readonly method: string;
  readonly request: Req;
  readonly metadata: CallMetadata;
  /** `address:port` of the client. */
  readonly peer: string;
  /** True once the call has ended: answered, cancelled by the client, past its deadline or cut by shutdown. */
  readonly ended: boolean;
  /** Calls `listener` once when the call ends (at once if it has). */
  onEnd(listener: () => void): void;
}

export interface StreamCall<Req = unknown, Res = unknown> extends RpcCall<Req> {
  /** Writes one response message; `onTaken` once the transport has taken it, or dropped it with the stream. */
  write(message: Res, onTaken?: () => void): void;
  /** Ends the stream with status OK. */
  end(): void;
  /** Ends the stream with the status of `error`. */
  fail(error: unknown): void;
}

export type UnaryHandler = (call: RpcCall<never>) => Promise<unknown>;
export type StreamHandler = (call: StreamCall<never, never>) => void;

/** One RPC's implementation: the transport knows which kind a method is from its definition. */
export type RpcHandler = { unary: UnaryHandler } | { stream: StreamHandler };

export function unaryHandler<Req, Res>(run: (call: RpcCall<Req>) => Promise<Res>): RpcHandler {
  return { unary: run as UnaryHandler };
}

export function streamHandler<Req, Res>(run: (call: StreamCall<Req, Res>) => void): RpcHandler {
  return { stream: run as StreamHandler };
}
