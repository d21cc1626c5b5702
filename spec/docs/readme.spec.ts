/**
 * Every TypeScript code block of README.md is type-checked against the library, as a user
 * who copies it would compile it: a README that drifts from the code fails the suite.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'spec', 'output', 'readme');

export function codeBlocks(markdown: string, langs: readonly string[]): string[] {
  const blocks: string[] = [];
  const fence = /^```(\w+)[^\n]*\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    if (langs.includes(m[1])) blocks.push(m[2]);
  }
  return blocks;
}

describe('README.md', () => {
  it('has TypeScript blocks, and every one of them type-checks against the library', () => {
    const blocks = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), ['ts', 'typescript']);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    // Each block is its own module, so blocks may reuse names and use top-level await.
    const files = blocks.map((code, i) => {
      const file = join(OUT, `block-${String(i + 1).padStart(2, '0')}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      return file;
    });
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true, noUnusedLocals: false });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(OUT));
    const text = diagnostics.map((d) => {
      const where =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const name = d.file ? d.file.fileName.slice(OUT.length + 1) : '';
      return `${name}:${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(text).toEqual([]);
  }, 60_000);
});
