// The baseline of the RPC benchmark: a plain Fastify server doing the work of `sayHello(name: string)`,
// with Fastify's own JSON-schema validation of `name` (as jitar validates the arguments too).
//
//   PORT=3000 node bench/rpc/plain-fastify.mjs
//
// Listens on 127.0.0.1:$PORT; `GET /health` answers once it is listening. Started (and stopped, by PID,
// with SIGTERM) by bench/rpc/run.mjs.

import Fastify from 'fastify';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('plain-fastify.mjs needs PORT=<port>');
  process.exit(2);
}

const nameSchema = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
  additionalProperties: false,
};

const server = Fastify({ logger: false });

server.get('/sayHello', { schema: { querystring: nameSchema } }, async (request, reply) => {
  return reply.type('text/plain').send(`Hello, ${request.query.name}!`);
});

server.post('/sayHello', { schema: { body: nameSchema } }, async (request, reply) => {
  return reply.type('text/plain').send(`Hello, ${request.body.name}!`);
});

server.get('/health', async () => ({ healthy: true }));

await server.listen({ host: '127.0.0.1', port });
console.log(`plain fastify ${server.version} serves http://127.0.0.1:${port}`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(() => process.exit(0), (error) => {
    console.error(error);
    process.exit(1);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
