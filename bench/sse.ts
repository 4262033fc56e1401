/**
 * A small Server-Sent Events parser over a response body (the part of the EventSource spec the
 * web chat stream uses), so the benchmark can time the moment an answer reaches the customer
 * without a browser or an extra dependency.
 */

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Yields each dispatched event until the body ends; comments and `retry:` lines are skipped. */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    // A line ends at \n, \r\n or \r; a trailing \r may be the first half of \r\n, so wait for more.
    const lines = buffer.split(/\r\n|\r(?!$)|\n/);
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') {
        // A blank line dispatches; an event without data lines is dropped, as EventSource does.
        if (data.length > 0)
          yield { event: event || 'message', data: data.join('\n'), ...(id ? { id } : {}) };
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
  }
}
