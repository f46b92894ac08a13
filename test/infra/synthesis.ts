import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** CloudFormation JSON, read field by field by the assertions (which check the shapes they rely on). */
// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static shape; the assertions check it
export type CfnJson = any;

export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties: Record<string, CfnJson>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export type TemplateJson = { readonly Resources: Record<string, CfnResourceJson> };

/**
 * An app that synthesizes without running esbuild: the infra tests assert the template, not the bundles, and
 * bundling five functions would cost seconds per synth.
 */
export function appWithoutBundling(outdir?: string): App {
  return new App({ ...(outdir ? { outdir } : {}), context: { 'aws:cdk:bundling-stacks': [] } });
}

export function resourcesOfType(template: TemplateJson, type: string): [string, CfnResourceJson][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function logicalIdOf(construct: Construct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

export function getAtt(logicalId: string, attribute = 'Arn'): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId, attribute] };
}

export function ref(logicalId: string): { Ref: string } {
  return { Ref: logicalId };
}
