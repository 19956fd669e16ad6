import { ts } from 'ts-morph';

import type { ParameterManifest, WireName } from '../../runtime/manifest.js';
import type { SchemaGenerator, SchemaProblem } from '../schema/schema-generator.js';

/** A problem with one wire name, or with the parameter list itself (no wire name yet). */
export interface ParameterProblem extends SchemaProblem
{
    wireName: string;
    node: ts.Node;
}

/**
 * The parameter list of a procedure as the wire sees it. Destructured members become flat names (the
 * names they bind, which JavaScript keeps unique across one parameter list), rest bindings `...name`.
 */
export function describeParameters(fn: ts.SignatureDeclaration, checker: ts.TypeChecker, schemas: SchemaGenerator, problems: ParameterProblem[]): ParameterManifest[]
{
    const parameters: ParameterManifest[] = [];
    const declared = fn.parameters.filter(parameter => !(ts.isIdentifier(parameter.name) && parameter.name.text === 'this'));

    declared.forEach((parameter, index) =>
    {
        const text = parameter.name.getText();
        const type = checker.getTypeAtLocation(parameter);
        const optional = parameter.questionToken !== undefined || parameter.initializer !== undefined || parameter.dotDotDotToken !== undefined
            || schemas.includesUndefined(type);

        if (ts.isIdentifier(parameter.name))
        {
            const rest = parameter.dotDotDotToken !== undefined;
            const name = rest ? `...${text}` : text;
            parameters.push({
                kind: rest ? 'rest' : 'named', text, optional,
                names: [wireName(name, [index], optional, rest, type, parameter, schemas, problems)]
            });
            return;
        }

        const names: WireName[] = [];
        collectBindings(parameter.name, [index], optional, names, checker, schemas, problems);
        parameters.push({ kind: ts.isObjectBindingPattern(parameter.name) ? 'object-pattern' : 'array-pattern', text, optional, names });
    });

    return parameters;
}

function collectBindings(pattern: ts.BindingPattern, path: (string | number)[], inheritedOptional: boolean, names: WireName[],
    checker: ts.TypeChecker, schemas: SchemaGenerator, problems: ParameterProblem[]): void
{
    pattern.elements.forEach((element, index) =>
    {
        if (ts.isOmittedExpression(element)) return;

        const rest = element.dotDotDotToken !== undefined;
        const key = ts.isArrayBindingPattern(pattern) ? index : propertyKey(element);
        if (key === undefined)
        {
            problems.push({ severity: 'error', path: '', wireName: element.getText(), node: element, message: 'a computed property name in a destructuring pattern has no name on the wire' });
            return;
        }

        const type = checker.getTypeAtLocation(element.name);
        const optional = inheritedOptional || rest || element.initializer !== undefined || schemas.includesUndefined(type);
        // An object rest collects what is left of the object at `path`; an array rest starts at its index.
        const elementPath = rest && ts.isObjectBindingPattern(pattern) ? path : [...path, key];

        if (ts.isIdentifier(element.name))
        {
            const name = rest ? `...${element.name.text}` : element.name.text;
            names.push(wireName(name, elementPath, optional, rest, type, element, schemas, problems));
        }
        else
        {
            collectBindings(element.name, elementPath, optional, names, checker, schemas, problems);
        }
    });
}

function propertyKey(element: ts.BindingElement): string | undefined
{
    const name = element.propertyName ?? element.name;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
    return undefined;
}

function wireName(name: string, path: (string | number)[], optional: boolean, rest: boolean, type: ts.Type, node: ts.Node,
    schemas: SchemaGenerator, problems: ParameterProblem[]): WireName
{
    const found: SchemaProblem[] = [];
    const schema = schemas.generate(type, found, optional && !rest);
    for (const problem of found) problems.push({ ...problem, wireName: name, node });
    return { name, path, optional, rest, schema };
}
