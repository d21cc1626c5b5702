/**
 * README.md and docs/*.md: every TypeScript block type-checks against the library as a user who
 * copies it would compile it; the README stays short; nothing in the repository points at files
 * that are not in it; every link between the docs resolves.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { codeBlocks, docFiles, ROOT } from './blocks';

const OUT = join(ROOT, 'spec', 'output', 'docs');

describe('README.md and docs/', () => {
  it('has TypeScript blocks, and every one of them type-checks against the library', () => {
    const blocks = docFiles().flatMap((f) => codeBlocks(f));
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    // Each block is its own module, so blocks may reuse names and use top-level await.
    const names = new Map<string, string>();
    const files = blocks.map((b, i) => {
      const file = join(OUT, `block-${String(i + 1).padStart(2, '0')}.ts`);
      names.set(file, b.name);
      writeFileSync(file, `${b.code}\nexport {};\n`);
      return file;
    });
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const options = { ...parsed.options, noEmit: true, noUnusedLocals: false };
    const program = ts.createProgram(files, options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(OUT));
    const text = diagnostics.map((d) => {
      const where =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const name = d.file ? (names.get(d.file.fileName) ?? d.file.fileName) : '';
      return `${name} +${where ? where.line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(text).toEqual([]);
  }, 120_000);

  it('README.md is short: at most 350 lines, none wider than 200 characters', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    expect(lines.length).toBeLessThanOrEqual(350);
    expect(lines.filter((l) => l.length > 200)).toEqual([]);
  });

  it('no prose or table line in docs/ is wider than 200 characters', () => {
    const wide = docFiles().flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((l, i) => ({ at: `${relative(ROOT, f)}:${i + 1}`, length: l.length }))
        .filter((l) => l.length > 200),
    );
    expect(wide).toEqual([]);
  });

  it('README.md gives the install line and the two development commands', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm i kucoin-wsapi-rx rxjs');
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('every relative link in README.md and docs/ points at a file that exists, and at a heading in it', () => {
    // GitHub's anchors: the heading in lower case, without punctuation, spaces as hyphens.
    const anchors = (file: string): Set<string> =>
      new Set(
        [
          ...readFileSync(file, 'utf8')
            .replace(/^```[\s\S]*?^```/gm, '')
            .matchAll(/^#{1,6} (.+)$/gm),
        ].map((m) =>
          m[1]
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, '')
            .replace(/\s/g, '-'),
        ),
      );
    const broken: string[] = [];
    for (const f of docFiles()) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]*)(?:#([^)\s]*))?\)/g)) {
        const [, target, anchor] = m;
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const file = target === '' ? f : join(dirname(f), target);
        if (!existsSync(file)) broken.push(`${relative(ROOT, f)}: ${target}`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor))
          broken.push(`${relative(ROOT, f)}: ${target}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('nothing in the repository refers to documents that are not in it', () => {
    // Built from pieces, so that this file does not match itself. (An old in-house name for
    // kucoin-api's client is among them; the docs now call it by its name.)
    const outside = [
      'shared' + '/',
      'PROTOCOL' + '\\.md',
      'DESIGN' + '\\.md',
      'STYLE' + '\\.md',
      '\\<[Tt]he ' + 'seed\\>',
      "\\<[Ss]eed['’]s\\>",
    ];
    const args = ['grep', '-n', '-E', '--untracked', ...outside.flatMap((p) => ['-e', p]), '--', '.'];
    let found = '';
    try {
      found = execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    } catch (error) {
      // git grep exits 1 when nothing matches.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(found.split('\n').filter((l) => l !== '')).toEqual([]);
  });

  it('docs/benchmarks.md shows the figures of bench/results/latest.json, as bench/readme.ts writes them', () => {
    mkdirSync(OUT, { recursive: true });
    const copy = join(OUT, 'benchmarks.md');
    copyFileSync(join(ROOT, 'docs', 'benchmarks.md'), copy);
    const said = execFileSync(process.execPath, ['--import', 'tsx', 'bench/readme.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BENCH_DOC: copy },
    });
    expect(said).toContain('already shows the latest results');
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8'));
  }, 60_000);
});
