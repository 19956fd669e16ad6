import { describe, expect, it } from '@jest/globals';

import type { HttpAnswer, HttpRequest } from '../../runtime/transport/transport.js';
import { ServerError, Unauthorized, WorkerUnavailable } from '../../runtime/errors.js';
import { withMiddleware } from '../../runtime/http/forwarding-middleware.js';
import type { Forward } from '../../runtime/http/forwarding.js';
import type { Middleware, NextHandler } from '../../runtime/middleware/middleware.js';
import type { Request } from '../../runtime/middleware/request.js';
import { Response } from '../../runtime/middleware/response.js';

/**
 * The middleware chain of a forwarding process without a transport: a forward that records what it was
 * sent and answers what a worker would, and middleware written for each case.
 */

interface Recorder
{
    forward: Forward;
    sent: HttpRequest[];
}

function recorder(answer: (request: HttpRequest) => HttpAnswer | Promise<HttpAnswer>): Recorder
{
    const sent: HttpRequest[] = [];
    return { sent, forward: async (_fqn, request) => { sent.push(request); return answer(request); } };
}

const text = (body: string, headers: HttpAnswer['headers'] = {}): HttpAnswer => ({
    status: 200, headers: { 'content-type': 'text/plain', 'x-jitar-content-type': 'text/plain', ...headers }, body: Buffer.from(body)
});

const jsonAnswer = (status: number, value: unknown): HttpAnswer => ({
    status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-jitar-content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value))
});

const middleware = (handle: (request: Request, next: NextHandler) => Promise<Response>): Middleware => ({ handle });

const get = (path: string, headers: string[] = []): HttpRequest => ({ method: 'GET', path, headers });
const post = (path: string, contentType: string, body: string, headers: string[] = []): HttpRequest => ({ method: 'POST', path, headers: ['Content-Type', contentType, ...headers], body: Buffer.from(body) });

describe('without middleware', () =>
{
    it('is the forward itself', () =>
    {
        const { forward } = recorder(() => text('x'));
        expect(withMiddleware([], forward)).toBe(forward);
    });
});

describe('the request', () =>
{
    it('goes on as the very object that came when middleware only reads it, arguments included', async () =>
    {
        const { forward, sent } = recorder(() => text('hi'));
        const seen: unknown[] = [];
        const incoming = post('/rpc/greet/hello', 'application/json', '{"name":"ann"}', ['Authorization', 'Bearer a']);
        await withMiddleware([middleware(async (request, next) =>
        {
            seen.push(request.fqn, request.version, request.getHeader('authorization'), request.args);
            return next();
        })], forward)('greet/hello', incoming);
        expect(sent).toEqual([incoming]);
        expect(sent[0]).toBe(incoming);
        expect(seen).toEqual(['greet/hello', '0.0.0', 'Bearer a', { name: 'ann' }]);
    });

    it('goes on with the headers middleware set and removed, without connection headers', async () =>
    {
        const { forward, sent } = recorder(() => text('hi'));
        await withMiddleware([middleware(async (request, next) =>
        {
            request.setHeader('X-User', 'ann');
            request.removeHeader('authorization');
            request.setHeader('connection', 'close');
            return next();
        })], forward)('a/b', get('/rpc/a/b?x=1', ['Authorization', 'Bearer a', 'X-Jitar-Procedure-Version', '1.2']));
        expect(sent[0]).toEqual({ method: 'GET', path: '/rpc/a/b?x=1', headers: ['x-jitar-procedure-version', '1.2', 'x-user', 'ann'] });
    });

    it.each([
        ['a query string, keeping serialize', get('/rpc/a/b?name=stranger&serialize=true'), { path: '/rpc/a/b?name=friend&extra=1&extra=2&serialize=true' }],
        ['a form', post('/rpc/a/b', 'application/x-www-form-urlencoded', 'name=stranger'), { body: 'name=friend&extra=1&extra=2' }],
        ['a JSON body', post('/rpc/a/b', 'application/json', '{"name":"stranger"}'), { body: '{"name":"friend","extra":[1,2]}' }]
    ])('goes on with the arguments middleware changed, encoded as they came: %s', async (_way, incoming, changed) =>
    {
        const { forward, sent } = recorder(() => text('hi'));
        await withMiddleware([middleware(async (request, next) =>
        {
            request.setArgument('name', 'friend');
            request.setArgument('extra', [1, 2]);
            return next();
        })], forward)('a/b', incoming);
        expect(sent[0]).toEqual({ ...incoming, ...changed });
    });

    it('gives the arguments of a serialized call in wire form: it rebuilds nothing', async () =>
    {
        const { forward } = recorder(() => text('hi'));
        const when = { serialized: true, name: 'Date', value: '2026-01-01T00:00:00.000Z' };
        let seen: unknown;
        await withMiddleware([middleware(async (request, next) => { seen = request.getArgument('when'); return next(); })], forward)(
            'a/b', post('/rpc/a/b', 'application/json', JSON.stringify({ when }), ['x-jitar-data-encoding', 'serialized']));
        expect(seen).toEqual(when);
    });

    it('refuses, as middleware\'s own fault, an argument that a query string cannot carry; nothing is sent', async () =>
    {
        const { forward, sent } = recorder(() => text('hi'));
        const failures: unknown[] = [];
        const chained = withMiddleware([middleware(async (request, next) => { request.setArgument('person', { name: 'ann' }); return next(); })], forward, error => failures.push(error));
        await expect(chained('a/b', get('/rpc/a/b'))).rejects.toThrow(new ServerError('Middleware set argument \'person\' to a value of type object, but the arguments of this call travel as text (query string or form): give text, numbers or booleans'));
        expect(sent).toEqual([]);
        expect(failures).toHaveLength(1);
    });

    it('throws what the worker would answer when middleware reads arguments the body does not hold', async () =>
    {
        const { forward } = recorder(() => text('hi'));
        const reading = withMiddleware([middleware(async (request, next) => { void request.args; return next(); })], forward);
        await expect(reading('a/b', post('/rpc/a/b', 'application/json', '{"name":'))).rejects.toMatchObject({ status: 400 });
        await expect(reading('a/b', post('/rpc/a/b', 'text/csv', 'x'))).rejects.toMatchObject({ status: 415 });
        await expect(reading('a/b', post('/rpc/a/b', 'application/json', '[1]'))).rejects.toThrow('Request body must be a JSON object of arguments by parameter name');
    });
});

