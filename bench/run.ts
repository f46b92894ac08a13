import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `npm run bench`: every bench/*.bench.ts in its own process, each printing one JSON line of figures. */
const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
for (const file of readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    console.error(`${file} failed with exit code ${result.status}`);
    process.exitCode = 1;
  }
}
