/**
 * Public face of the client: send one streaming OpenAI request and get back its raw record.
 * The rest of llmload imports from here only.
 */
export type { ChatMessage, ClientConfig, Endpoint, Job, RequestSpec } from "./types.ts";
export { type ApiPath, buildRequest, type BuiltRequest } from "./request_body.ts";
export { createSseDecoder, type SseDecoder } from "./sse.ts";
export { createStreamState, interpretChunk, type StreamState } from "./chunk.ts";
export type { HeaderLookup, Transport, TransportRequest, TransportResponse } from "./transport.ts";
export {
  createFetchTransport,
  fetchTransport,
  type FetchTransportOptions,
} from "./fetch_transport.ts";
export {
  createSocketTransport,
  SOCKET_READ_BUFFER_BYTES,
  type SocketTransport,
  type SocketTransportOptions,
} from "./socket_transport.ts";
export {
  DRAIN_AFTER_DONE_MS,
  READ_BUFFER_BYTES,
  sendRequest,
  serverMessage,
} from "./stream_client.ts";
export { TargetGone } from "./target_gone.ts";
