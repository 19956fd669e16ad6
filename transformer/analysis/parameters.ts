import { ts } from '#ts-morph';

import type { ParameterManifest, RestBinding, WireName } from '../../runtime/manifest.js';
import type { SchemaGenerator, SchemaProblem } from '../schema/schema-generator.js';

/** A problem with one wire name, or with the parameter list itself (no wire name yet). */
export interface ParameterProblem extends SchemaProblem
{
    wireName: string;
    node: ts.Node;
}

type Path = (string | number)[];

interface Collector
{
    checker: ts.TypeChecker;
    schemas: SchemaGenerator;
    problems: ParameterProblem[];
    names: WireName[];
    defaultedPatterns: Path[];
}

/**
 * The parameter list of a procedure as the wire sees it. Destructured members become flat names (the
 * names they bind, which JavaScript keeps unique across one parameter list), rest bindings `...name`.
 */
export function describeParameters(fn: ts.SignatureDeclaration, checker: ts.TypeChecker, schemas: SchemaGenerator, problems: ParameterProblem[]): ParameterManifest[]
{
    const declared = fn.parameters.filter(parameter => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'));

    return declared.map((parameter, index): ParameterManifest =>
    {
        const text = parameter.name.getText();
        const type = checker.getTypeAtLocation(parameter);
        const rest = parameter.dotDotDotToken !== undefined;
        const optional = rest || parameter.questionToken !== undefined || parameter.initializer !== undefined || schemas.includesUndefined(type);
        const collector: Collector = { checker, schemas, problems, names: [], defaultedPatterns: [] };

        if (ts.isIdentifier(parameter.name))
        {
            const name = rest ? `...${text}` : text;
            const restBinding: RestBinding | undefined = rest ? { kind: 'elements', from: index } : undefined;
            addName(collector, name, rest ? [] : [index], optional, restBinding, type, parameter);
            return { kind: rest ? 'rest' : 'named', text, optional, names: collector.names };
        }

        collectBindings(collector, parameter.name, [index], optional);
        const manifest: ParameterManifest = { kind: ts.isObjectBindingPattern(parameter.name) ? 'object-pattern' : 'array-pattern', text, optional, names: collector.names };
        if (collector.defaultedPatterns.length > 0) manifest.defaultedPatterns = collector.defaultedPatterns;
        return manifest;
    });
}

function collectBindings(collector: Collector, pattern: ts.BindingPattern, path: Path, inheritedOptional: boolean): void
{
    const isArray = ts.isArrayBindingPattern(pattern);
    const takenKeys: string[] = [];

    pattern.elements.forEach((element, index) =>
    {
        if (ts.isOmittedExpression(element)) return;

        const type = collector.checker.getTypeAtLocation(element.name);
        if (element.dotDotDotToken !== undefined)
        {
            if (!ts.isIdentifier(element.name)) return reportComputed(collector, element, 'a rest element must bind a plain name to cross the wire');
            const rest: RestBinding = isArray ? { kind: 'elements', from: index } : { kind: 'properties', exclude: takenKeys };
            addName(collector, `...${element.name.text}`, path, true, rest, type, element);
            return;
        }

        const key = isArray ? index : propertyKey(element);
        if (key === undefined) return reportComputed(collector, element, 'a computed property name in a destructuring pattern has no name on the wire');
        if (typeof key === 'string') takenKeys.push(key);

        const optional = inheritedOptional || element.initializer !== undefined || collector.schemas.includesUndefined(type);
        if (ts.isIdentifier(element.name))
        {
            addName(collector, element.name.text, [...path, key], optional, undefined, type, element);
            return;
        }
        if (element.initializer !== undefined) collector.defaultedPatterns.push([...path, key]);
        collectBindings(collector, element.name, [...path, key], optional);
    });
}

function reportComputed(collector: Collector, element: ts.BindingElement, message: string): void
{
    collector.problems.push({ severity: 'error', path: '', wireName: element.getText(), node: element, message });
}

function propertyKey(element: ts.BindingElement): string | undefined
{
    const name = element.propertyName ?? element.name;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
    return undefined;
}

function addName(collector: Collector, name: string, path: Path, optional: boolean, rest: RestBinding | undefined, type: ts.Type, node: ts.Node): void
{
    const found: SchemaProblem[] = [];
    const schema = collector.schemas.generate(type, found, optional && rest === undefined);
    for (const problem of found) collector.problems.push({ ...problem, wireName: name, node });
    const wireName: WireName = { name, path, optional, schema };
    if (rest !== undefined) wireName.rest = rest;
    collector.names.push(wireName);
}
