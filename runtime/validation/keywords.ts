// From the 2020-12 entry, which the validators' Ajv instances load anyway: the default entry would load draft-07's too.
import { _, Name, str, type Ajv2020 as Ajv, type KeywordCxt } from 'ajv/dist/2020.js';

import type { JitarType } from '../manifest.js';
import { withArticle } from '../wording.js';
import { CHECKS_NAME, valueChecks, type IsInstanceOfClass, type ValueChecks } from './value-checks.js';

export { isJitarType, type IsInstanceOfClass } from './value-checks.js';

/**
 * Teaches an Ajv instance the manifest's own keywords (see JsonSchema in manifest.ts). Schemas stay
 * declarative; the keywords check values that JSON Schema cannot describe: instances, Maps and Sets.
 *
 * Every keyword generates code (none is a function Ajv calls through its keyword API), because only such
 * keywords survive Ajv's standalone code generation: jitar-compile writes the validators ahead of the start.
 */
export function addJitarKeywords(ajv: Ajv, checks: ValueChecks | IsInstanceOfClass): Ajv
{
    const provided = typeof checks === 'function' ? valueChecks(checks) : checks;
    const checksIn = (context: KeywordCxt): Name => context.gen.scopeValue('obj', { ref: provided, code: new Name(CHECKS_NAME) });

    ajv.addKeyword({
        keyword: 'jitarType', schemaType: 'string',
        code: (context: KeywordCxt) => context.fail(_`!${checksIn(context)}.isJitarType(${context.schema as string}, ${context.data})`),
        error: {
            message: ({ schema }) => str`${typeMessage(schema as JitarType)}`,
            params: ({ schema }) => _`{jitarType: ${schema as string}}`
        }
    });

    ajv.addKeyword({
        keyword: 'jitarClass', schemaType: 'string',
        code: (context: KeywordCxt) => context.fail(_`!${checksIn(context)}.isInstanceOfClass(${context.schema as string}, ${context.data})`),
        error: {
            message: ({ schema }) => str`must be an instance of class ${schema as string}`,
            params: ({ schema }) => _`{jitarClass: ${schema as string}}`
        }
    });

    // It sits beside every number check, on the hot path: an expression, no call.
    ajv.addKeyword({
        keyword: 'jitarFinite', schemaType: 'boolean',
        code: (context: KeywordCxt) => context.fail(_`typeof ${context.data} == "number" && !isFinite(${context.data})`),
        error: { message: 'must be a finite number' }
    });

    // Map keys, and Map values or Set items: the jitarType keyword beside them checks the container itself.
    ajv.addKeyword({ keyword: 'jitarKeys', schemaType: 'object', trackErrors: true, code: context => contentCheck(context, 'keys'), error: { message: 'must have keys of the declared type' } });
    ajv.addKeyword({ keyword: 'jitarItems', schemaType: 'object', trackErrors: true, code: context => contentCheck(context, 'values'), error: { message: 'must have values of the declared type' } });
    return ajv;
}

function typeMessage(type: JitarType): string
{
    return type === 'undefined' ? 'must be absent' : `must be ${withArticle(type)}`;
}

/**
 * Each key or value of a Map (a Set's keys and values are its items) checked by the keyword's schema,
 * inline: references in it resolve against the schema it sits in, as any subschema's do.
 */
function contentCheck(context: KeywordCxt, part: 'keys' | 'values'): void
{
    const { gen, data } = context;
    const valid = gen.name('valid');
    // Declared as var, as Ajv declares a subschema's result: the loop's subschema declares it again.
    gen.var(valid, true);
    gen.if(_`${data} instanceof Map || ${data} instanceof Set`, () =>
    {
        gen.forOf('item', _`${data}.${new Name(part)}()`, item =>
        {
            context.subschema({ keyword: context.keyword, data: item, compositeRule: true, createErrors: false }, valid);
            gen.if(_`!${valid}`, () => gen.break());
        });
    });
    // The item's own errors are dropped: the keyword's message says which part of the container is wrong.
    context.failResult(_`!${valid}`, () => context.reset(), () =>
    {
        context.reset();
        context.error();
    });
}
