import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseProgramme } from '../domain/programme';
import type { FormKind } from '../domain/registration/form-fields';
import { reportAsJson, reportAsText } from './cli-output';
import { validateUpload } from './validate-upload';

const USAGE = `用法：npm run validate -- <文件.xlsx|文件.csv> [--json] [--form trainee|unit] [--programme data/programme-2024.json] [--today YYYY-MM-DD]
  按系统接收上传时的同一套规则离线校验填好的附件3/附件4（规则见 docs/domain-rules.md）。
  --today  以此日期判断出生日期（默认今天，北京时间）
  退出码：0 无错误，1 有错误，2 文件无法读取或参数错误；--help 显示本说明，退出码 0`;

const DEFAULT_PROGRAMME = new URL('../../data/programme-2024.json', import.meta.url);

interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface CliArguments {
  readonly file: string;
  readonly json: boolean;
  readonly form?: FormKind;
  readonly programme: string | URL;
  readonly today?: string;
}

/** Asked for help: usage on stdout and success, as for any other command. */
const HELP = Symbol('help');

function parseArguments(argv: readonly string[]): CliArguments | string | typeof HELP {
  let file: string | undefined;
  let today: string | undefined;
  let json = false;
  let form: FormKind | undefined;
  let programme: string | URL = DEFAULT_PROGRAMME;
  for (let index = 0; index < argv.length; index++) {
    // Stryker disable next-line StringLiteral: index < argv.length, and an argv holds strings only, so the fallback is never used
    const arg = argv[index] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--form') {
      const value = argv[++index];
      if (value !== 'trainee' && value !== 'unit') return '--form 只能是 trainee 或 unit';
      form = value;
    } else if (arg === '--programme') {
      const value = argv[++index];
      if (!value) return '--programme 需要一个文件路径';
      programme = value;
    } else if (arg === '--today') {
      const value = argv[++index];
      if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return '--today 需要形如 2024-08-24 的日期';
      today = value;
    } else if (arg === '--help' || arg === '-h') return HELP;
    else if (arg.startsWith('--')) return `未知参数 ${arg}`;
    else if (file) return '一次只能校验一个文件';
    else file = arg;
  }
  if (!file) return '';
  return { file, json, programme, ...(form ? { form } : {}), ...(today ? { today } : {}) };
}

/** Validates one file for an office or staff member; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArguments(argv);
  if (args === HELP) {
    io.out(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    io.err(args ? `${args}\n${USAGE}` : USAGE);
    return 2;
  }
  let data: Uint8Array;
  try {
    data = new Uint8Array(await readFile(args.file));
  } catch {
    io.err(`无法打开文件：${args.file}`);
    return 2;
  }
  // Stryker disable next-line StringLiteral: readFile with encoding '' returns a Buffer, which JSON.parse reads as its UTF-8 text — the same JSON
  const programme = parseProgramme(JSON.parse(await readFile(args.programme, 'utf8')));
  const report = await validateUpload(data, basename(args.file), {
    classNumbers: programme.classes.map((trainingClass) => trainingClass.number),
    ...(args.form ? { form: args.form } : {}),
    ...(args.today ? { today: args.today } : {}),
  });
  io.out(args.json ? reportAsJson(report) : reportAsText(report));
  if (report.unreadable) return 2;
  return report.valid ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
