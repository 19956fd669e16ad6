import { ts } from '#ts-morph';

import type { ProcedureManifest } from '../../runtime/manifest.js';
import { locationOf } from '../analysis/locations.js';
import type { DisplayPaths } from '../config/display-paths.js';
import { Codes, type DiagnosticBag } from '../diagnostics.js';
import { proxiedImports } from '../emit/import-check.js';
import type { ImportPlanner } from '../emit/import-planner.js';
import type { AppFile } from './app-files.js';
import { implementationOf } from './implementations.js';
import { findWrites } from './writes.js';

/**
 * Procedures that modules of other segments call (through proxies, so over the network once split) and
 * that change what a parameter holds: in one process the caller sees the change, once split it does
 * not, since arguments arrive as copies. Writes to the parameter variable itself are local and fine.
 */
export function checkArgumentMutations(files: readonly AppFile[], planner: ImportPlanner, checker: ts.TypeChecker, paths: DisplayPaths, diagnostics: DiagnosticBag): void
{
    const byModule = new Map(files.map(file => [file.module, file]));
    for (const { procedure, callers } of proxiedProcedures(files, planner))
    {
        const file = byModule.get(procedure.module);
        const implementation = file === undefined ? undefined : implementationOf(file.sourceFile, procedure.exportName, checker);
        if (implementation?.body === undefined) continue;

        const parameters = new Map<ts.Symbol, string>();
        for (const parameter of implementation.parameters)
        {
            for (const name of bindingNames(parameter.name))
            {
                const symbol = checker.getSymbolAtLocation(name);
                if (symbol !== undefined) parameters.set(symbol, name.text);
            }
        }

        for (const write of findWrites(implementation.body, checker))
        {
            if (write.rebinds) continue;
            const symbol = checker.getSymbolAtLocation(write.root);
            const parameter = symbol === undefined ? undefined : parameters.get(symbol);
            if (parameter === undefined) continue;
            diagnostics.warning(locationOf(write.node, paths), Codes.ArgumentMutated,
                `Procedure '${procedure.fqn}' is called from other segments (by ${[...callers].sort().map(caller => `'${caller}'`).join(', ')}), and here it ${write.description}, changing its argument '${parameter}': once split, arguments arrive as copies and the caller does not see the change; return what changed instead`);
        }
    }
}

interface ProxiedProcedure
{
    procedure: ProcedureManifest;
    /** The modules that import it through proxies. */
    callers: Set<string>;
}

/** The procedures that some module imports through proxies, with those modules. */
function proxiedProcedures(files: readonly AppFile[], planner: ImportPlanner): ProxiedProcedure[]
{
    const found = new Map<ProcedureManifest, Set<string>>();
    for (const { module, sourceFile } of files)
    {
        for (const { names, plan } of proxiedImports(sourceFile, planner))
        {
            for (const { exportName } of names)
            {
                const procedure = planner.segments.proceduresOf(plan.module).get(exportName);
                if (procedure !== undefined) found.set(procedure, (found.get(procedure) ?? new Set()).add(module));
            }
        }
    }
    return [...found].map(([procedure, callers]) => ({ procedure, callers }));
}

/** The variables a parameter binds: its name, or every name in its destructuring pattern. */
function bindingNames(name: ts.BindingName): ts.Identifier[]
{
    if (ts.isIdentifier(name)) return [name];
    return name.elements.flatMap(element => ts.isOmittedExpression(element) ? [] : bindingNames(element.name));
}
