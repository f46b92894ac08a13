import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildTrainingStack } from '../../infra/app';
import { FUNCTION_NAMES } from '../../infra/function-names';
import { ROUTES } from '../../infra/routes';
import { appWithoutBundling } from './synthesis';

/**
 * docs/runbook.md against what exists: a section for every alarm the stack defines, a command in each, and every
 * command one the project really has — an npm script in package.json, a route of the API's route table, or an
 * AWS CLI operation the AWS SDK's own client for that service implements.
 */
const runbook = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
const scripts = Object.keys(
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: object }).scripts,
);
const stack = buildTrainingStack(appWithoutBundling());
const alarmIds = stack.monitoring.alarms.map((alarm) => alarm.node.id);

/** Sections by heading, as GitHub anchors them (lower case, spaces to hyphens). */
const sections = new Map(
  runbook
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const [heading = '', ...body] = section.split('\n');
      return [heading.trim().toLowerCase().replace(/\s+/g, '-'), body.join('\n')] as const;
    }),
);

/** The alarms of one function share a section; each names every function it covers. */
function sectionFor(alarmId: string): string {
  const perFunction = /^(.+)-(Errors|Throttles)$/.exec(alarmId);
  const anchor = perFunction ? `function-${perFunction[2]?.toLowerCase()}` : alarmId.toLowerCase();
  const section = sections.get(anchor);
  if (section === undefined) throw new Error(`docs/runbook.md has no section "${anchor}" for the alarm ${alarmId}`);
  if (perFunction) expect(section, anchor).toContain(`\`${perFunction[1]}\``);
  return section;
}

/** Every command line: the lines of sh code blocks, and inline code that starts with a command. */
function commands(text: string): string[] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) =>
    (match[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n'),
  );
  const inline = [...text.matchAll(/`((?:npm run|curl|aws) [^`]+)`/g)].map((match) => match[1] ?? '');
  return [...blocks, ...inline].map((line) => line.trim()).filter(Boolean);
}

const allCommands = commands(runbook);

describe('docs/runbook.md', () => {
  it('has a section for every alarm of the stack, each naming at least one command to run', () => {
    expect(alarmIds).toHaveLength(2 * FUNCTION_NAMES.length + 11);
    for (const id of alarmIds) {
      const found = commands(sectionFor(id)).filter((line) => /\b(npm run|curl|aws) /.test(line));
      expect(found.length, `a command in the section for ${id}`).toBeGreaterThan(0);
    }
  });

  it('links each alarm to its section in the alarm description', () => {
    for (const alarm of stack.monitoring.alarms) {
      const description = (alarm.node.defaultChild as { alarmDescription?: string }).alarmDescription ?? '';
      const link = /docs\/runbook\.md#([a-z0-9-]+)/.exec(description)?.[1];
      expect(link, `${alarm.node.id} links to the runbook`).toBeDefined();
      expect(sections.has(link as string), `${alarm.node.id} → #${link}`).toBe(true);
    }
  });

  it('names only npm scripts that package.json defines', () => {
    const named = [...runbook.matchAll(/npm run (?:-s )?([a-z][\w:-]*)/g)].map((match) => match[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const script of named) expect(scripts, `npm run ${script}`).toContain(script);
  });

  it('calls only API routes the route table defines, with their methods', () => {
    const calls = allCommands.flatMap((line) =>
      [...line.matchAll(/curl (?:-s )?(?:-X (\w+) )?"\$API(\/[^"?]*)/g)].map((match) => ({
        method: match[1] ?? 'GET',
        path: match[2] ?? '',
      })),
    );
    expect(calls.length).toBeGreaterThan(0);
    for (const { method, path } of calls) {
      const matching = ROUTES.filter(
        (route) =>
          route.method === method &&
          new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(path),
      );
      expect(matching, `${method} ${path}`).toHaveLength(1);
    }
  });

  it('calls only AWS CLI operations that exist: each is a command of the AWS SDK client for its service', () => {
    const require = createRequire(import.meta.url);
    const clients: Record<string, string> = {
      sqs: '@aws-sdk/client-sqs',
      lambda: '@aws-sdk/client-lambda',
      stepfunctions: '@aws-sdk/client-sfn',
      dynamodb: '@aws-sdk/client-dynamodb',
      sesv2: '@aws-sdk/client-sesv2',
    };
    const operations = allCommands.flatMap((line) =>
      [...line.matchAll(/\baws ([a-z0-9-]+) ([a-z0-9-]+)/g)].map((match) => [match[1] ?? '', match[2] ?? ''] as const),
    );
    expect(operations.length).toBeGreaterThan(0);
    for (const [service, operation] of operations) {
      const client = clients[service];
      expect(client, `an SDK client for aws ${service}`).toBeDefined();
      const command = `${operation.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}Command`;
      expect(Object.keys(require(client as string)), `aws ${service} ${operation}`).toContain(command);
    }
  });
});
