// The baseline of the start-up benchmark: a plain Fastify server with the routes and argument schemas of
// a jitar app, as bench/startup/run.mjs wrote them from the app's manifest into a routes file:
//
//   PORT=3000 node bench/startup/plain-fastify.mjs <routes.json>
//
// routes.json: { definitions: { $id, $defs }, routes: [{ url, schema }] }. Each route answers GET (query
// string, coerced as jitar coerces) and POST (JSON body, checked as sent), validated by Fastify with Ajv
// (draft 2020-12, as the manifest's schemas are; jitar's own keywords are annotations to it), and answers
// a fixed text. Listens on 127.0.0.1:$PORT.

import { readFileSync } from 'node:fs';

import { Ajv2020 } from 'ajv/dist/2020.js';
import Fastify from 'fastify';

const port = Number(process.env.PORT);
const file = process.argv[2];
if (!Number.isInteger(port) || port <= 0 || file === undefined) {
  console.error('usage: PORT=<port> node bench/startup/plain-fastify.mjs <routes.json>');
  process.exit(2);
}

const { definitions, routes } = JSON.parse(readFileSync(file, 'utf8'));

// Fastify's own Ajv options (coerceTypes 'array' for query strings), on draft 2020-12.
const keywords = ['jitarType', 'jitarClass', 'jitarKeys', 'jitarItems', 'jitarFinite'];
const options = { strictTuples: false, allowUnionTypes: true, allErrors: false, keywords };
const strict = new Ajv2020(options);
const coercing = new Ajv2020({ ...options, coerceTypes: 'array' });
for (const ajv of [strict, coercing]) ajv.addSchema(definitions);

const server = Fastify({ logger: false });
server.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'querystring' ? coercing : strict).compile(schema));

for (const { url, schema } of routes) {
  server.get(url, { schema: { querystring: schema } }, async (_request, reply) => reply.type('text/plain').send('ok'));
  server.post(url, { schema: { body: schema } }, async (_request, reply) => reply.type('text/plain').send('ok'));
}
server.get('/health', async () => ({ healthy: true }));

await server.listen({ host: '127.0.0.1', port });

const stop = () => server.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
