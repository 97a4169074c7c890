import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
process.chdir('/work/main');
const r = await esbuild.build({
  entryPoints: ['src/react/index.ts'], bundle: true, write: false, minify: true, format: 'esm', metafile: true, target: 'es2020',
  alias: { socketkit: './src/core/index.ts', 'socketkit/protocol': './src/protocol/index.ts' },
  external: ['react', 'react/jsx-runtime', 'socket.io-client'], logLevel: 'error',
});
const out = r.outputFiles[0].contents;
console.log('min', out.length, 'gz', gzipSync(out, { level: 9 }).length);
if (process.argv[2]) {
  const o = Object.values(r.metafile.outputs)[0].inputs;
  for (const [k, v] of Object.entries(o).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) console.log(v.bytesInOutput, k);
}
if (process.argv[3]) (await import('node:fs')).writeFileSync('/tmp/sk/out.js', out);
