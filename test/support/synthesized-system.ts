import type { TestProject } from 'vitest/node';
import type { SynthesizedSystem } from '../../infra/local/local-system';
import { synthesizeForLocal } from '../../infra/local/synth';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The stack as synthesized at the start of this run (see startTestCloud). */
    localSystem: SynthesizedSystem;
  }
}

/**
 * Global setup of the `cloud` project: the stack is synthesized once per run and handed to every file's local cloud.
 * Each file used to load aws-cdk-lib and synthesize for itself, 5–10 s per file on 2 cores, the largest part of
 * starting a local cloud. Every file still runs the state machine synthesized from the sources under test.
 */
export default function setup(project: TestProject): void {
  project.provide('localSystem', synthesizeForLocal());
}
