import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localDataDirProblem, RunFiles } from './local-data-dir';
import { localEnvironment } from './local-environment';

/** `npm start`: the local cloud, until Ctrl-C. */
const dataDir = process.env.LOCAL_DATA_DIR ?? '.local';
const refused = localDataDirProblem(dataDir, fileURLToPath(new URL('../..', import.meta.url)));
if (refused) {
  console.error(refused);
  process.exit(2);
}
// Loaded only once the directory is accepted: the local cloud's modules (CDK synthesis, emulators) take seconds.
const { LocalCloud } = await import('./cloud');
const startedAt = Date.now();
const runFiles = new RunFiles();
const cloud = new LocalCloud({
  dataDir,
  apiPort: Number(process.env.LOCAL_API_PORT ?? 3000),
  now: process.env.LOCAL_NOW,
  logLevel: process.env.LOG_LEVEL ?? 'INFO',
  // `npm run clock` moved programme time: the redrive command must run on it too.
  onClockChange: () => writeLocalEnvironment(),
});

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the local cloud…');
  // First, so that a command started meanwhile finds no endpoints rather than ports about to close.
  runFiles.removeAll();
  await cloud.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('exit', () => runFiles.removeAll());

try {
  const endpoints = await cloud.start();
  const file = join(dataDir, 'endpoints.json');
  runFiles.write(file, `${JSON.stringify(endpoints, null, 2)}\n`);
  writeLocalEnvironment();
  console.log(JSON.stringify(endpoints, null, 2));
  console.log(`\nLocal cloud ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: API ${endpoints.api}`);
  console.log(`Mail viewer ${endpoints.mailViewer} · endpoints and tokens in ${file} · Ctrl-C stops everything.`);
  console.log(
    `Programme time ${cloud.now().toISOString()}: \`npm run clock -- +3d\` moves it forward (timers due fire).`,
  );
} catch (error) {
  console.error('The local cloud could not start:', error);
  await shutdown(1);
}

/** The redrive command runs the same handlers against these emulators from its own process. */
function writeLocalEnvironment(): void {
  if (stopping) return;
  runFiles.write(join(dataDir, 'env.json'), `${JSON.stringify(localEnvironment(), null, 2)}\n`, 0o600);
}
