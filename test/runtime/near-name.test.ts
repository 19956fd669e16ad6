import { nearProcedureName } from '../../runtime/rpc/near-name.js';

const SERVED = ['people/findPerson', 'domain/greet', 'people/celebrate', 'orders/greet'];

test.each([
    ['People/FindPerson', 'people/findPerson', 'another case'],
    ['findPerson', 'people/findPerson', 'the module path left out'],
    ['people/findPersn', 'people/findPerson', 'a typo'],
    ['peple/celebrate', 'people/celebrate', 'a typo in the module path']
])('%s: %s (%s)', (asked, meant) =>
{
    expect(nearProcedureName(asked, SERVED)).toBe(meant);
});

test('nothing when the last part names several procedures, or nothing is near', () =>
{
    expect(nearProcedureName('greet', SERVED)).toBeUndefined();
    expect(nearProcedureName('billing/invoice', SERVED)).toBeUndefined();
    expect(nearProcedureName('x', SERVED)).toBeUndefined();
});

test('a name served by several workers counts once', () =>
{
    expect(nearProcedureName('celebrate', [...SERVED, 'people/celebrate'])).toBe('people/celebrate');
});

test('long made-up names are not compared', () =>
{
    expect(nearProcedureName(`people/findPerson${'x'.repeat(300)}`, SERVED)).toBeUndefined();
});
