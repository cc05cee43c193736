import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** Lints a fixture as if it lived at `pretendPath`, returning the rule ids that fired. */
async function rulesFired(fixture: string, pretendPath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const code = readFileSync(new URL(`../fixtures/lint/${fixture}`, import.meta.url), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: pretendPath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'parse-error');
}

describe('layer boundaries are enforced by lint', () => {
  it('fails shared/ code that uses Node APIs', async () => {
    const fired = await rulesFired('shared-uses-node.ts', 'shared/leak.ts');
    expect(fired).toContain('no-restricted-imports');
    expect(fired).toContain('no-restricted-globals');
  });

  it('fails renderer code that reaches the database, the core or Node', async () => {
    const fired = await rulesFired('renderer-reaches-core.ts', 'renderer/src/leak.ts');
    expect(fired.filter((r) => r === 'no-restricted-imports')).toHaveLength(3);
  });

  it('fails core code that imports electron', async () => {
    expect(await rulesFired('core-imports-electron.ts', 'electron/core/leak.ts')).toContain('no-restricted-imports');
    expect(await rulesFired('core-imports-electron.ts', 'server/leak.ts')).toContain('no-restricted-imports');
  });

  it('lets the Electron glue import electron', async () => {
    expect(await rulesFired('glue-imports-electron.ts', 'electron/main/window.ts')).toEqual([]);
    expect(await rulesFired('glue-imports-electron.ts', 'electron/preload/index.ts')).toEqual([]);
  });
});
