import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../shared/forms/cli';
import { validTrainee } from '../../fixtures/registration-data';
import { traineeWorkbook } from '../../fixtures/spreadsheet-files';

const directory = mkdtempSync(join(tmpdir(), 'forms-cli-'));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run validate', async () => {
  const ok = join(directory, 'ok.xlsx');
  const bad = join(directory, 'bad.xlsx');
  const broken = join(directory, 'broken.xlsx');
  writeFileSync(ok, await traineeWorkbook([validTrainee(1)]));
  writeFileSync(bad, await traineeWorkbook([validTrainee(1), { ...validTrainee(2), email: 'nobody' }]));
  writeFileSync(broken, 'not a workbook');

  it('exit 0 and the JSON shape when the file is clean', async () => {
    const result = await run(ok, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ file: 'ok.xlsx', form: 'trainee', rows: 1, valid: true, findings: [] });
  });

  it('exit 1 with a zh-CN list when rows have errors', async () => {
    const result = await run(bad);
    expect(result.code).toBe(1);
    expect(result.out).toContain('第 3 行 · 电子邮箱 (Q)  EMAIL_FORMAT');
    expect(result.out).toContain('n***');
    expect(result.out).not.toContain('nobody');
  });

  it('exit 2 when the file is unreadable or missing, or arguments are wrong', async () => {
    expect((await run(broken, '--json')).code).toBe(2);
    expect(JSON.parse((await run(broken, '--json')).out).findings[0].code).toBe('FILE_TYPE');
    expect((await run(join(directory, 'missing.xlsx'))).code).toBe(2);
    expect((await run()).code).toBe(2);
    expect((await run(ok, '--form', 'other')).err).toContain('--form');
  });

  it.each(['--help', '-h'])('%s prints the usage on stdout and exits 0', async (flag) => {
    const result = await run(flag);
    expect(result.code).toBe(0);
    expect(result.out).toContain('用法：npm run validate');
    expect(result.err).toBe('');
  });

  it('--today sets programme time for the birth-date checks', async () => {
    const young = join(directory, 'young.xlsx');
    writeFileSync(young, await traineeWorkbook([validTrainee(1)])); // born 1975
    expect(JSON.parse((await run(young, '--json', '--today', '1990-01-01')).out).findings[0].code).toBe(
      'ID_AGE_UNUSUAL',
    );
    expect(JSON.parse((await run(young, '--json', '--today', '1970-01-01')).out).findings[0].code).toBe(
      'ID_BIRTH_FUTURE',
    );
    expect((await run(young, '--today', 'tomorrow')).code).toBe(2);
  });

  it('--form unit rejects a trainee form', async () => {
    const result = await run(ok, '--form', 'unit', '--json');
    expect(JSON.parse(result.out).findings[0].code).toBe('FORM_MISMATCH');
  });
});

describe('npm run validate: arguments, each workbook built inside its test', () => {
  const usageFirstLine = '用法：npm run validate -- <文件.xlsx|文件.csv> [--json] [--form trainee|unit]';
  const okFile = async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'forms-cli-args-')), '附件3.xlsx');
    writeFileSync(file, await traineeWorkbook([validTrainee(1)]));
    return file;
  };

  it.each([
    [['--form'], '--form 只能是 trainee 或 unit'],
    [['--form', 'both'], '--form 只能是 trainee 或 unit'],
    [['--programme'], '--programme 需要一个文件路径'],
    [['--today'], '--today 需要形如 2024-08-24 的日期'],
    [['--today', 'x2024-08-24'], '--today 需要形如 2024-08-24 的日期'],
    [['--today', '2024-08-24x'], '--today 需要形如 2024-08-24 的日期'],
    [['--bogus'], '未知参数 --bogus'],
    [['a.xlsx', 'b.xlsx'], '一次只能校验一个文件'],
  ])('%j: the reason, then the usage, exit 2', async (argv, reason) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err.split('\n')[0]).toBe(reason);
    expect(result.err.split('\n')[1]).toContain(usageFirstLine);
  });

  it('no file: the usage alone, exit 2', async () => {
    const result = await run('--json');
    expect(result.code).toBe(2);
    expect(result.err.startsWith(usageFirstLine)).toBe(true);
  });

  it('a file that cannot be opened is named', async () => {
    const missing = join(tmpdir(), 'forms-cli-none', '缺.xlsx');
    const result = await run(missing);
    expect(result).toEqual({ code: 2, out: '', err: `无法打开文件：${missing}` });
  });

  it('--form trainee, --today and --programme with a readable file are accepted', async () => {
    const file = await okFile();
    const programme = join(mkdtempSync(join(tmpdir(), 'forms-cli-prog-')), 'programme.json');
    writeFileSync(programme, readFileSync(new URL('../../../data/programme-2024.json', import.meta.url)));
    const result = await run(file, '--form', 'trainee', '--today', '2024-08-24', '--programme', programme, '--json');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ file: '附件3.xlsx', form: 'trainee', rows: 1, valid: true, findings: [] });
  });

  it('--programme names the file the class numbers come from', async () => {
    const file = await okFile();
    // An unreadable programme file is the operator's mistake, not the upload's: runCli rejects, main prints it, exit 2.
    await expect(run(file, '--programme', join(tmpdir(), 'forms-cli-none', 'programme.json'))).rejects.toThrow(
      'programme.json',
    );
  });
});

