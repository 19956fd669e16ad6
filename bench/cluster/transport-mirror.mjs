// The transport question of bench/cluster (issue 14, item 3): would HTTP/2 between gateway and worker do
// as well as jitar's channels? jitar's worker speaks HTTP/1.1 and channels only, so HTTP/2 cannot be put
// between the real gateway and worker without building the transport first. This harness mirrors the
// gateway's forwarding instead, with everything but the transport the same:
//
//   back:  PORT=… H2_PORT=… node transport-mirror.mjs back
//          one process: an HTTP server taking jitar channels (jitar's own ChannelServer, from lib/) on PORT,
//          and an HTTP/2 server over cleartext (prior knowledge, node:http2) on H2_PORT; both answer
//          `GET /rpc/domain/sayHello?name=John` with `Hello, John!`, doing the same work.
//   front: PORT=… TARGET=<origin> TRANSPORT=channel|http2 node transport-mirror.mjs front
//          an HTTP/1.1 server (node:http, as the gateway's forwarding path is) that passes every request on
//          to TARGET with its end-to-end headers, over one channel (jitar's ChannelClient, as the gateway
//          uses it) or over one HTTP/2 session (node:http2), and answers with what came back.
//
// GET /health answers on both. Started and stopped (SIGTERM, by PID) by bench/cluster/run.mjs through
// http2-rows.mjs.

import { createServer } from 'node:http';
import http2 from 'node:http2';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lib = (path) => import(pathToFileURL(join(repo, 'lib', 'runtime', path)).href);

const role = process.argv[2];
const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0 || (role !== 'back' && role !== 'front')) {
  console.error('usage: PORT=<port> node transport-mirror.mjs back|front (see the top of the file)');
  process.exit(2);
}

/** The hop-by-hop headers a forwarding server drops (HTTP/2 refuses them, too). */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'host']);

const ANSWER_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'x-jitar-content-type': 'text/plain' };
const hello = (path) => `Hello, ${new URLSearchParams(path.slice(path.indexOf('?') + 1)).get('name')}!`;

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child() { return silent; }, isLevelEnabled: () => false };

const servers = [];

if (role === 'back') {
  const { ChannelServer } = await lib('channel/channel-server.js');
  // A service's defaults, as the service file leaves them.
  const { CONNECTION_DEFAULTS } = await lib('services/service-config.js');
  const channels = new ChannelServer({
    handle: async (request) => ({ status: 200, headers: ANSWER_HEADERS, body: hello(request.path) }),
    bodyLimit: 1024 * 1024,
    log: silent,
    limits: CONNECTION_DEFAULTS,
  });
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
  });
  channels.attach(server);
  server.listen(port, '127.0.0.1');
  servers.push(server);

  const h2Port = Number(process.env.H2_PORT);
  const h2 = http2.createServer();
  h2.on('stream', (stream, headers) => {
    const path = headers[':path'];
    stream.on('data', () => {});
    stream.respond({ ':status': 200, ...ANSWER_HEADERS });
    stream.end(path === '/health' ? '{}' : hello(path));
  });
  h2.listen(h2Port, '127.0.0.1');
  servers.push(h2);
} else {
  const target = process.env.TARGET;
  const transport = process.env.TRANSPORT;
  let send;
  if (transport === 'channel') {
    const { ChannelClient } = await lib('channel/channel-client.js');
    const client = new ChannelClient(10_000);
    send = async (method, path, rawHeaders, body) => {
      const headers = [];
      for (let i = 0; i < rawHeaders.length; i += 2) if (!HOP.has(rawHeaders[i].toLowerCase())) headers.push(rawHeaders[i], rawHeaders[i + 1]);
      const answer = await client.send(target, { method, path, headers, body });
      return { status: answer.status, contentType: answer.headers['content-type'], body: answer.body };
    };
  } else if (transport === 'http2') {
    // One session, as one channel: HTTP/2 multiplexes the requests in flight over it.
    let session;
    const current = () => {
      if (session === undefined || session.closed || session.destroyed) {
        session = http2.connect(target);
        session.on('error', () => { session = undefined; });
      }
      return session;
    };
    send = (method, path, rawHeaders, body) => new Promise((done, failed) => {
      const headers = { ':method': method, ':path': path };
      for (let i = 0; i < rawHeaders.length; i += 2) {
        const name = rawHeaders[i].toLowerCase();
        if (!HOP.has(name)) headers[name] = rawHeaders[i + 1];
      }
      const stream = current().request(headers, { endStream: body.length === 0 });
      if (body.length > 0) stream.end(body);
      let status = 502;
      let contentType;
      const chunks = [];
      stream.on('response', (answer) => {
        status = answer[':status'];
        contentType = answer['content-type'];
      });
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => done({ status, contentType, body: Buffer.concat(chunks) }));
      stream.on('error', failed);
    });
  } else {
    console.error('TRANSPORT must be channel or http2');
    process.exit(2);
  }

  const server = createServer((request, response) => {
    if (request.url === '/health') {
      response.end('{}');
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      send(request.method, request.url, request.rawHeaders, Buffer.concat(chunks)).then((answer) => {
        response.writeHead(answer.status, { 'content-type': answer.contentType });
        response.end(answer.body);
      }, (error) => {
        response.writeHead(502);
        response.end(String(error));
      });
    });
  });
  server.keepAliveTimeout = 72_000;
  server.listen(port, '127.0.0.1');
  servers.push(server);
}

// Nothing to finish: the benchmark is over when it stops this.
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
