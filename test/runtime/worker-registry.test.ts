import { describe, expect, it } from '@jest/globals';

import { KnownWorkers } from '../../runtime/cluster/known-workers.js';
import { WorkerRegistry } from '../../runtime/cluster/worker-registry.js';

/** A registry on a clock the test moves. */
function registry(): { workers: WorkerRegistry; advance(ms: number): void }
{
    let now = 1_000_000;
    const workers = new WorkerRegistry({ unavailableThreshold: 600, stoppedThreshold: 1500 }, () => now);
    return { workers, advance: ms => { now += ms; } };
}

const picks = (workers: WorkerRegistry, fqn: string, count: number): (string | undefined)[] =>
    Array.from({ length: count }, () => workers.pick(fqn)?.url);

describe('the gateway\'s worker registry', () =>
{
    it('picks round robin per FQN among the workers that serve it', () =>
    {
        const { workers } = registry();
        workers.register('http://a', ['x', 'y']);
        workers.register('http://b', ['x']);
        expect(picks(workers, 'x', 4)).toEqual(['http://a', 'http://b', 'http://a', 'http://b']);
        // Another FQN keeps its own turn.
        expect(picks(workers, 'y', 2)).toEqual(['http://a', 'http://a']);
        expect(workers.pick('z')).toBeUndefined();
        expect(workers.knows('x')).toBe(true);
        expect(workers.knows('z')).toBe(false);
    });

    it('stops picking a silent worker after unavailableThreshold, forgets it after stoppedThreshold, and takes it back when it reports', () =>
    {
        const { workers, advance } = registry();
        const a = workers.register('http://a', ['x']);
        workers.register('http://b', ['x']);
        advance(500);
        workers.report(a.id, 'available');
        advance(200);
        workers.monitor();
        expect(picks(workers, 'x', 2)).toEqual(['http://a', 'http://a']);
        expect(workers.list().find(worker => worker.url === 'http://b')?.state).toBe('unavailable');
        advance(1000);
        workers.monitor();
        expect(workers.list().map(worker => worker.url)).toEqual(['http://a']);
        advance(400);
        workers.monitor();
        expect(workers.list()).toEqual([]);
        expect(workers.report(a.id, 'available')).toBe(false);
    });

    it('takes a worker that refused a connection out at once, until it reports available again', () =>
    {
        const { workers } = registry();
        const a = workers.register('http://a', ['x']);
        workers.register('http://b', ['x']);
        workers.markUnreachable(a.id);
        expect(picks(workers, 'x', 2)).toEqual(['http://b', 'http://b']);
        workers.report(a.id, 'available');
        expect(new Set(picks(workers, 'x', 2))).toEqual(new Set(['http://a', 'http://b']));
    });

    it('routes nothing to a stopping worker, removes a stopped one, and replaces a worker that registers again at its URL', () =>
    {
        const { workers } = registry();
        const a = workers.register('http://a', ['x']);
        workers.register('http://b', ['x']);
        workers.report(a.id, 'stopping');
        expect(workers.routes()).toEqual({ x: ['http://b'] });
        workers.report(a.id, 'stopped');
        expect(workers.list().map(worker => worker.url)).toEqual(['http://b']);
        const again = workers.register('http://b', ['x', 'y']);
        expect(workers.list()).toEqual([again]);
        expect(picks(workers, 'x', 1)).toEqual(['http://b']);
    });
});

describe('versions across workers', () =>
{
    it('routes each requested version to the workers that serve the version a worker would choose', () =>
    {
        const { workers } = registry();
        workers.register('http://old', ['price'], 'available', [{ fqn: 'price', version: '1.0.0' }]);
        workers.register('http://new', ['price'], 'available', [{ fqn: 'price', version: '2.0.0' }, { fqn: 'price', version: '1.0.0' }]);
        expect(workers.routeFor('price', '2.0.0')).toBe('price@2.0.0');
        expect(workers.routeFor('price', '1.5.0')).toBe('price@1.0.0');
        expect(workers.routeFor('price', '9.0.0')).toBe('price@2.0.0');
        // Nothing at or below it: a route no worker serves, so that the gateway answers the 404 naming those there are.
        expect(workers.routeFor('price', '0.0.0')).toBe('price@0.0.0');
        expect(workers.pick('price@0.0.0')).toBeUndefined();
        expect(workers.versionsServed('price')).toEqual(['1.0.0', '2.0.0']);
        expect(picks(workers, 'price@2.0.0', 2)).toEqual(['http://new', 'http://new']);
        expect(new Set(picks(workers, 'price@1.0.0', 2))).toEqual(new Set(['http://old', 'http://new']));
        expect(workers.routes()).toEqual({ 'price': ['http://old', 'http://new'], 'price@1.0.0': ['http://old', 'http://new'], 'price@2.0.0': ['http://new'] });
    });

    it('leaves a version nobody said it serves to any worker when one of them did not say its versions', () =>
    {
        const { workers } = registry();
        workers.register('http://ours', ['price'], 'available', [{ fqn: 'price', version: '1.0.0' }]);
        workers.register('http://jitar', ['price']);
        expect(workers.routeFor('price', '0.0.0')).toBe('price');
        expect(workers.versionsServed('price')).toBeUndefined();
        expect(workers.versionsServed('nothing')).toEqual([]);
    });
});

describe('a worker\'s copy of the routing table', () =>
{
    it('leaves itself out, picks round robin per version, and forgets a worker that refused', () =>
    {
        const known = new KnownWorkers('http://self');
        known.update({ 'x@1.0.0': ['http://self', 'http://a', 'http://b'], 'x@2.0.0': ['http://b'], 'y@1.0.0': ['http://self'] });
        const none = new Set<string>();
        expect([known.pick('x', '1.0.0', none), known.pick('x', '1.0.0', none), known.pick('x', '1.0.0', none)]).toEqual(['http://a', 'http://b', 'http://a']);
        expect(known.pick('x', '2.0.0', none)).toBe('http://b');
        expect(known.pick('x', '3.0.0', none)).toBeUndefined();
        expect(known.pick('y', '1.0.0', none)).toBeUndefined();
        expect(known.pick('x', '1.0.0', new Set(['http://a']))).toBe('http://b');
        known.forget('http://b');
        expect(known.pick('x', '1.0.0', new Set(['http://a']))).toBeUndefined();
        expect(known.pick('x', '2.0.0', none)).toBeUndefined();
    });
});
