/**
 * Packs socketkit as a user gets it, once for the whole `package` project: a
 * clean clone of HEAD plus the working tree's uncommitted changes (no dist/,
 * so `npm pack` must build through `prepack`), packed into a temporary
 * directory. The test files read the tarball's path with
 * `inject('socketkitTarball')`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the packed `socketkit-<version>.tgz`. */
    socketkitTarball: string;
  }
}

const root = resolve(__dirname, '../../..');

/** A clean clone of the repository plus the working tree's uncommitted changes; node_modules linked, nothing built. */
function cleanClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socketkit-clone-'));
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, dir], { stdio: 'pipe' });
  const diff = execFileSync('git', ['diff', 'HEAD', '--binary'], { cwd: root });
  if (diff.length > 0) execFileSync('git', ['apply', '--whitespace=nowarn', '-'], { cwd: dir, input: diff });
  const untracked = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f.length > 0);
  for (const file of untracked) cpSync(join(root, file), join(dir, file), { recursive: true });
  // The build tools come from this checkout; dist/ and storybook-static/ do not exist in the clone.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export default function setup(project: TestProject): () => void {
  const clone = cleanClone();
  if (existsSync(join(clone, 'dist'))) throw new Error('the clean clone already has dist/');
  const out = mkdtempSync(join(tmpdir(), 'socketkit-tarball-'));
  // `npm pack` runs `prepack` (the build) in the clone; the build's log comes first, the JSON last.
  const log = execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: clone,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const packed = JSON.parse(log.slice(log.lastIndexOf('\n[\n') + 1)) as { filename: string }[];
  rmSync(clone, { recursive: true, force: true });
  project.provide('socketkitTarball', join(out, packed[0]!.filename));
  return () => rmSync(out, { recursive: true, force: true });
}
