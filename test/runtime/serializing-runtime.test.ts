import { ProcedureRuntime, type RemoteCaller } from '../../runtime/core/procedure-runtime.js';
import { MANIFEST_FORMAT, type Access, type Manifest, type ProcedureManifest } from '../../runtime/manifest.js';

/**
 * ProcedureRuntime.serializeCallsThrough: calls through proxies to procedures held here go to the given
 * caller in wire form, as remote calls do; private procedures and calls arriving over the wire
 * (`handle`) still run in-process.
 */

function procedure(fqn: string, access: Access): ProcedureManifest
{
    return {
        fqn, version: '0.0.0', access, segments: ['people'], module: fqn, file: `${fqn}.ts`, exportName: 'default',
        parameters: [{ kind: 'named', text: 'person', optional: false, names: [{ name: 'person', path: [0], optional: false, schema: {} }] }],
        result: {}, position: { line: 1, column: 1 }
    };
}

const manifest: Manifest = {
    format: MANIFEST_FORMAT, compiler: '0.0.0', source: 'src', target: 'dist',
    segments: [{ name: 'people', file: 'segments/people.json', modules: ['people/greet', 'people/secret'] }],
    procedures: [procedure('people/greet', 'public'), procedure('people/secret', 'private')],
    classes: [], $defs: {}, resources: []
};

function runtime(): { runtime: ProcedureRuntime; sent: { fqn: string; args: Record<string, unknown> }[]; ran: string[] }
{
    const sent: { fqn: string; args: Record<string, unknown> }[] = [];
    const ran: string[] = [];
    const local = new ProcedureRuntime(manifest);
    local.register({
        name: 'people', classes: [],
        procedures: ['people/greet', 'people/secret'].map(fqn => ({ fqn, version: '0.0.0', implementation: (person: { name: string }) => { ran.push(fqn); return `${fqn} ${person.name}`; } }))
    });
    const caller: RemoteCaller = { call: async (called, args) => { sent.push({ fqn: called.fqn, args }); return 'sent'; } };
    local.serializeCallsThrough(caller);
    return { runtime: local, sent, ran };
}

test('a call of a held public procedure goes to the caller with its wire arguments, not to the implementation', async () =>
{
    const { runtime: local, sent, ran } = runtime();
    await expect(local.run('people/greet', '0.0.0', [{ name: 'Ann' }])).resolves.toBe('sent');
    expect(sent).toEqual([{ fqn: 'people/greet', args: { person: { name: 'Ann' } } }]);
    expect(ran).toEqual([]);
});

test('a private procedure still runs in-process with the caller\'s own value', async () =>
{
    const { runtime: local, sent, ran } = runtime();
    await expect(local.run('people/secret', '0.0.0', [{ name: 'Bo' }])).resolves.toBe('people/secret Bo');
    expect(sent).toEqual([]);
    expect(ran).toEqual(['people/secret']);
});

test('a call that arrived over the wire runs the implementation: the caller is not asked again', async () =>
{
    const { runtime: local, sent, ran } = runtime();
    await expect(local.handle('people/greet', '0.0.0', { person: { name: 'Cy' } })).resolves.toBe('people/greet Cy');
    expect(sent).toEqual([]);
    expect(ran).toEqual(['people/greet']);
});
