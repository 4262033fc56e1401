/**
 * Child process: the baseline, a bare express 5 app on the same machine and node. It echoes a
 * JSON POST (`POST /echo`), not a GET hello-world, so it pays for what a web chat POST pays for at
 * the HTTP layer (reading a body, parsing JSON, serialising a JSON answer) and the ratio measures
 * what Switchboard adds on top: validation, store round trips, matching and the answer's stream.
 * Prints `{"benchPort": n}` when ready.
 */
import express from 'express';

const app = express();
app.post('/echo', express.json(), (req, res) => {
  res.json(req.body);
});

const server = app.listen(0, '127.0.0.1', (error?: Error) => {
  if (error) throw error;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ benchPort: port })}\n`);
});

function stop(): void {
  setTimeout(() => process.exit(1), 5_000).unref();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
