// Generates a deterministic Jitar app for the compile benchmark.
//
//   generateApp(dir, { modules, procedures, seed }) -> counts
//
// Layout written into `dir` (wiped first):
//   jitar.json, tsconfig.json, package.json
//   src/<domain>/types.ts      shared types: enums, aliases (recursive ones too), generics, classes
//   src/<domain>/<module>.ts   3-4 exported async procedures each, with mixed signatures
//   segments/<segment>.json    every procedure listed exactly once, classes listed with {}
//
// `modules` counts every .ts file (type modules included); `procedures` is exact.
// Everything is derived from `seed`, so the same options always give the same files.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DOMAIN_NAMES = [
  'billing', 'catalog', 'orders', 'shipping', 'inventory', 'accounts', 'auth', 'reporting', 'search', 'notifications',
  'reviews', 'payments', 'pricing', 'support', 'analytics', 'marketing', 'media', 'scheduling', 'compliance', 'profiles',
];

const MODULE_WORDS = [
  'lookup', 'ledger', 'history', 'exports', 'imports', 'sync', 'audit', 'summary', 'details', 'query',
  'stats', 'queue', 'admin', 'publicApi', 'batch', 'cache', 'archive', 'metrics', 'settings', 'tasks',
  'events', 'tags', 'notes', 'files', 'links', 'groups', 'roles', 'limits', 'quotas', 'rules',
];

const VERBS = [
  'get', 'find', 'list', 'create', 'update', 'remove', 'count', 'check', 'compute', 'resolve',
  'sync', 'merge', 'rank', 'score', 'archive', 'restore', 'export', 'import', 'validate', 'preview',
];

const NOUNS = [
  'Customer', 'Order', 'Invoice', 'Item', 'Report', 'Entry', 'Record', 'Profile', 'Ticket', 'Batch',
  'Address', 'Payment', 'Shipment', 'Review', 'Price', 'Session', 'Token', 'Event', 'Rule', 'Quota',
];

const SEGMENT_NAMES = ['core', 'commerce', 'operations', 'insights', 'edge', 'backoffice', 'public', 'internal'];

const STATUS_MEMBERS = ['Pending', 'Closed', 'Archived', 'Draft', 'Failed', 'Blocked'];

// Extra Customer fields that vary per domain: [declaration, value for a literal].
const CUSTOMER_EXTRAS = [
  ['email: string', "email: ''"],
  ['score: number', 'score: 0'],
  ['vip: boolean', 'vip: false'],
  ['notes?: string', null],
  ['labels: Tag[]', 'labels: []'],
  ['since: Date', 'since: new Date(0)'],
  ['level: Level', 'level: Level.Low'],
];

// ---------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32).

function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const chance = (p) => next() < p;
  const shuffle = (list) => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  return { next, int, pick, chance, shuffle };
}

const capitalize = (text) => text[0].toUpperCase() + text.slice(1);

// ---------------------------------------------------------------------------------------------
// Per-domain shared types.

function createDomainSpec(name, random) {
  const statusMembers = ['Active', ...random.shuffle(STATUS_MEMBERS).slice(0, random.int(2, 4))];
  const customerExtras = random.shuffle(CUSTOMER_EXTRAS).slice(0, random.int(0, 3));
  return { name, statusMembers, customerExtras };
}

function renderTypesModule(spec) {
  const statusLines = spec.statusMembers.map((member) => `  ${member} = '${member.toLowerCase()}',`);
  const extraLines = spec.customerExtras.map(([declaration]) => `  ${declaration};`);
  return `// Shared types of the ${spec.name} domain (generated).

export enum Status {
${statusLines.join('\n')}
}

export enum Level {
  Low,
  Medium,
  High,
}

export type Priority = 'low' | 'medium' | 'high';

export type Currency = 'EUR' | 'USD' | 'GBP';

export interface Money {
  amount: number;
  currency: Currency;
}

export interface Address {
  street: string;
  city: string;
  zip?: string;
  country: string;
}

export interface Customer {
  id: number;
  name: string;
  address: Address;
  tags: string[];
  status: Status;
${extraLines.join('\n')}
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}

export type Tree<T> = { value: T; children: Tree<T>[] };

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Audited {
  createdAt: Date;
  updatedAt?: Date;
  updatedBy: string;
}

export interface Filter {
  query: string;
  options: { limit: number; offset?: number; sort?: 'asc' | 'desc' };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export type Point = [x: number, y: number];

export type Lookup = Record<string, Customer>;

export class Person {
  constructor(readonly name: string, readonly age: number) {}
}

export class Account {
  #balance: number;

  constructor(readonly owner: string, balance: number) {
    this.#balance = balance;
  }

  get balance(): number {
    return this.#balance;
  }

  deposit(amount: number): Account {
    return new Account(this.owner, this.#balance + amount);
  }
}

export class Tag {
  private readonly normalized: string;
  notes: string[] = [];

  constructor(public label: string, public weight = 1) {
    this.normalized = label.toLowerCase();
  }

  get key(): string {
    return this.normalized;
  }
}
`;
}

