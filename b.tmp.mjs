import { writeFileSync, readFileSync } from 'node:fs';
import { IncrementalBuild } from './lib/transformer/watch/incremental-build.js';
const b = new IncrementalBuild({cwd:'/tmp/devapp'});
let r = b.start(); console.log(r.kind, r.ok, r.duration, r.written.length, r.diagnostics.length);
const file='/tmp/devapp/src/billing/audit.ts'; const orig=readFileSync(file,'utf8');
for (const [label, text] of [['body', orig.replace('results.length + seed', 'results.length + seed + 7')], ['body2', orig.replace('results.length + seed', '\n\nresults.length + seed + 8')], ['err', orig.replace('results.length + seed', 'results.length + "x"')], ['fix', orig], ['sig', orig.replace('restorePayment2(seed: number', 'restorePayment2(seed: string').replace('results.length + seed', 'results.length + Number(seed)')], ['back', orig]]) {
  writeFileSync(file, text);
  r = b.update([file]);
  console.log(label, r.kind, r.ok, Math.round(r.duration), r.manifestChanged, r.written.map(f=>f.replace('/tmp/devapp/dist/','')).slice(0,5), r.diagnostics.filter(d=>d.severity==='error').map(d=>`${d.file}:${d.line}:${d.column} ${d.message}`));
}
