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

describe('a worker\'s copy of the routing table', () =>
{
    it('leaves itself out, picks round robin, and forgets a worker that refused', () =>
    {
        const known = new KnownWorkers('http://self');
        known.update({ x: ['http://self', 'http://a', 'http://b'], y: ['http://self'] });
        const none = new Set<string>();
        expect([known.pick('x', none), known.pick('x', none), known.pick('x', none)]).toEqual(['http://a', 'http://b', 'http://a']);
        expect(known.pick('y', none)).toBeUndefined();
        expect(known.pick('x', new Set(['http://a']))).toBe('http://b');
        known.forget('http://b');
        expect(known.pick('x', new Set(['http://a']))).toBeUndefined();
    });
});
