import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localDataDirProblem, RunFiles } from '../../../infra/local/local-data-dir';

const repository = fileURLToPath(new URL('../../..', import.meta.url));

describe('LOCAL_DATA_DIR', () => {
  it.each([
    ['.local', 'the default'],
    ['.local-e2e', 'a named sibling'],
    [join(repository, '.local', 'run-2'), 'below .local, absolute'],
    [join(tmpdir(), 'leading-talent'), 'outside the repository'],
    ['../elsewhere', 'beside the repository'],
  ])('accepts %s (%s)', (dataDir) => {
    expect(localDataDirProblem(dataDir, repository)).toBeNull();
  });

  it.each([
    ['data', 'the programme data folder'],
    ['local', 'no dot'],
    ['.locals', 'not .local or .local-<name>'],
    ['test/.local', '.local below another folder'],
    ['.', 'the repository itself'],
    [join(repository, 'shared', '..', 'keys'), 'a path that resolves inside'],
  ])('refuses %s (%s) with a message saying why and what to use', (dataDir) => {
    const problem = localDataDirProblem(dataDir, repository);
    expect(problem).toContain(`LOCAL_DATA_DIR=${dataDir}`);
    expect(problem).toContain('signing and person-hash keys');
    expect(problem).toContain('.local-<name>');
  });

  it.each(['.local', '.local-e2e'])('git ignores what the check accepts: %s/signing-key', (dataDir) => {
    // The oracle is git itself reading .gitignore: exit 0 means ignored, 1 means it would be committed.
    expect(() =>
      execFileSync('git', ['check-ignore', '-q', `${dataDir}/signing-key`], { cwd: repository, stdio: 'ignore' }),
    ).not.toThrow();
  });
});

describe('files describing a running local cloud', () => {
  it('are removed on stop, and only those this process wrote', () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-files-'));
    const files = new RunFiles();
    files.write(join(dir, 'endpoints.json'), '{}');
    files.write(join(dir, 'env.json'), '{}', 0o600);
    const other = join(dir, 'signing-key');
    new RunFiles().write(other, 'key');
    expect(readFileSync(join(dir, 'endpoints.json'), 'utf8')).toBe('{}');
    files.removeAll();
    expect(existsSync(join(dir, 'endpoints.json'))).toBe(false);
    expect(existsSync(join(dir, 'env.json'))).toBe(false);
    expect(existsSync(other)).toBe(true);
  });
});
