/**
 * A server-sent-events response around `produce`, which writes with `send` until it
 * returns or `signal` aborts (the client went away). The 200 and its headers are sent
 * before `produce` runs, so a failure can only be logged (`onError`) and the stream ended.
 */
export function sseResponse(
  req: Request,
  produce: (send: (text: string) => void, signal: AbortSignal) => Promise<void>,
  onError: (err: unknown) => void,
): Response {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  req.signal.addEventListener("abort", () => abort.abort());
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!abort.signal.aborted) controller.enqueue(encoder.encode(text));
      };
      try {
        await produce(send, abort.signal);
      } catch (err) {
        if (!abort.signal.aborted) onError(err);
      }
      try {
        controller.close();
      } catch {}
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive" },
  });
}
