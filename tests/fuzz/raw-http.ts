/**
 * One HTTP/1.1 exchange written on a bare TCP socket, with full control of the bytes. Not fetch or
 * node:http: fetch fixes up what the cases break on purpose, and both go through nock in tests
 * (tests/setup/no-network.ts), which mishandles some hostile URLs ("//%") and over-long headers
 * and then never answers — a failure of the test's client, not of the server.
 */
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded as far as the case wants it to be. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  /** The body as text; empty for an event stream, which is cut off once its headers arrive. */
  text: string;
}

const HEADER_END = '\r\n\r\n';

export function send(baseUrl: string, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const body = req.body ?? Buffer.alloc(0);
  const head = [
    `${req.method} ${req.path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    'connection: close',
    `content-length: ${body.length}`,
    ...Object.entries(req.headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');

  return new Promise<RawResponse>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const response = parse(Buffer.concat(chunks));
      if (response) resolve(response);
      else
        reject(
          error ?? new Error(`${req.method} ${req.path.slice(0, 80)}: connection closed without an answer`),
        );
    };
    const timer = setTimeout(
      () => finish(new Error(`${req.method} ${req.path.slice(0, 80)}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // A stream never ends by itself: its status and headers are the answer.
      if (parse(Buffer.concat(chunks))?.contentType.startsWith('text/event-stream')) finish();
    });
    socket.on('end', () => finish());
    // The server may answer (413, 401) and close before it has read a large body: what it said counts.
    socket.on('error', (error) => finish(error));
    socket.write(`${head}${HEADER_END}`);
    socket.write(body);
  });
}

/** Status, content type and body of a complete response; undefined until its headers are in. */
function parse(bytes: Buffer): RawResponse | undefined {
  const end = bytes.indexOf(HEADER_END);
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = new Map(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).trim().toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  const content = bytes.subarray(end + HEADER_END.length);
  const chunked = headers.get('transfer-encoding')?.toLowerCase() === 'chunked';
  return {
    status: Number(statusLine.split(' ')[1]),
    contentType: headers.get('content-type') ?? '',
    text: (chunked ? dechunk(content) : content).toString('utf8'),
  };
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
