#!/usr/bin/env node
// Top self-time functions of a V8 CPU profile (`npm run bench -- --profile`
// writes them to bench/results/profiles.tmp/<scenario>/).
//   node bench/profile-summary.mjs FILE.cpuprofile [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [top]');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
const self = new Map();
let busy = 0;
for (const id of profile.samples) {
  const node = byId.get(id);
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|src|bench|mock-server)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + 1);
  if (!['(idle)', '(program)', '(garbage collector)'].includes(functionName)) busy++;
}
const total = profile.samples.length;
console.log(`${file}: ${((total * interval) / 1e6).toFixed(1)} s sampled, ${((busy * interval) / 1e6).toFixed(2)} s in JS`);
for (const [key, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25))) {
  console.log(`${((count * interval) / 1000).toFixed(0).padStart(7)} ms ${((100 * count) / total).toFixed(1).padStart(5)}%  ${key}`);
}
