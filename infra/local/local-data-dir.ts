import { rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The local data directory holds the local JWT signing key and the person-hash key. Inside the repository it must
 * be one that `.gitignore` keeps out of commits (`.local`, `.local-<anything>`); anywhere outside is the user's
 * business. Returns why the directory is refused, or null.
 */
export function localDataDirProblem(dataDir: string, repositoryRoot: string): string | null {
  const path = relative(resolve(repositoryRoot), resolve(dataDir));
  const inside = path === '' || (!path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path));
  if (!inside) return null;
  const first = path.split(sep)[0] ?? '';
  if (/^\.local(-[^/\\]*)?$/.test(first)) return null;
  return (
    `LOCAL_DATA_DIR=${dataDir} lies inside the repository (${path || '.'}) where git would not ignore it, and it will ` +
    'hold the local signing and person-hash keys. Use a directory outside the repository, or one named .local or ' +
    '.local-<name> at its root (ignored by .gitignore).'
  );
}

/**
 * Files that describe a running local cloud (ports, tokens, its environment): removed when it stops, so no other
 * command finds stale ports and tokens. Only files this process wrote are removed — a second `npm start` that
 * fails because the first holds the port must not delete the first one's files.
 */
export class RunFiles {
  private readonly written = new Set<string>();

  write(path: string, content: string, mode?: number): void {
    writeFileSync(path, content, mode === undefined ? {} : { mode });
    this.written.add(path);
  }

  removeAll(): void {
    for (const path of this.written) rmSync(path, { force: true });
    this.written.clear();
  }
}