describe('the answer', () =>
{
    it('goes back as it came, with the status and headers middleware left; repeated headers stay repeated', async () =>
    {
        const answer = text('hi', { 'set-cookie': ['a=1', 'b=2'], date: 'yesterday', connection: 'keep-alive' });
        const { forward } = recorder(() => answer);
        const back = await withMiddleware([middleware(async (_request, next) =>
        {
            const response = await next();
            expect([response.status, response.getHeader('set-cookie'), response.getHeader('date')]).toEqual([200, 'a=1, b=2', undefined]);
            response.status = 201;
            response.setHeader('x-seen', 'yes');
            return response;
        })], forward)('a/b', get('/rpc/a/b'));
        expect(back.status).toBe(201);
        expect(back.headers).toEqual({ 'content-type': 'text/plain', 'x-jitar-content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'x-seen': 'yes' });
        expect(back.body).toBe(answer.body);
    });

    it('gives the result decoded by its jitar content type, and re-encodes it only when middleware assigned it or may have changed it', async () =>
    {
        const number: HttpAnswer = { status: 200, headers: { 'content-type': 'text/plain', 'x-jitar-content-type': 'application/number' }, body: Buffer.from('42') };
        const results: unknown[] = [];
        const reader = middleware(async (_request, next) => { const response = await next(); results.push(response.result); return response; });
        const numberAnswer = await withMiddleware([reader], recorder(() => number).forward)('a/b', get('/rpc/a/b'));
        expect(numberAnswer.body).toBe(number.body);

        const changedInPlace = await withMiddleware([middleware(async (_request, next) =>
        {
            const response = await next();
            (response.result as { items: string[] }).items.push('c');
            return response;
        })], recorder(() => jsonAnswer(200, { items: ['a'] })).forward)('a/b', get('/rpc/a/b'));
        expect(JSON.parse(changedInPlace.body.toString())).toEqual({ items: ['a', 'c'] });

        const assigned = await withMiddleware([middleware(async (_request, next) => { const response = await next(); response.result = 7; return response; })], recorder(() => text('x')).forward)('a/b', get('/rpc/a/b'));
        expect([assigned.headers['x-jitar-content-type'], assigned.body.toString()]).toEqual(['application/number', '7']);
        expect(results).toEqual([42]);
    });

    it('gives a failure as an Error: jitar\'s classes rebuilt, others with their message', async () =>
    {
        const results: unknown[] = [];
        const reader = middleware(async (_request, next) => { const response = await next(); results.push(response.result); return response; });
        const unauthorized = jsonAnswer(401, { serialized: true, name: 'Error', type: 'Unauthorized', message: 'Who?' });
        const appError = jsonAnswer(400, { serialized: true, name: 'Class', key: 'shared/OutOfStock', message: 'Sold out' });
        const plain: HttpAnswer = { status: 503, headers: { 'content-type': 'text/plain' }, body: Buffer.from('No worker') };
        for (const answer of [unauthorized, appError, plain])
        {
            const back = await withMiddleware([reader], recorder(() => answer).forward)('a/b', get('/rpc/a/b'));
            expect(back.body).toBe(answer.body);
        }
        expect(results[0]).toBeInstanceOf(Unauthorized);
        expect([results[1], (results[1] as { status: number }).status]).toEqual([new Error('Sold out'), 400]);
        expect([results[2], (results[2] as { status: number }).status]).toEqual([new Error('No worker'), 503]);
    });

    it('of a request that could not be sent on comes back from next() with its status, for middleware to add to', async () =>
    {
        const back = await withMiddleware([middleware(async (_request, next) =>
        {
            const response = await next();
            response.setHeader('access-control-allow-origin', '*');
            return response;
        })], async () => { throw new WorkerUnavailable('a/b'); })('a/b', get('/rpc/a/b'));
        expect([back.status, back.headers['access-control-allow-origin'], back.body.toString()]).toEqual([503, '*', 'No available worker serves \'a/b\'']);
    });

    it('of middleware that answers itself is encoded as a worker encodes it, serialized when asked', async () =>
    {
        const { forward, sent } = recorder(() => text('x'));
        const refusing = withMiddleware([middleware(async () => new Response(401, new Unauthorized('Who?')))], forward);
        const plain = await refusing('a/b', get('/rpc/a/b'));
        expect([plain.status, plain.headers['content-type'], plain.body.toString()]).toEqual([401, 'text/plain; charset=utf-8', 'Who?']);
        const serialized = await refusing('a/b', get('/rpc/a/b', ['x-jitar-data-encoding', 'serialized']));
        expect([serialized.status, serialized.headers['x-jitar-content-type'], JSON.parse(serialized.body.toString())])
            .toEqual([401, 'application/json', expect.objectContaining({ serialized: true, type: 'Unauthorized', message: 'Who?' })]);
        const answered = await withMiddleware([middleware(async () => new Response(200, { ok: true }))], forward)('a/b', get('/rpc/a/b?serialize=true'));
        expect(JSON.parse(answered.body.toString())).toEqual({ ok: true });
        expect(sent).toEqual([]);
    });
});
