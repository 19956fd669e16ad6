import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { fromWire } from '../../runtime/core/arguments.js';
import { currentRuntime, installRuntime, uninstallRuntime } from '../../runtime/core/global-runtime.js';
import { ProcedureRuntime, type RemoteCaller } from '../../runtime/core/procedure-runtime.js';
import type { SegmentModule } from '../../runtime/core/segment-module.js';
import type { ProcedureManifest } from '../../runtime/manifest.js';
import { buildCopy, type BuiltApp } from './built-app.js';

/** The emitted app, loaded as Node loads it: real ES modules from the target folder. */
let app: BuiltApp;

beforeAll(() =>
{
    app = buildCopy('split');
    expect(app.result.hasErrors).toBe(false);
});

afterAll(() => app.remove());

async function load<T>(file: string): Promise<T>
{
    return await import(pathToFileURL(join(app.dist, file)).href) as T;
}

async function runtimeWith(segments: string[], remote?: RemoteCaller): Promise<ProcedureRuntime>
{
    const runtime = new ProcedureRuntime(app.manifest, remote);
    for (const segment of segments) runtime.register((await load<{ default: SegmentModule }>(`.jitar/segments/${segment}.js`)).default);
    return runtime;
}

/** Runs `work` with `runtime` as this process's runtime (two "processes" take turns in this one). */
async function within<T>(runtime: ProcedureRuntime, work: () => Promise<T>): Promise<T>
{
    const previous = currentRuntime();
    installRuntime(runtime);
    try
    {
        return await work();
    }
    finally
    {
        uninstallRuntime(runtime);
        if (previous !== undefined) installRuntime(previous);
    }
}

interface Checkout
{
    checkout(owner: string, amount: number): Promise<string>;
    cancel(id: number): Promise<string>;
    balanceOf(account: unknown): Promise<number>;
}

describe('one process holding every segment (proxies dispatch in-process)', () =>
{
    let runtime: ProcedureRuntime;
    const remoteCalls: string[] = [];

    beforeAll(async () =>
    {
        runtime = await runtimeWith(['accounts', 'orders', 'notifications'], { call: async procedure => { remoteCalls.push(procedure.fqn); return undefined; } });
    });

    test('a call chain across three segments runs without the network', async () =>
    {
        const { checkout } = await load<Checkout>('web/checkout.js');
        expect([await within(runtime, () => checkout('ann', 5)), remoteCalls]).toEqual(['ann: 105', []]);
    });

    test('an error class thrown behind a proxy is caught with instanceof', async () =>
    {
        const { checkout } = await load<Checkout>('web/checkout.js');
        expect(await within(runtime, () => checkout('ann', 0))).toBe('refused: Invalid amount 0 (0)');
    });

    test('a renamed re-export, nested destructuring, a renamed member and a rest parameter survive', async () =>
    {
        const { cancel } = await load<Checkout>('web/checkout.js');
        expect(await within(runtime, () => cancel(7))).toBe('cancelled 7 (changed mind): first; second');
    });

    test('a namespace import with rest arguments', async () =>
    {
        const { balanceOf } = await load<Checkout>('web/checkout.js');
        const { Account } = await load<{ Account: new (owner: string, balance: number) => unknown }>('account/Account.js');
        expect(await within(runtime, () => balanceOf(new Account('bob', 10)))).toBe(13);
    });

    test('a renamed import calls the procedure it renames', async () =>
    {
        const { summary } = await load<{ summary(account: unknown): Promise<string> }>('web/summary.js');
        const { Account } = await load<{ Account: new (owner: string, balance: number) => unknown }>('account/Account.js');
        expect(await within(runtime, () => summary(new Account('gil', 1)))).toBe('gil: 6');
    });

    test('a private procedure called from a module of another segment runs when this process holds it', async () =>
    {
        const { placeAudited } = await load<{ placeAudited(owner: string): Promise<number> }>('order/placeOrder.js');
        expect(typeof await within(runtime, () => placeAudited('ann'))).toBe('number');
    });

    test('a resource module is one instance for all segments of the process', async () =>
    {
        const { ticked } = await load<{ ticked(): number }>('shared/clock.js');
        const { checkout } = await load<Checkout>('web/checkout.js');
        const before = ticked();
        await within(runtime, () => checkout('cy', 1));
        expect(ticked()).toBe(before + 1);
    });
});

describe('a process holding one segment (other segments are called through the runtime)', () =>
{
    /** Stands in for the network: arguments cross as JSON in wire form, and run in another process's runtime. */
    class Loopback implements RemoteCaller
    {
        readonly calls: { fqn: string; version: string; args: Record<string, unknown> }[] = [];
        other!: ProcedureRuntime;

        async call(procedure: ProcedureManifest, args: Record<string, unknown>): Promise<unknown>
        {
            const wire = JSON.parse(JSON.stringify(args)) as Record<string, unknown>;
            this.calls.push({ fqn: procedure.fqn, version: procedure.version, args: wire });
            const result = await within(this.other, () => this.other.handle(procedure.fqn, procedure.version, wire));
            return JSON.parse(JSON.stringify(result ?? null)) as unknown;
        }
    }

    let orders: ProcedureRuntime;
    let loopback: Loopback;

    beforeAll(async () =>
    {
        loopback = new Loopback();
        orders = await runtimeWith(['orders'], loopback);
        loopback.other = await runtimeWith(['accounts', 'notifications']);
    });

    test('procedures of other segments are called by FQN and version with arguments by wire name', async () =>
    {
        const { placeOrder } = await load<{ placeOrder(owner: string, amount: number): Promise<string> }>('order/placeOrder.js');
        expect(await within(orders, () => placeOrder('dan', 3))).toBe('dan: 103');
        expect(loopback.calls).toEqual([
            { fqn: 'account/createAccount', version: '1.0.0', args: { owner: 'dan' } },
            { fqn: 'account/getBalance', version: '1.0.0', args: { account: { owner: 'dan', balance: 100 }, '...extras': [3] } },
            { fqn: 'notify/sendMail', version: '2.0.0', args: { to: 'dan', text: 'ordered 3' } }
        ]);
    });

    test('a private procedure of another segment is not accessible', async () =>
    {
        const { placeAudited } = await load<{ placeAudited(owner: string): Promise<number> }>('order/placeOrder.js');
        await expect(within(orders, () => placeAudited('eve'))).rejects.toThrow("Procedure 'account/audit' (version 0.0.0) is private to segment 'accounts' and cannot be called from outside it");
    });

    test('the runtime rebuilds a destructured argument from wire names', () =>
    {
        const procedure = app.manifest.procedures.find(candidate => candidate.fqn === 'account/createAccount');
        expect(fromWire(procedure?.parameters ?? [], { owner: 'fay' })).toEqual([{ owner: 'fay', limits: undefined }]);
    });
});

describe('without a runtime', () =>
{
    test('a proxy says that no runtime runs in this process', async () =>
    {
        const { default: sendMail } = await load<{ default(to: string, text: string): Promise<number> }>('.jitar/proxies/notify/sendMail.js');
        await expect(sendMail('x', 'y')).rejects.toThrow("Cannot call 'notify/sendMail': no jitar runtime runs in this process");
    });
});
