import { describe, expect, it } from '@jest/globals';

import { GatewayLink } from '../../runtime/cluster/gateway-link.js';
import type { HttpAnswer, HttpRequest, Transport } from '../../runtime/transport/transport.js';
import type { RoutingTable } from '../../runtime/cluster/worker-state.js';

/**
 * A worker's side of its gateway against a scripted gateway: what it sends to a reference gateway (which
 * refuses unknown fields) and to one of ours, and when it registers again.
 */

interface Sent { method: string; path: string; headers: Record<string, string>; body: unknown }

function gateway(answer: (request: Sent) => [number, unknown]): { transport: Transport; sent: Sent[] }
{
    const sent: Sent[] = [];
    const transport: Transport = {
        send: async (_origin: string, request: HttpRequest): Promise<HttpAnswer> =>
        {
            const seen: Sent = {
                method: request.method, path: request.path, headers: request.headers as Record<string, string>,
                body: typeof request.body === 'string' ? JSON.parse(request.body) as unknown : undefined
            };
            sent.push(seen);
            const [status, body] = answer(seen);
            return { status, headers: {}, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
        },
        close: async () => undefined
    };
    return { transport, sent };
}

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function link(transport: Transport, onRoutes: (routes: RoutingTable) => void = () => undefined): GatewayLink
{
    return new GatewayLink({
        client: transport, gateway: 'http://127.0.0.1:1', url: 'http://127.0.0.1:2', procedureNames: ['a/b'],
        procedures: [{ fqn: 'a/b', version: '1.0.0' }], trustKey: undefined, reportInterval: 60_000,
        state: async () => 'available', onRoutes, log: silent
    });
}

describe('a worker registering', () =>
{
    it('at a reference gateway: refused for its extra fields, it registers again with only the reference\'s', async () =>
    {
        const { transport, sent } = gateway(request =>
        {
            const fields = Object.keys(request.body as object);
            const unknown = fields.find(field => !['url', 'procedureNames', 'trustKey'].includes(field));
            return unknown === undefined ? [200, { id: 'w1' }] : [400, `Unknown field '${unknown}'`];
        });
        const worker = link(transport);
        await worker.start();
        await worker.deregister();

        expect(worker.registered).toBe(false);
        expect(sent.map(request => [request.method, request.path, request.body])).toEqual([
            ['POST', '/workers', { url: 'http://127.0.0.1:2', procedureNames: ['a/b'], procedures: [{ fqn: 'a/b', version: '1.0.0' }], state: 'available' }],
            ['POST', '/workers', { url: 'http://127.0.0.1:2', procedureNames: ['a/b'] }],
            ['DELETE', '/workers/w1', undefined]
        ]);
    });

    it('at a gateway of ours: announces that it reads routes, and takes them', async () =>
    {
        const { transport, sent } = gateway(request => [200, request.headers['x-jitar-extensions'] === 'routes' ? { id: 'w1', routes: { 'a/b': ['http://127.0.0.1:2'] } } : { id: 'w1' }]);
        const tables: RoutingTable[] = [];
        const worker = link(transport, routes => tables.push(routes));
        await worker.start();
        await worker.deregister();

        expect(sent).toHaveLength(2);
        expect(tables).toEqual([{ 'a/b': ['http://127.0.0.1:2'] }]);
    });

    it('registers again when a report is refused, whatever the status (the reference answers 500 for an unknown id)', async () =>
    {
        let registrations = 0;
        const { transport, sent } = gateway(request =>
        {
            if (request.path === '/workers') return [200, { id: `w${++registrations}` }];
            return request.path === '/workers/w1/report' ? [500, 'Unknown worker id \'w1\''] : [200, {}];
        });
        const worker = link(transport);
        await worker.start();
        worker.refreshRoutes();
        // Waits for the state (registered anew), not for a time: the scripted gateway answers at once.
        while (registrations < 2) await new Promise(resolve => setImmediate(resolve));
        await worker.announceStopping();

        expect(sent.map(request => `${request.method} ${request.path}`)).toEqual([
            'POST /workers', 'POST /workers/w1/report', 'POST /workers', 'POST /workers/w2/report'
        ]);
    });
});
