/**
 * The fenced code blocks of README.md and docs/*.md, with their info string:
 * ```ts example=quickstart/server.ts  → run by a test under that name
 * ```ts fragment                      → part of a larger program, not runnable alone
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash (a string path: jsdom replaces the global `URL`). */
export const REPO = `${resolve(dirname(fileURLToPath(import.meta.url)), '../..')}/`;

/** One fenced block. */
export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  /** `example=NAME` → NAME. */
  example: string | null;
  fragment: boolean;
  code: string;
}

/** The markdown files whose code blocks are checked: README.md and every docs/*.md. */
export function docFiles(): string[] {
  return ['README.md', ...readdirSync(`${REPO}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

/** Every fenced block of `file` (relative to the repo). */
export function blocksOf(file: string): DocBlock[] {
  const lines = readFileSync(`${REPO}${file}`, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const info = open[2] ?? '';
    blocks.push({
      file,
      line: start + 1,
      language: open[1] ?? '',
      example: /(?:^|\s)example=(\S+)/.exec(info)?.[1] ?? null,
      fragment: /(?:^|\s)fragment(?:\s|$)/.test(info),
      code: body.join('\n') + '\n',
    });
  }
  return blocks;
}

/** The block marked `example=name` (exactly one must exist). */
export function exampleBlock(name: string): DocBlock {
  const found = docFiles().flatMap(blocksOf).filter((b) => b.example === name);
  if (found.length !== 1) throw new Error(`expected one block marked example=${name}, found ${found.length}`);
  return found[0]!;
}
