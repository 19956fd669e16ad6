// Prints what jitar-compile learned about an app: each procedure as a caller sees it on the wire.
// Usage: node examples/show-manifest.mjs <app folder>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const app = process.argv[2] ?? 'examples/hello';
const manifest = JSON.parse(readFileSync(join(app, 'dist/.jitar/manifest.json'), 'utf8'));

const describe = (schema) =>
{
    if (schema.$ref) return schema.$ref.replace('#/$defs/', '');
    if (schema.jitarClass) return `${schema.jitarClass} (class)`;
    if (schema.jitarType) return schema.jitarType;
    if (schema.type === 'array') return `${describe(schema.items ?? {})}[]`;
    if (schema.anyOf) return schema.anyOf.map(describe).join(' | ');
    if (schema.enum) return schema.enum.map(value => JSON.stringify(value)).join(' | ');
    return [schema.type ?? 'any'].flat().join(' | ');
};

console.log(`\nRPC procedures of ${app}:`);
for (const procedure of manifest.procedures)
{
    const names = procedure.parameters.flatMap(parameter => parameter.names)
        .map(name => `${name.name}${name.optional ? '?' : ''}: ${describe(name.schema)}`);
    console.log(`  ${procedure.access.padEnd(9)} ${procedure.fqn}@${procedure.version}(${names.join(', ')}) -> ${describe(procedure.result)}`);
}
