import { Readable } from 'node:stream';
import { create, type Font } from 'fontkit';
import type { PDFDocument } from 'pdf-lib';

type PdfLibFontkit = Parameters<PDFDocument['registerFontkit']>[0];

/**
 * Parsed fonts by the identity of their bytes. Parsing a 15 MB CJK font's cmap and layout tables costs more than
 * rendering a certificate, so a class of 80 shares one parse; fontkit fonts are read-only apart from glyph caches.
 */
const parsedFonts = new WeakMap<Uint8Array, Font>();

/** The font in `bytes` parsed by upstream fontkit (once per buffer); collections (.ttc) are not for certificates. */
export function parseFont(bytes: Uint8Array): Font {
  const cached = parsedFonts.get(bytes);
  if (cached) return cached;
  const font = create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (!('createSubset' in font)) throw new TypeError('expected a single font, got a font collection');
  // pdf-lib serialises a subset through encodeStream(), which fontkit 2 replaced by encode().
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
  };
  parsedFonts.set(bytes, font);
  return font;
}

/**
 * Upstream fontkit 2, shaped for pdf-lib's registerFontkit. pdf-lib's own fork (@pdf-lib/fontkit 1.1.1, unmaintained
 * since 2020) writes TrueType subsets with a short loca table but unpadded glyph records, so after the first
 * odd-length glyph every CJK glyph of the subset is garbage (Hopding/pdf-lib#1232; fixed upstream in foliojs/fontkit
 * #191). The only API gap is encodeStream(), which parseFont supplies.
 */
export const fontkitForPdfLib: PdfLibFontkit = {
  create: (bytes: Uint8Array) => parseFont(bytes) as unknown as ReturnType<PdfLibFontkit['create']>,
};
