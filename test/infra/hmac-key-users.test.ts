import { build } from 'esbuild';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildTrainingStack } from '../../infra/app';
import { DATA_ACCESS } from '../../infra/data-access';
import { functionEntry, FUNCTION_NAMES } from '../../infra/function-names';
import { TrainingFunction } from '../../infra/constructs/training-function';
import { appWithoutBundling, type CfnJson, type TemplateJson } from './synthesis';

/**
 * The local cloud hands every function the HMAC key through its environment, so a function that needs the key in AWS
 * but was not granted it would pass every local test. Here each function is bundled as Lambda bundles it; whether
 * its code can reach the key's module must match its declaration, and the declaration must match its role.
 */
const stack = buildTrainingStack(appWithoutBundling());
const json = Template.fromStack(stack).toJSON() as TemplateJson;
const functions = stack.node.findAll().filter((c): c is TrainingFunction => c instanceof TrainingFunction);

async function importsHmacKey(name: (typeof FUNCTION_NAMES)[number]): Promise<boolean> {
  const result = await build({
    entryPoints: [functionEntry(name)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).some((input) => input.endsWith('shared/adapters/person-hash-key.ts'));
}

describe('the HMAC key (person lock, signed links, cursors)', () => {
  it.each([...FUNCTION_NAMES])(
    '%s: declared, granted and configured exactly when its code uses it',
    async (name) => {
      const uses = await importsHmacKey(name);
      expect(Boolean(DATA_ACCESS[name].hmacKey), 'declared in infra/data-access.ts').toBe(uses);
      const fn = functions.find((candidate) => candidate.functionName === name) as TrainingFunction;
      const logicalId = stack.getLogicalId(fn.fn.node.defaultChild as never);
      const env = json.Resources[logicalId]?.Properties.Environment?.Variables ?? {};
      expect('PERSON_HASH_SECRET_ARN' in env, 'PERSON_HASH_SECRET_ARN').toBe(uses);
      const roleId = stack.getLogicalId(fn.role.node.defaultChild as never);
      const statements = Object.values(json.Resources)
        .filter((resource) => resource.Type === 'AWS::IAM::Policy')
        .filter((policy) => (policy.Properties.Roles as CfnJson[]).some((role) => role.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as CfnJson[]);
      const readsSecret = statements.some((statement) =>
        [statement.Action].flat().includes('secretsmanager:GetSecretValue'),
      );
      expect(readsSecret, 'secretsmanager:GetSecretValue').toBe(uses);
    },
    60_000,
  );
});