const TYPES_CLASSES = ['Person', 'Account', 'Tag'];

// Object literal of type Customer for the given domain; `T`/`V` resolve type/value names.
function customerLiteral(spec, V, { id, name, status }) {
  const extras = spec.customerExtras
    .map(([, value]) => value)
    .filter((value) => value !== null)
    .map((value) => (value.includes('Level.') ? value.replace('Level.', `${V('Level')}.`) : value));
  return `{ id: ${id}, name: ${name}, address: { street: '', city: '', country: '' }, tags: [], status: ${status}${extras.map((e) => `, ${e}`).join('')} }`;
}

// ---------------------------------------------------------------------------------------------
// Procedure signature templates.
//
// sig(ctx)  -> { params, returns, body }   ctx.T(name) / ctx.V(name): local name of a domain type,
//                                          used as a type / as a value (registers the import)
// call(ctx) -> argument list for a call from another procedure (ctx maps to the callee's domain)

const TEMPLATES = [
  {
    kind: 'primitives',
    sig: () => ({
      params: 'id: number, name: string, active: boolean',
      returns: 'Promise<string>',
      body: ['return `${name}:${id}:${active}`;'],
    }),
    call: () => "7, 'x', true",
  },
  {
    kind: 'optional',
    sig: () => ({
      params: 'query: string, limit?: number, offset = 0',
      returns: 'Promise<number[]>',
      body: ['return Array.from({ length: limit ?? query.length }, (_, i) => i + offset);'],
    }),
    call: () => "'q', 3",
  },
  {
    kind: 'object-destructuring',
    sig: ({ T }) => ({
      params: `{ street, city }: ${T('Address')}`,
      returns: 'Promise<string>',
      body: ['return `${street}, ${city}`;'],
    }),
    call: () => "{ street: 'Main 1', city: 'Utrecht', country: 'NL' }",
  },
  {
    kind: 'renamed-nested-destructuring',
    sig: ({ T }) => ({
      params: `{ query: q, options: { limit, offset = 0 } }: ${T('Filter')}`,
      returns: `Promise<${T('Page')}<string>>`,
      body: ['return { items: [q], total: limit, page: offset, size: limit };'],
    }),
    call: () => "{ query: 'a', options: { limit: 5 } }",
  },
  {
    kind: 'array-destructuring',
    sig: () => ({
      params: '[first, second]: [string, number]',
      returns: 'Promise<Record<string, number>>',
      body: ['return { [first]: second };'],
    }),
    call: () => "['a', 1]",
  },
  {
    kind: 'rest',
    sig: () => ({
      params: 'label: string, ...ids: number[]',
      returns: 'Promise<Map<string, number>>',
      body: ['return new Map(ids.map((id): [string, number] => [`${label}-${id}`, id]));'],
    }),
    call: () => "'l', 1, 2, 3",
  },
  {
    kind: 'literal-unions',
    sig: ({ T }) => ({
      params: `priority: ${T('Priority')}, mode: 'fast' | 'safe' = 'safe'`,
      returns: `Promise<${T('Priority')}[]>`,
      body: ["return mode === 'fast' ? [priority] : [priority, 'low'];"],
    }),
    call: () => "'high'",
  },
  {
    kind: 'enums',
    sig: ({ V }) => ({
      params: `status: ${V('Status')}, level: ${V('Level')} = ${V('Level')}.Low`,
      returns: `Promise<${V('Status')}>`,
      body: [`return level === ${V('Level')}.High ? ${V('Status')}.Active : status;`],
    }),
    call: ({ V }) => `${V('Status')}.Active`,
  },
  {
    kind: 'arrays-tuples',
    sig: () => ({
      params: 'values: number[], pair: [number, number]',
      returns: 'Promise<[min: number, max: number, sum: number]>',
      body: [
        'const sum = values.reduce((a, b) => a + b, 0);',
        'return [Math.min(pair[0], ...values), Math.max(pair[1], ...values), sum];',
      ],
    }),
    call: () => '[1, 2], [0, 9]',
  },
  {
    kind: 'record',
    sig: ({ T }) => ({
      params: `scores: Record<string, number>, currency: ${T('Currency')} = 'EUR'`,
      returns: `Promise<Record<string, ${T('Money')}>>`,
      body: [
        `const out: Record<string, ${T('Money')}> = {};`,
        'for (const [key, amount] of Object.entries(scores)) {',
        '  out[key] = { amount, currency };',
        '}',
        'return out;',
      ],
    }),
    call: () => '{ a: 1 }',
  },
  {
    kind: 'date',
    sig: () => ({
      params: 'from: Date, days = 1',
      returns: 'Promise<Date>',
      body: ['return new Date(from.getTime() + days * 86_400_000);'],
    }),
    call: () => 'new Date(0)',
  },
  {
    kind: 'map',
    sig: () => ({
      params: 'counts: Map<string, number>, key: string',
      returns: 'Promise<number>',
      body: ['return counts.get(key) ?? 0;'],
    }),
    call: () => "new Map([['a', 1]]), 'a'",
  },
  {
    kind: 'class-instance',
    sig: ({ V }) => ({
      params: `person: ${V('Person')}, years = 1`,
      returns: `Promise<${V('Person')}>`,
      body: [`return new ${V('Person')}(person.name, person.age + years);`],
    }),
    call: ({ V }) => `new ${V('Person')}('Ada', 36)`,
  },
  {
    kind: 'generic-instantiated',
    sig: ({ T, V, spec }) => ({
      params: `page: ${T('Page')}<${V('Person')}>, status: ${V('Status')}`,
      returns: `Promise<${T('Page')}<${T('Customer')}>>`,
      body: [
        `const items = page.items.map((p, i): ${T('Customer')} => (${customerLiteral(spec, V, { id: 'i', name: 'p.name', status: 'status' })}));`,
        'return { ...page, items };',
      ],
    }),
    call: ({ V }) => `{ items: [new ${V('Person')}('Bo', 3)], total: 1, page: 1, size: 10 }, ${V('Status')}.Active`,
  },
  {
    kind: 'intersection',
    sig: ({ T }) => ({
      params: `entry: ${T('Customer')} & ${T('Audited')}`,
      returns: `Promise<${T('Audited')} & { id: number; label: string }>`,
      body: ['return { createdAt: entry.createdAt, updatedBy: entry.updatedBy, id: entry.id, label: entry.name };'],
    }),
  },
  {
    kind: 'recursive-tree',
    sig: ({ T }) => ({
      params: `tree: ${T('Tree')}<string>, depth = 1`,
      returns: `Promise<${T('Tree')}<number>>`,
      body: [
        `const walk = (node: ${T('Tree')}<string>): ${T('Tree')}<number> => ({ value: node.value.length * depth, children: node.children.map(walk) });`,
        'return walk(tree);',
      ],
    }),
    call: () => "{ value: 'root', children: [{ value: 'leaf', children: [] }] }",
  },
  {
    kind: 'class-private-fields',
    sig: ({ T, V }) => ({
      params: `account: ${V('Account')}, { amount, currency }: ${T('Money')}`,
      returns: `Promise<${V('Account')}>`,
      body: ["return currency === 'EUR' ? account.deposit(amount) : account;"],
    }),
    call: ({ V }) => `new ${V('Account')}('owner', 10), { amount: 5, currency: 'USD' }`,
  },
  {
    kind: 'union-result',
    sig: ({ T }) => ({
      params: 'input: string | number | null, strict?: boolean',
      returns: `Promise<${T('Result')}<string>>`,
      body: [
        "if (input === null) return { ok: false, error: 'missing' };",
        "return strict && typeof input === 'number' ? { ok: false, error: 'number' } : { ok: true, value: String(input) };",
      ],
    }),
    call: () => "'x'",
  },
  {
    kind: 'class-json',
    sig: ({ T, V }) => ({
      params: `tag: ${V('Tag')}, meta: ${T('Json')} = null`,
      returns: `Promise<${T('Json')}>`,
      body: ['return { label: tag.label, weight: tag.weight, key: tag.key, notes: tag.notes, meta };'],
    }),
    call: ({ V }) => `new ${V('Tag')}('t')`,
  },
  {
    kind: 'labeled-tuples',
    sig: ({ T }) => ({
      params: `origin: ${T('Point')}, points: ${T('Point')}[] = []`,
      returns: `Promise<{ nearest: ${T('Point')} | undefined; count: number }>`,
      body: ['return { nearest: points[0], count: points.length + origin.length };'],
    }),
    call: () => '[0, 0]',
  },
  {
    kind: 'record-of-interface',
    sig: ({ T }) => ({
      params: `lookup: ${T('Lookup')}, ids: string[]`,
      returns: `Promise<${T('Customer')}[]>`,
      body: [
        'return ids.flatMap((id) => {',
        '  const found = lookup[id];',
        '  return found ? [found] : [];',
        '});',
      ],
    }),
    call: () => "{}, ['a']",
  },
  {
    kind: 'no-params',
    sig: ({ V }) => ({
      params: '',
      returns: `Promise<${V('Status')}[]>`,
      body: [`return Object.values(${V('Status')});`],
    }),
    call: () => '',
  },
  {
    kind: 'void',
    sig: () => ({
      params: "message: string, level: 'info' | 'warn' = 'info'",
      returns: 'Promise<void>',
      body: ["if (message.length === 0 && level === 'warn') {", "  throw new Error('empty message');", '}'],
    }),
    call: () => "'hello'",
  },
  {
    kind: 'nested-inline-destructuring',
    sig: ({ T }) => ({
      params: `{ customer: { name, address: { city } }, tags = [] }: { customer: ${T('Customer')}; tags?: string[] }`,
      returns: 'Promise<string>',
      body: ["return [name, city, ...tags].join(' ');"],
    }),
  },
  {
    kind: 'optional-object-default',
    sig: ({ T, V }) => ({
      params: '{ page = 1, size = 20 }: { page?: number; size?: number } = {}',
      returns: `Promise<${T('Page')}<${V('Person')}>>`,
      body: [`return { items: [new ${V('Person')}('p', page)], total: size, page, size };`],
    }),
    call: () => '{ page: 2 }',
  },
];

