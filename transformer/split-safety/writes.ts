import { ts } from '#ts-morph';

/** A place where code changes a value: what it changes (a variable, or something reached through one) and how. */
export interface Write
{
    /** The whole expression, where a diagnostic points. */
    node: ts.Node;
    /** The variable the changed value is reached through (`profile` of `profile.tags.push(tag)`). */
    root: ts.Identifier;
    /** The variable itself gets a new value (`count = 1`, `count++`), rather than the value it holds changing. */
    rebinds: boolean;
    /** For messages: `assigns to profile.name`, `calls push() on profile.tags`. */
    description: string;
}

/** The methods that change the collection they are called on, by the collection's type. */
const MUTATING_METHODS: Readonly<Record<string, ReadonlySet<string>>> = {
    array: new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']),
    Map: new Set(['set', 'delete', 'clear']),
    WeakMap: new Set(['set', 'delete']),
    Set: new Set(['add', 'delete', 'clear']),
    WeakSet: new Set(['add', 'delete'])
};
/** Any of them: a call of another name is no write, and costs no type lookup. */
const ANY_MUTATING_METHOD = new Set(Object.values(MUTATING_METHODS).flatMap(methods => [...methods]));

/**
 * Every write under `node` (itself included). Only writes a reader can be sure of count: assignments,
 * `++`/`--`, `delete`, `Object.assign` into a value, and the changing methods of arrays, Maps and Sets
 * (known by their type, so that a `push` of some other class is not taken for one). Writes through an
 * alias (`const p = profile; p.name = ''`) are not followed: a warning there could be wrong.
 */
export function findWrites(node: ts.Node, checker: ts.TypeChecker): Write[]
{
    const writes: Write[] = [];
    const visit = (current: ts.Node): void =>
    {
        const write = writeAt(current, checker);
        if (write !== undefined) writes.push(write);
        ts.forEachChild(current, visit);
    };
    visit(node);
    return writes;
}

function writeAt(node: ts.Node, checker: ts.TypeChecker): Write | undefined
{
    if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind))
    {
        return changed(node, node.left, 'assigns to');
    }
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken))
    {
        return changed(node, node.operand, node.operator === ts.SyntaxKind.PlusPlusToken ? 'increments' : 'decrements');
    }
    if (ts.isDeleteExpression(node))
    {
        return changed(node, node.expression, 'deletes');
    }
    if (!ts.isCallExpression(node)) return undefined;

    const callee = unwrap(node.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const method = callee.name.text;
    if (method === 'assign' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object' && node.arguments.length > 0)
    {
        return contentsChanged(node, node.arguments[0], 'copies properties into');
    }
    if (!ANY_MUTATING_METHOD.has(method)) return undefined;
    const kind = collectionKind(checker.getNonNullableType(checker.getTypeAtLocation(callee.expression)), checker);
    if (kind === undefined || !MUTATING_METHODS[kind].has(method)) return undefined;
    return contentsChanged(node, callee.expression, `calls ${method}() on`);
}

/** An assignment-like write: to the variable itself, or to something inside what it holds. */
function changed(node: ts.Node, target: ts.Expression, verb: string): Write | undefined
{
    const root = rootOf(target);
    if (root === undefined) return undefined;
    return { node, root, rebinds: root === unwrap(target), description: `${verb} ${unwrap(target).getText()}` };
}

/** A write to the contents of `target` (never a new value for the variable). */
function contentsChanged(node: ts.Node, target: ts.Expression, verb: string): Write | undefined
{
    const root = rootOf(target);
    if (root === undefined) return undefined;
    return { node, root, rebinds: false, description: `${verb} ${unwrap(target).getText()}` };
}

/** The variable an access chain starts at (`a` of `a.b[0].c`); undefined for calls, `this` and the like. */
export function rootOf(expression: ts.Expression): ts.Identifier | undefined
{
    let current = unwrap(expression);
    while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = unwrap(current.expression);
    return ts.isIdentifier(current) ? current : undefined;
}

/** The expression without what does not change which value it is: parentheses, `!`, `as`, `satisfies`. */
function unwrap(expression: ts.Expression): ts.Expression
{
    let current = expression;
    while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current))
    {
        current = current.expression;
    }
    return current;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean
{
    return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function collectionKind(type: ts.Type, checker: ts.TypeChecker): string | undefined
{
    if (checker.isArrayType(type) || checker.isTupleType(type)) return 'array';
    const name = type.getSymbol()?.getName();
    return name !== undefined && name !== 'array' && Object.hasOwn(MUTATING_METHODS, name) ? name : undefined;
}
