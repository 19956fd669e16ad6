import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { fixtureApp } from './fixture-apps.js';
import { buildCopy, importsOf, reachableFrom, readEmitted, type BuiltApp } from './built-app.js';

let app: BuiltApp;

beforeAll(() =>
{
    app = buildCopy('split');
});

afterAll(() => app.remove());

/** Emitted files of modules that hold procedures of segments other than `segment` only. */
function foreignFiles(segment: string): string[]
{
    const modules = new Map<string, Set<string>>();
    for (const procedure of app.manifest.procedures)
    {
        const holders = modules.get(procedure.module) ?? new Set<string>();
        procedure.segments.forEach(name => holders.add(name));
        modules.set(procedure.module, holders);
    }
    return [...modules].filter(([, holders]) => !holders.has(segment)).map(([module]) => `${module}.js`);
}

describe('the build of a three-segment app with shared modules', () =>
{
    test('succeeds with the one expected warning (a private procedure called from another segment)', () =>
    {
        expect(app.result.diagnostics.map(diagnostic => `${diagnostic.severity} JTR${diagnostic.code} ${diagnostic.file}:${diagnostic.line}`)).toEqual(['warning JTR4003 src/order/placeOrder.ts:3']);
    });

    test.each(['accounts', 'orders', 'notifications'])('what segment %s reaches holds no module of another segment', segment =>
    {
        const reached = reachableFrom(app.dist, `.jitar/segments/${segment}.js`);
        expect(foreignFiles(segment).filter(file => reached.has(file))).toEqual([]);
    });

    test('a segment reaches its own modules, shared modules and proxies of the others', () =>
    {
        const reached = reachableFrom(app.dist, '.jitar/segments/orders.js');
        expect(['order/placeOrder.js', 'order/OrderError.js', '.jitar/proxies/account/createAccount.js', '.jitar/proxies/notify/sendMail.js', '.jitar/proxies/account/getBalance.js'].filter(file => !reached.has(file))).toEqual([]);
    });

    test('a module keeps its import of a module of its own segment', () =>
    {
        expect(importsOf(readEmitted(app, 'account/createAccount.js'))).toEqual(['./Account.js', './audit.js', '../shared/clock.js']);
    });

    test('imports of another segment\'s procedures become proxies, in every import form', () =>
    {
        expect(importsOf(readEmitted(app, 'order/placeOrder.js'))).toEqual([
            '../.jitar/proxies/account/createAccount.js',
            './OrderError.js',
            '../.jitar/proxies/account/audit.js',
            '../.jitar/proxies/notify/sendMail.js',
            '../.jitar/proxies/account/getBalance.js'
        ]);
    });

    test('a shared module reaches every procedure through proxies, re-exports included', () =>
    {
        expect(importsOf(readEmitted(app, 'order/index.js'))).toEqual(['../.jitar/proxies/order/placeOrder.js', '../.jitar/proxies/order/cancelOrder.js', './OrderError.js']);
    });

    test('an extensionless folder import gets /index.js, a namespace import a proxy module', () =>
    {
        expect(importsOf(readEmitted(app, 'web/checkout.js'))).toEqual(['../order/index.js', '../.jitar/proxies/account/getBalance.js']);
    });

    test('a renamed import of another segment\'s procedure imports the same name from its proxies', () =>
    {
        expect(readEmitted(app, 'web/summary.js')).toContain('import { getBalance as balanceWithExtras } from "../.jitar/proxies/account/getBalance.js";');
    });

    test('a type-only import leaves no import behind', () =>
    {
        expect(importsOf(readEmitted(app, 'account/getBalance.js'))).toEqual([]);
    });
});

describe('generated modules', () =>
{
    test('a proxy keeps the function name and parameter names, rest and nested destructuring included', () =>
    {
        expect(readEmitted(app, '.jitar/proxies/order/cancelOrder.js')).toContain(
            'export async function cancelOrder({ order: { id, reason: why } = {} } = {}, ...notes) { return call("order/cancelOrder", "0.0.0", arguments); }');
    });

    test('a default export gets a default proxy named after the function, calling its FQN and version', () =>
    {
        expect(readEmitted(app, '.jitar/proxies/notify/sendMail.js')).toContain(
            'export default async function sendMail(to, text) { return call("notify/sendMail", "2.0.0", arguments); }');
    });

    test('a segment entry lists its procedures and the classes it exchanges', () =>
    {
        const entry = readEmitted(app, '.jitar/segments/accounts.js');
        expect(entry.match(/\{ fqn: "[^"]+", version: "[^"]+"/g)).toEqual([
            '{ fqn: "account/audit", version: "0.0.0"',
            '{ fqn: "account/createAccount", version: "1.0.0"',
            '{ fqn: "account/getBalance", version: "1.0.0"'
        ]);
        expect(entry).toContain('{ key: "account/Account", implementation: ');
    });
});

describe('what the editor and debugger rely on', () =>
{
    test('source maps point at the TypeScript sources', () =>
    {
        const map = JSON.parse(readEmitted(app, 'order/placeOrder.js.map')) as { sources: string[] };
        expect(map.sources).toEqual(['../../src/order/placeOrder.ts']);
    });

    test('declarations keep the real signatures, not proxies', () =>
    {
        expect(readEmitted(app, 'order/placeOrder.d.ts')).toContain('export declare function placeOrder(owner: string, amount: number): Promise<string>;');
    });

    test('the output is marked as ES modules for Node', () =>
    {
        expect(JSON.parse(readEmitted(app, 'package.json'))).toEqual({ type: 'module' });
    });

    test('the sources are untouched', () =>
    {
        const files = readdirSync(join(app.root, 'src'), { recursive: true, withFileTypes: true }).filter(entry => entry.isFile()).map(entry => join(entry.parentPath, entry.name));
        const changed = files.filter(file => readFileSync(file, 'utf8') !== readFileSync(file.replace(app.root, fixtureApp('split')), 'utf8'));
        expect([files.length, changed]).toEqual([13, []]);
    });
});