// A procedure that awaits other procedures (imported from earlier modules or earlier in its own).
const CALLER = {
  kind: 'caller',
  sig: ({ calls }) => ({
    params: 'seed: number, note?: string',
    returns: 'Promise<number>',
    body: [
      'const results = [',
      ...calls.map((call) => `  await ${call},`),
      '];',
      'return results.length + seed + (note?.length ?? 0);',
    ],
  }),
};

// ---------------------------------------------------------------------------------------------
// Module rendering.

class ModuleBuilder {
  constructor(domain, name) {
    this.domain = domain;
    this.name = name;
    this.path = `${domain}/${name}`;
    this.procedures = []; // { name, template, lines }
    this.typeImports = new Map(); // domain -> Map(typeName -> { local, asValue })
    this.procImports = new Map(); // modulePath -> Map(exportName -> local)
    this.locals = new Set();
  }

  typeRef(domain, name, asValue) {
    if (!this.typeImports.has(domain)) this.typeImports.set(domain, new Map());
    const names = this.typeImports.get(domain);
    const local = domain === this.domain ? name : `${capitalize(domain)}${name}`;
    const entry = names.get(name) ?? { local, asValue: false };
    entry.asValue ||= asValue;
    names.set(name, entry);
    return local;
  }

  context(domain, spec) {
    return {
      spec,
      T: (name) => this.typeRef(domain, name, false),
      V: (name) => this.typeRef(domain, name, true),
    };
  }

