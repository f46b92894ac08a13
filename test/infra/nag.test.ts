import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { appWithoutBundling, type CfnJson } from './synthesis';

/**
 * cdk-nag 3 runs as a synth-time validation plugin: an error-level finding makes `app.synth()` throw
 * "Validation failed", and every finding (warnings too) lands in validation-report.json in the cloud assembly.
 */
interface ValidationOutcome {
  readonly error: Error | undefined;
  readonly report: { pluginReports: CfnJson[] };
}

const outdirs: string[] = [];

function synthesizeWithNag(addToStack?: (stack: ReturnType<typeof buildApp>['stack']) => void): ValidationOutcome & {
  app: ReturnType<typeof buildApp>['app'];
} {
  const outdir = mkdtempSync(join(tmpdir(), 'training-nag-'));
  outdirs.push(outdir);
  const { app, stack } = buildApp(appWithoutBundling(outdir));
  addToStack?.(stack);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (caught) {
    error = caught as Error;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return { app, error, report };
}

function findings(report: ValidationOutcome['report']): string[] {
  return report.pluginReports.flatMap((plugin) =>
    (plugin.violations as CfnJson[]).map(
      (violation) =>
        `${plugin.pluginName} ${violation.ruleName} (${violation.severity}): ${violation.violatingConstructs
          .map((construct: CfnJson) => construct.constructPath)
          .join(', ')}`,
    ),
  );
}

const deployed = synthesizeWithNag();
// A canary proves the gate is wired: the same app plus one bucket without logging or TLS enforcement must fail.
const canary = synthesizeWithNag((stack) => new s3.Bucket(stack, 'UnacknowledgedCanary'));

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('cdk-nag (AwsSolutions + Serverless)', () => {
  it('synthesizes the deployable app with zero unacknowledged findings, warnings included', () => {
    expect(findings(deployed.report)).toEqual([]);
    expect(deployed.error).toBeUndefined();
  });

  it('fails synth when a resource with an unacknowledged finding is added (canary bucket)', () => {
    // How much of the report the exception repeats depends on the CDK app mode; the report file has it all.
    expect(canary.error).toBeInstanceOf(Error);
    expect(canary.error?.message).toMatch(/Validation failed|AwsSolutions-S1/);
    const canaryFindings = findings(canary.report);
    expect(canaryFindings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions AwsSolutions-S1 \(error\): .*UnacknowledgedCanary/),
        expect.stringMatching(/^AwsSolutions AwsSolutions-S10 \(error\): .*UnacknowledgedCanary/),
      ]),
    );
    // Nothing but the canary is flagged, so the deployed app's acknowledgements are what keeps it clean.
    for (const finding of canaryFindings) expect(finding).toContain('UnacknowledgedCanary');
  });

  it('every acknowledgement names a rule and carries a reason', () => {
    const acknowledgements = deployed.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>))
        .map(([id, reason]) => ({ path: construct.node.path, id, reason })),
    );
    const nagAcknowledgements = acknowledgements.filter(({ id }) => /(AwsSolutions|Serverless)-/.test(id));
    expect(nagAcknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect(typeof reason, `${path} ${id}`).toBe('string');
      expect((reason as string).trim().length, `${path} ${id} needs a reason`).toBeGreaterThanOrEqual(20);
    }
  });
});