describe('npm run validate run as a script (tsx shared/forms/cli.ts …)', () => {
  // The module starts the CLI itself only when it is the script node was asked to run: process.argv[1] is set to it
  // and the module imported afresh inside the test, so the block at its end runs here (and a mutated copy of it too).
  const script = fileURLToPath(new URL('../../../shared/forms/cli.ts', import.meta.url));

  async function runAsScript(...args: string[]) {
    const argv = process.argv;
    const exitCode = process.exitCode;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      process.argv = [argv[0] ?? 'node', script, ...args];
      process.exitCode = undefined;
      vi.resetModules();
      await import('../../../shared/forms/cli');
      await vi.waitFor(() => expect(process.exitCode).toBeDefined());
      return { code: process.exitCode, out: log.mock.calls, err: error.mock.calls };
    } finally {
      process.argv = argv;
      process.exitCode = exitCode;
      log.mockRestore();
      error.mockRestore();
    }
  }

  it('prints the usage on stdout for --help and leaves exit code 0', async () => {
    const result = await runAsScript('--help');
    expect(result.code).toBe(0);
    expect(result.out).toHaveLength(1);
    expect(String(result.out[0]?.[0])).toMatch(/^用法：npm run validate -- <文件.xlsx\|文件.csv>/);
    expect(result.err).toEqual([]);
  });

  it('prints an argument error on stderr and sets exit code 2', async () => {
    const result = await runAsScript('--bogus');
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(String(result.err[0]?.[0]).split('\n')[0]).toBe('未知参数 --bogus');
  });

  it('an unreadable programme file: its error message alone on stderr, exit code 2', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'forms-cli-script-')), '附件3.xlsx');
    writeFileSync(file, await traineeWorkbook([validTrainee(1)]));
    const programme = join(tmpdir(), 'forms-cli-none', 'programme.json');
    const result = await runAsScript(file, '--programme', programme);
    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]?.[0]).toBeTypeOf('string');
    expect(String(result.err[0]?.[0])).toContain(programme);
  });

  it('without --programme takes the class numbers from data/programme-2024.json', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'forms-cli-script-')), '附件3.xlsx');
    writeFileSync(file, await traineeWorkbook([validTrainee(1)]));
    const result = await runAsScript(file, '--json');
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(JSON.parse(String(result.out[0]?.[0]))).toEqual({
      file: '附件3.xlsx',
      form: 'trainee',
      rows: 1,
      valid: true,
      findings: [],
    });
  });

  it('is inert when imported by another module', async () => {
    const argv = process.argv;
    const exitCode = process.exitCode;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      process.argv = [argv[0] ?? 'node', join(tmpdir(), 'other.ts'), '--help'];
      vi.resetModules();
      await import('../../../shared/forms/cli');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(log).not.toHaveBeenCalled();
    } finally {
      process.argv = argv;
      process.exitCode = exitCode;
      log.mockRestore();
    }
  });
});