  procRef(target) {
    if (target.module === this) return target.name;
    if (!this.procImports.has(target.module.path)) this.procImports.set(target.module.path, new Map());
    const names = this.procImports.get(target.module.path);
    if (names.has(target.name)) return names.get(target.name);
    let local = target.name;
    if (this.locals.has(local)) local = `${target.name}From${capitalize(target.module.name)}`;
    let n = 2;
    while (this.locals.has(local)) local = `${target.name}From${capitalize(target.module.name)}${n++}`;
    this.locals.add(local);
    names.set(target.name, local);
    return local;
  }

  render() {
    const out = [`// ${this.path} (generated)`, ''];
    for (const [modulePath, names] of [...this.procImports].sort(([a], [b]) => a.localeCompare(b))) {
      const specifiers = [...names].map(([name, local]) => (name === local ? name : `${name} as ${local}`));
      out.push(`import { ${specifiers.join(', ')} } from '${relativeImport(this.domain, modulePath)}';`);
    }
    for (const [domain, names] of [...this.typeImports].sort(([a], [b]) => a.localeCompare(b))) {
      const entries = [...names].sort(([a], [b]) => a.localeCompare(b));
      const anyValue = entries.some(([, entry]) => entry.asValue);
      const specifiers = entries.map(([name, { local, asValue }]) => {
        const spec = name === local ? name : `${name} as ${local}`;
        return anyValue && !asValue ? `type ${spec}` : spec;
      });
      const keyword = anyValue ? 'import' : 'import type';
      out.push(`${keyword} { ${specifiers.join(', ')} } from '${relativeImport(this.domain, `${domain}/types`)}';`);
    }
    if (out.length > 2) out.push('');
    for (const procedure of this.procedures) {
      out.push(...procedure.lines, '');
    }
    return out.join('\n');
  }
}

