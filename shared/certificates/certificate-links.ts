import { loadConfig } from '../adapters/config';
import { signPath } from '../adapters/link-signing';

/** How long the download link in the certified notice works. */
export const DOWNLOAD_LINK_DAYS = 30;

export function verificationUrl(number: string, code: string): string {
  return `${loadConfig().PUBLIC_BASE_URL}/verify/${encodeURIComponent(number)}?code=${code}`;
}

/** The public download link of the certified notice: signed, and valid for DOWNLOAD_LINK_DAYS. */
export async function downloadUrl(number: string, now: Date): Promise<{ url: string; expiresAt: string }> {
  const path = `/certificates/${number}/certificate.pdf`;
  const expiresAt = new Date(now.getTime() + DOWNLOAD_LINK_DAYS * 24 * 3600 * 1000);
  const { expires, signature } = await signPath(path, expiresAt);
  return {
    url: `${loadConfig().PUBLIC_BASE_URL}${path}?expires=${expires}&signature=${signature}`,
    expiresAt: expiresAt.toISOString(),
  };
}
