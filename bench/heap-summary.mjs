#!/usr/bin/env node
// Compares two V8 heap snapshots by constructor (self size and count):
//   node bench/heap-summary.mjs PROJECT.heapsnapshot BASELINE.heapsnapshot [connections] [top=25]
// With the number of connections, sizes are also shown per connection.
import { readFileSync } from 'node:fs';

function summarize(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const stride = fields.length;
  const byName = new Map();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += stride) {
    const type = types[snap.nodes[i + iType]];
    const raw = snap.strings[snap.nodes[i + iName]];
    const name = type === 'object' || type === 'closure' ? `${type === 'closure' ? 'closure ' : ''}${raw}` : `(${type})`;
    const size = snap.nodes[i + iSize];
    const entry = byName.get(name) ?? { size: 0, count: 0 };
    entry.size += size;
    entry.count += 1;
    byName.set(name, entry);
    total += size;
  }
  return { byName, total };
}

const [a, b, connArg, topArg] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node bench/heap-summary.mjs A.heapsnapshot B.heapsnapshot [connections] [top]');
  process.exit(1);
}
const n = Number(connArg ?? 1);
const A = summarize(a);
const B = summarize(b);
const names = new Set([...A.byName.keys(), ...B.byName.keys()]);
const rows = [...names].map((name) => {
  const x = A.byName.get(name) ?? { size: 0, count: 0 };
  const y = B.byName.get(name) ?? { size: 0, count: 0 };
  return { name, diff: x.size - y.size, countDiff: x.count - y.count, a: x.size, b: y.size };
});
console.log(`total: A ${(A.total / 1024).toFixed(0)} KB, B ${(B.total / 1024).toFixed(0)} KB, A−B ${((A.total - B.total) / 1024 / n).toFixed(2)} KB per connection (n=${n})`);
for (const r of rows.sort((p, q) => q.diff - p.diff).slice(0, Number(topArg ?? 25))) {
  console.log(`${(r.diff / n).toFixed(0).padStart(7)} B/conn ${(r.countDiff / n).toFixed(2).padStart(7)} objs/conn  ${r.name.slice(0, 90)}`);
}