function relativeImport(fromDomain, targetPath) {
  const [domain, module] = targetPath.split('/');
  return domain === fromDomain ? `./${module}` : `../${domain}/${module}`;
}

function renderProcedure(name, { params, returns, body }) {
  return [`export async function ${name}(${params}): ${returns} {`, ...body.map((line) => `  ${line}`), '}'];
}

// ---------------------------------------------------------------------------------------------

export function generateApp(dir, { modules = 300, procedures = 1000, seed = 1, domains = 20, segments = 5 } = {}) {
  const random = createRandom(seed);
  const domainCount = Math.max(1, Math.min(domains, Math.floor(modules / 2)));
  const procedureModuleCount = modules - domainCount;
  if (procedureModuleCount < 1) throw new Error(`need more modules than domains (${modules} <= ${domainCount})`);
  if (procedures < procedureModuleCount) throw new Error(`need at least one procedure per module (${procedures} < ${procedureModuleCount})`);

  const domainNames = Array.from({ length: domainCount }, (_, i) =>
    i < DOMAIN_NAMES.length ? DOMAIN_NAMES[i] : `${DOMAIN_NAMES[i % DOMAIN_NAMES.length]}${Math.floor(i / DOMAIN_NAMES.length) + 1}`,
  );
  const specs = new Map(domainNames.map((name) => [name, createDomainSpec(name, random)]));
  const segmentNames = Array.from({ length: Math.max(1, segments) }, (_, i) =>
    i < SEGMENT_NAMES.length ? SEGMENT_NAMES[i] : `segment${i + 1}`,
  );
  const homeSegment = new Map(domainNames.map((name, i) => [name, segmentNames[i % segmentNames.length]]));

  // Modules: spread over the domains, then interleaved so that imports cross domains.
  const moduleList = [];
  const usedModuleNames = new Map(domainNames.map((name) => [name, new Set()]));
  for (let i = 0; i < procedureModuleCount; i++) {
    const domain = domainNames[i % domainCount];
    const used = usedModuleNames.get(domain);
    let name = random.pick(MODULE_WORDS);
    for (let n = 2; used.has(name); n++) name = `${random.pick(MODULE_WORDS)}${n}`;
    used.add(name);
    moduleList.push(new ModuleBuilder(domain, name));
  }

  // Procedure counts per module: as even as possible, remainder spread at random.
  const base = Math.floor(procedures / procedureModuleCount);
  const extra = procedures - base * procedureModuleCount;
  const extraModules = new Set(random.shuffle(moduleList.map((_, i) => i)).slice(0, extra));

  const usedProcNames = new Map(domainNames.map((name) => [name, new Set()]));
  const callable = []; // procedures with a call() in modules already generated
  const segmentFiles = new Map(segmentNames.map((name) => [name, {}]));
  const kindCounts = {};
  let procedureTotal = 0;

  moduleList.forEach((module, moduleIndex) => {
    const count = base + (extraModules.has(moduleIndex) ? 1 : 0);
    const spec = specs.get(module.domain);
    const segment = random.chance(0.85) ? homeSegment.get(module.domain) : random.pick(segmentNames);
    const entries = {};

    const procNames = [];
    for (let i = 0; i < count; i++) {
      const used = usedProcNames.get(module.domain);
      let name = `${random.pick(VERBS)}${random.pick(NOUNS)}`;
      for (let n = 2; used.has(name); n++) name = `${random.pick(VERBS)}${random.pick(NOUNS)}${n}`;
      used.add(name);
      module.locals.add(name);
      procNames.push(name);
    }

    const ownCallable = [];
    for (const name of procNames) {
      const isCaller = (callable.length + ownCallable.length) > 0 && random.chance(0.12);
      let template;
      let signature;
      if (isCaller) {
        template = CALLER;
        const callCount = random.int(1, 3);
        const calls = [];
        for (let c = 0; c < callCount; c++) {
          const useOwn = ownCallable.length > 0 && (callable.length === 0 || random.chance(0.25));
          const sameDomain = callable.filter((p) => p.module.domain === module.domain);
          const pool = useOwn ? ownCallable : sameDomain.length > 0 && random.chance(0.6) ? sameDomain : callable;
          const target = random.pick(pool);
          const local = module.procRef(target);
          const args = target.template.call(module.context(target.module.domain, specs.get(target.module.domain)));
          calls.push(`${local}(${args})`);
        }
        signature = CALLER.sig({ calls });
      } else {
        template = random.pick(TEMPLATES);
        signature = template.sig(module.context(module.domain, spec));
      }
      kindCounts[template.kind] = (kindCounts[template.kind] ?? 0) + 1;
      module.procedures.push({ name, template, lines: renderProcedure(name, signature) });
      if (template.call) ownCallable.push({ module, name, template });

      const access = random.chance(0.9) ? 'public' : 'protected';
      const version = random.chance(0.85) ? '1.0.0' : random.pick(['1.1.0', '2.0.0']);
      entries[name] = { access, version };
      procedureTotal++;
    }

    callable.push(...ownCallable);
    segmentFiles.get(segment)[`./${module.path}`] = entries;
  });

  // Classes: registered once, in the home segment of their domain.
  for (const domain of domainNames) {
    segmentFiles.get(homeSegment.get(domain))[`./${domain}/types`] = Object.fromEntries(TYPES_CLASSES.map((name) => [name, {}]));
  }

  // Write everything.
  rmSync(dir, { recursive: true, force: true });
  const write = (relative, content) => {
    const file = join(dir, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };

  write('jitar.json', `${JSON.stringify({ source: './src', target: './dist', segments: './segments' }, null, 2)}\n`);
  write('package.json', `${JSON.stringify({ name: 'jitar-bench-app', private: true, type: 'module' }, null, 2)}\n`);
  write(
    'tsconfig.json',
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          strict: true,
          skipLibCheck: true,
          types: [],
          // For emitting builds (jitar-compile, and plain tsc in the benchmark): TypeScript 6 wants
          // rootDir explicitly once outDir is set; jitar-compile uses source/target of jitar.json.
          rootDir: './src',
          outDir: './dist',
          declaration: false,
          sourceMap: false,
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
  );
  for (const domain of domainNames) write(`src/${domain}/types.ts`, renderTypesModule(specs.get(domain)));
  for (const module of moduleList) write(`src/${module.path}.ts`, module.render());

  const sortedEntries = (object) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
  for (const [name, content] of segmentFiles) {
    write(`segments/${name}.json`, `${JSON.stringify(sortedEntries(content), null, 2)}\n`);
  }

  return {
    modules: domainCount + moduleList.length,
    typeModules: domainCount,
    procedureModules: moduleList.length,
    procedures: procedureTotal,
    classes: domainCount * TYPES_CLASSES.length,
    domains: domainCount,
    segments: segmentNames.length,
    crossModuleImports: moduleList.reduce((sum, m) => sum + [...m.procImports.values()].reduce((s, n) => s + n.size, 0), 0),
    kinds: kindCounts,
  };
}
