import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { Manifest, ProcedureManifest } from '../../runtime/manifest.js';
import { loadArgumentValidator, type ArgumentValidator } from '../../runtime/rpc/argument-validator.js';
import { VALIDATORS_PATH } from '../../runtime/validation/validators-module.js';
import { writeValidators } from '../../transformer/validators-writer.js';
import { analyseFixture } from '../transformer/fixture-apps.js';

/** Stands in for the app's Person class, which the runtime would take from the app's segments. */
class Person
{
    constructor(readonly name: string) {}
}
const isInstanceOfClass = (key: string, value: unknown): boolean => key === 'domain/Person' && value instanceof Person;

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
let manifest: Manifest;
const folders: string[] = [];

beforeAll(() =>
{
    manifest = analyseFixture('showcase').manifest;
});

afterAll(() =>
{
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A target folder as jitar-compile leaves it: the validators module, and the manifest naming it by its hash. */
function built(): { target: string; manifest: Manifest }
{
    const target = mkdtempSync(join(tmpdir(), 'jitar-validators-'));
    folders.push(target);
    writeFileSync(join(target, 'package.json'), JSON.stringify({ type: 'module' }));
    return { target, manifest: { ...manifest, validators: writeValidators(manifest, target) } };
}

async function load(target: string, withManifest: Manifest): Promise<{ validator: ArgumentValidator; problems: string[] }>
{
    const problems: string[] = [];
    const validator = await loadArgumentValidator(withManifest, withManifest.procedures, isInstanceOfClass, { target, onCompileAtStart: problem => problems.push(problem) });
    return { validator, problems };
}

function procedure(fqn: string): ProcedureManifest
{
    const found = manifest.procedures.find(candidate => candidate.fqn === fqn);
    if (found === undefined) throw new Error(`no procedure ${fqn}`);
    return found;
}

/** Calls that exercise each of our keywords, the shared definitions and coercion, with what each answers. */
const CALLS: { fqn: string; args: Record<string, unknown>; coerce?: boolean; answer: string | undefined }[] = [
    { fqn: 'domain/primitives', args: { text: 'a', amount: 1, flag: true, nothing: null }, answer: undefined },
    { fqn: 'domain/primitives', args: { text: 'a', amount: 1, flag: true, nothing: null, absent: 1 }, answer: 'Invalid value for parameter \'absent\': must be absent' },
    { fqn: 'domain/primitives', args: { text: 'a', amount: '1e400', flag: 'true', nothing: '' }, coerce: true, answer: 'Invalid value for parameter \'amount\': must be a finite number' },
    { fqn: 'domain/primitives', args: { text: 'a', amount: '2', flag: 'true', nothing: '' }, coerce: true, answer: undefined },
    { fqn: 'domain/primitives', args: { text: 'a', amount: 'x', flag: true, nothing: null }, coerce: true, answer: 'Invalid value for parameter \'amount\': must be number' },
    { fqn: 'domain/moreShapes', args: { scores: { math: 1, art: 2 }, dictionary: { size: 1 }, thing: {}, lookup: new Map([[1, 'one']]) }, answer: undefined },
    { fqn: 'domain/moreShapes', args: { scores: { math: 1, art: 2 }, dictionary: { size: 1 }, thing: {}, lookup: new Map([['one', 'one']]) }, answer: 'Invalid value for parameter \'lookup\': must have keys of the declared type' },
    { fqn: 'domain/moreShapes', args: { scores: { math: 1, art: 2 }, dictionary: { size: 1 }, thing: {}, lookup: new Map([[1, 1]]) }, answer: 'Invalid value for parameter \'lookup\': must have values of the declared type' },
    { fqn: 'domain/moreShapes', args: { scores: { math: 1, art: 2 }, dictionary: { size: 1 }, thing: {}, lookup: { 1: 'one' } }, answer: 'Invalid value for parameter \'lookup\': must be a Map' },
    { fqn: 'domain/moreShapes', args: { scores: { math: 1 }, dictionary: { size: 1 }, thing: {}, lookup: new Map() }, answer: 'Invalid value for parameter \'scores\': must have required property \'art\'' }
];

describe('argument validators written by jitar-compile', () =>
{
    test('are loaded without compiling, and answer as the validators Ajv compiles at start', async () =>
    {
        const { target, manifest: withHash } = built();
        const prebuilt = await load(target, withHash);
        expect(prebuilt.problems).toEqual([]);
        const compiled = await load(target, manifest);
        expect(compiled.problems).toEqual(['the manifest names no prebuilt validators (built by an older jitar-compile?)']);

        for (const call of CALLS)
        {
            const answers = [prebuilt, compiled].map(({ validator }) => validator.check(procedure(call.fqn), { ...call.args }, call.coerce ?? false, false));
            expect({ call: call.fqn, args: call.args, answers }).toEqual({ call: call.fqn, args: call.args, answers: [call.answer, call.answer] });
        }
    });

    test('check class instances and Set items with the value checks the runtime hands them', async () =>
    {
        const { target, manifest: withHash } = built();
        const { validator, problems } = await load(target, withHash);
        expect(problems).toEqual([]);
        const builtins = procedure('domain/builtins');
        const args = { date: new Date(0), map: new Map([['a', 1]]), set: new Set([new Date(0)]), url: new URL('http://127.0.0.1/'), pattern: /x/, bytes: new Uint8Array(1), floats: new Float64Array(1), error: new Error('e') };
        expect(validator.check(builtins, args, false, false)).toBeUndefined();
        expect(validator.check(builtins, { ...args, set: new Set(['2020-01-01']) }, false, false)).toBe('Invalid value for parameter \'set\': must have values of the declared type');

        const placeOrder = procedure('domain/order/placeOrder');
        expect(validator.check(placeOrder, { person: new Person('John'), amount: 1 }, false, false)).toBeUndefined();
        expect(validator.check(placeOrder, { person: { name: 'John' }, amount: 1 }, false, false)).toBe('Invalid value for parameter \'person\': must be an instance of class domain/Person');
        // A plain call (JSON) is told the form that carries an instance.
        expect(validator.check(placeOrder, { person: { name: 'John' }, amount: 1 }, false, true)).toMatch(/^Invalid value for parameter 'person': must be an instance of class domain\/Person; send instances in the serialized encoding .* as \{"serialized":true,"name":"Person","source":"domain\/Person\.js","args":\[/);
    });

    test('that are missing, of another build or of another format are compiled at start instead, and the reason is told', async () =>
    {
        const missing = built();
        unlinkSync(join(missing.target, VALIDATORS_PATH));
        const another = built();
        const format = built();
        const file = join(format.target, VALIDATORS_PATH);
        writeFileSync(file, readFileSync(file, 'utf8').replace(/^export const format = \d+;$/m, 'export const format = 999;'));

        const results = await Promise.all([
            load(missing.target, missing.manifest),
            load(another.target, { ...another.manifest, validators: 'f'.repeat(32) }),
            load(format.target, format.manifest)
        ]);
        expect(results.map(result => result.problems)).toEqual([
            [`'${join(missing.target, VALIDATORS_PATH)}' is missing`],
            [`'${join(another.target, VALIDATORS_PATH)}' belongs to another build than the manifest (its hash differs)`],
            [`'${file}' has format 999, this runtime reads format 1 (written by another version of jitar-compile)`]
        ]);
        // Compiled at start, they check all the same.
        for (const { validator } of results)
        {
            expect(validator.check(procedure('domain/primitives'), { text: 1, amount: 1, flag: true, nothing: null }, false, false)).toBe('Invalid value for parameter \'text\': must be string');
        }
    });

    test('are shared by procedures that take the same arguments, and the manifest carries the hash of what they are made from', () =>
    {
        const first = built();
        const second = built();
        expect(first.manifest.validators).toMatch(/^[0-9a-f]{32}$/);
        expect(second.manifest.validators).toBe(first.manifest.validators);
        const source = readFileSync(join(first.target, VALIDATORS_PATH), 'utf8');
        const procedures = JSON.parse(/^export const procedures = (.*);$/m.exec(source)![1]) as Record<string, number>;
        expect(Object.keys(procedures).sort()).toEqual(manifest.procedures.map(item => `${item.fqn}@${item.version}`).sort());
        expect(new Set(Object.values(procedures)).size).toBeLessThanOrEqual(manifest.procedures.length);
        expect(source).not.toMatch(/\bimport\b|require\("(?!ajv\/dist\/runtime\/)/);
    });
});

describe('made in a worker thread, as the built compiler does for apps of many schemas', () =>
{
    type Writer = typeof import('../../transformer/validators-writer.js');
    const builtWriter = async (): Promise<Writer> => await import(pathToFileURL(join(REPOSITORY, 'lib/transformer/validators-writer.js')).href) as Writer;

    it('writes the very module this thread writes, with the same hash', async () =>
    {
        const { startValidators } = await builtWriter();
        const here = built();
        const inWorker = mkdtempSync(join(tmpdir(), 'jitar-validators-worker-'));
        folders.push(inWorker);
        const pending = startValidators(manifest, true);
        pending.write(inWorker);
        expect(pending.hash).toBe(here.manifest.validators);
        const text = readFileSync(join(inWorker, VALIDATORS_PATH), 'utf8');
        expect(text.length).toBeGreaterThan(1000);
        expect(text).toBe(readFileSync(join(here.target, VALIDATORS_PATH), 'utf8'));
    });

    it('writes nothing for a build that failed', async () =>
    {
        const { startValidators } = await builtWriter();
        const target = mkdtempSync(join(tmpdir(), 'jitar-validators-abandoned-'));
        folders.push(target);
        startValidators(manifest, true).abandon();
        expect(existsSync(join(target, VALIDATORS_PATH))).toBe(false);
    });
});
