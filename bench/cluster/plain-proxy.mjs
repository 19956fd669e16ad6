// The floor for a gateway built on Node's HTTP server and undici: a bare reverse proxy that passes every
// request to one fixed worker (TARGET), with no registry, balancing, retries or header filtering. The
// cluster benchmark measures it next to jitar's gateway, so that the cost of the gateway's own work shows.
//
//   PORT=3000 TARGET=http://127.0.0.1:3001 node bench/cluster/plain-proxy.mjs

import { createServer } from 'node:http';

import { Pool } from 'undici';

const port = Number(process.env.PORT);
const target = process.env.TARGET;
if (!Number.isInteger(port) || port <= 0 || target === undefined) {
  console.error('plain-proxy.mjs needs PORT=<port> and TARGET=<origin>');
  process.exit(2);
}

const pool = new Pool(target);

const server = createServer((request, response) => {
  if (request.url === '/health') {
    response.end('{}');
    return;
  }
  const chunks = [];
  let status = 0;
  let headers = {};
  pool.dispatch({ path: request.url, method: request.method, headers: [] }, {
    onRequestStart() {},
    onResponseStart(_controller, statusCode, responseHeaders) {
      status = statusCode;
      headers = responseHeaders;
    },
    onResponseData(_controller, chunk) {
      chunks.push(chunk);
    },
    onResponseEnd() {
      response.writeHead(status, { 'content-type': headers['content-type'], 'x-jitar-content-type': headers['x-jitar-content-type'] });
      response.end(Buffer.concat(chunks));
    },
    onResponseError(_controller, error) {
      response.writeHead(502);
      response.end(String(error));
    },
  });
  request.resume();
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1');

const stop = () => server.close(() => pool.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
