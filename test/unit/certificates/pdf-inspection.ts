import { create as parseFont, type Font } from 'fontkit';
import jsQR from 'jsqr';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream } from 'pdf-lib';
import { getDocument, ImageKind, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * Reads a rendered certificate back with PDF.js (an independent parser, not pdf-lib) and decodes its QR image with
 * jsQR: the oracles of the certificate tests.
 */

export interface PlacedText {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** False for the rotated 示例 watermark. */
  readonly horizontal: boolean;
}

export interface InspectedPdf {
  readonly pageCount: number;
  readonly pageWidth: number;
  readonly pageHeight: number;
  /** Every text item in content order, joined without separators. */
  readonly text: string;
  readonly items: readonly PlacedText[];
  readonly title: string | undefined;
  readonly language: string | undefined;
  readonly creationDate: string | undefined;
  readonly modificationDate: string | undefined;
  /** Every image painted on the page, decoded by jsQR (null when it holds no readable QR code). */
  readonly qrCodes: readonly (string | null)[];
}

interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly kind: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

function toRgba(image: DecodedImage): Uint8ClampedArray {
  const pixels = image.width * image.height;
  if (image.kind === ImageKind.RGBA_32BPP) return new Uint8ClampedArray(image.data);
  const rgba = new Uint8ClampedArray(pixels * 4);
  if (image.kind === ImageKind.RGB_24BPP) {
    for (let i = 0; i < pixels; i++) {
      rgba.set(image.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 255;
    }
    return rgba;
  }
  // GRAYSCALE_1BPP: one bit per pixel, rows padded to whole bytes, 1 = white.
  const rowBytes = Math.ceil(image.width / 8);
  for (let row = 0; row < image.height; row++) {
    for (let col = 0; col < image.width; col++) {
      const bit = ((image.data[row * rowBytes + (col >> 3)] ?? 0) >> (7 - (col & 7))) & 1;
      rgba.fill(bit ? 255 : 0, (row * image.width + col) * 4, (row * image.width + col) * 4 + 3);
      rgba[(row * image.width + col) * 4 + 3] = 255;
    }
  }
  return rgba;
}

export async function inspectPdf(pdf: Uint8Array): Promise<InspectedPdf> {
  // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const task = getDocument({
    data: pdf.slice(),
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  });
  const document = await task.promise;
  try {
    const page = await document.getPage(1);
    const [, , pageWidth, pageHeight] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const items: PlacedText[] = [];
    for (const item of content.items) {
      if (!('str' in item) || item.str === '') continue;
      const [a, b, , , x, y] = item.transform as number[];
      items.push({
        text: item.str,
        x: x ?? 0,
        y: y ?? 0,
        width: item.width,
        height: item.height,
        horizontal: Math.abs(b ?? 0) < 1e-6 && (a ?? 0) > 0,
      });
    }

    const operators = await page.getOperatorList();
    const qrCodes: (string | null)[] = [];
    for (const [index, fn] of operators.fnArray.entries()) {
      if (fn !== OPS.paintImageXObject) continue;
      const name = operators.argsArray[index]?.[0] as string;
      // Images are decoded in the worker and arrive asynchronously; images shared across pages sit in commonObjs.
      const objects = name.startsWith('g_') ? page.commonObjs : page.objs;
      const image = await new Promise<DecodedImage>((resolve, reject) => objects.get(name, resolve, reject));
      qrCodes.push(jsQR(toRgba(image), image.width, image.height)?.data ?? null);
    }

    const metadata = await document.getMetadata();
    const info = metadata.info as { Title?: string; Language?: string; CreationDate?: string; ModDate?: string };
    return {
      pageCount: document.numPages,
      pageWidth,
      pageHeight,
      text: items.map((item) => item.text).join(''),
      items,
      title: info.Title,
      language: info.Language,
      creationDate: info.CreationDate,
      modificationDate: info.ModDate,
      qrCodes,
    };
  } finally {
    await task.destroy();
  }
}

/** Text with every kind of whitespace removed, so a field wrapped across lines or letter-spaced still matches. */
export const squeezed = (text: string) => text.replace(/\s+/g, '');

const fontOf = (bytes: Uint8Array) => parseFont(Buffer.from(bytes)) as Font;
const decoded = (stream: unknown) => decodePDFRawStream(stream as PDFRawStream).decode();

/**
 * Compares each glyph embedded in the PDF (CID = glyph id of the subset, its character from the ToUnicode map) with
 * the glyphs the original font itself gives that character, shaped as Chinese or as Latin text. A broken subsetter keeps the text
 * extractable but prints garbage or nothing, which only the outlines show. Returns the characters whose embedded
 * outline or width is not one of those, how many glyphs were embedded and the size of the embedded font file.
 */
export async function embeddedGlyphCheck(
  pdf: Uint8Array,
  originalFont: Uint8Array,
  text: string,
): Promise<{ readonly glyphs: number; readonly fontFileBytes: number; readonly mismatched: readonly string[] }> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false });
  const fonts = document.context
    .enumerateIndirectObjects()
    .map(([, object]) => object)
    .filter((object) => object instanceof PDFDict && object.get(PDFName.of('Subtype')) === PDFName.of('Type0'));
  if (fonts.length !== 1) throw new Error(`expected one Type0 font, found ${fonts.length}`);
  const type0 = fonts[0] as PDFDict;
  const descriptor = type0
    .lookup(PDFName.of('DescendantFonts'), PDFArray)
    .lookup(0, PDFDict)
    .lookup(PDFName.of('FontDescriptor'), PDFDict);
  const fontFile = decoded(descriptor.lookup(PDFName.of('FontFile2')));
  const cmap = Buffer.from(decoded(type0.lookup(PDFName.of('ToUnicode')))).toString('latin1');

  const original = fontOf(originalFont);
  // fontkit shapes a string in one script, the first strong one in it: a digit drawn with Latin letters
  // (LJRC-2024-…) takes the font's Latin form, a digit among Chinese (2024年) the CJK one. Accept either.
  const expected = new Map<number, Set<string>>();
  for (const char of new Set(text)) {
    for (const script of ['hani', 'latn']) {
      for (const glyph of original.layout(char, [], script).glyphs) {
        const forms = expected.get(char.codePointAt(0) ?? 0) ?? new Set<string>();
        forms.add(`${glyph.advanceWidth} ${glyph.path.toSVG()}`);
        expected.set(char.codePointAt(0) ?? 0, forms);
      }
    }
  }
  const subset = fontOf(fontFile);
  const mismatched: string[] = [];
  let glyphs = 0;
  for (const [, section] of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, cid, unicode] of (section ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      glyphs++;
      const codePoint = Number.parseInt(unicode ?? '', 16);
      const embedded = subset.getGlyph(Number.parseInt(cid ?? '', 16));
      if (!expected.get(codePoint)?.has(`${embedded.advanceWidth} ${embedded.path.toSVG()}`)) {
        mismatched.push(String.fromCodePoint(codePoint));
      }
    }
  }
  return { glyphs, fontFileBytes: fontFile.byteLength, mismatched };
}
