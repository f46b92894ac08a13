// Not `import { createRequire }`: the Lambda bundle's banner declares a `createRequire` of its own.
import * as nodeModule from 'node:module';
import {
  type Color,
  degrees,
  LineCapStyle,
  type PDFFont,
  type PDFPage,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setCharacterSpacing,
  setLineWidth,
  setStrokingColor,
  setTextRenderingMode,
  TextRenderingMode,
} from 'pdf-lib';
import QRCode from 'qrcode';
import { CertificateRenderError } from './certificate-render-error';
import { breakLines, type TextRun } from './cjk-line-breaking';
import { fontkitForPdfLib, parseFont } from './fontkit-for-pdf-lib';

/** Everything a completion certificate (结业证书) shows; every field is on the page as text. */
export interface CertificateContent {
  /** LJRC-2024-03-0001 */
  readonly number: string;
  /** 8 characters from VERIFICATION_ALPHABET */
  readonly verificationCode: string;
  /** The trainee. */
  readonly name: string;
  readonly enterpriseName: string;
  /** 2024年度中小企业经营管理领军人才培训 */
  readonly programmeTitle: string;
  /** 工信厅企业函〔2024〕333号 */
  readonly notice: string;
  readonly classNumber: number;
  readonly theme: string;
  readonly host: string;
  readonly city: string;
  /** YYYY-MM-DD */
  readonly startDate: string;
  /** YYYY-MM-DD */
  readonly endDate: string;
  /** YYYY-MM-DD, programme time */
  readonly issuedOn: string;
  /** https://…/verify/LJRC-2024-03-0001?code=XXXX */
  readonly verificationUrl: string;
  /** The 2024 schedule is sample data: the certificate says so in red under its title. */
  readonly sampleData: boolean;
}

/**
 * Notice 333 二(一): the SME bureau draws up the programme (统筹制定培训方案) and the talent exchange centre runs the
 * training (负责培训组织工作); 二(四): certificates go to those who complete as required.
 */
export const ISSUING_BODIES = [
  { role: '主办单位', name: '工业和信息化部中小企业局' },
  { role: '组织单位', name: '工业和信息化部人才交流中心' },
] as const;

export const SAMPLE_DATA_LINE = '示例数据：培训日程为示例，非正式证书';

/**
 * Noto Serif SC 400 (SIL OFL 1.1) as Google Fonts ships it, in @expo-google-fonts/noto-serif-sc: TrueType outlines
 * (glyf), the flavour fontkit subsets reliably; CID-keyed CFF (.otf Noto/Source Han CJK) is the known way to get
 * garbled subsets. One weight only: the title is thickened with a stroke instead of a second 15 MB font file.
 */
export const CERTIFICATE_FONT_MODULE = '@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf';

/** The CJK font file: CERTIFICATE_FONT_PATH where the Lambda bundle put it beside the handler, else node_modules. */
export function certificateFontPath(): string {
  const configured = process.env.CERTIFICATE_FONT_PATH;
  if (configured) return configured;
  return nodeModule.createRequire(import.meta.url).resolve(CERTIFICATE_FONT_MODULE);
}

// A4 landscape, in points.
const PAGE_WIDTH = 841.89;
const PAGE_HEIGHT = 595.28;

const CRIMSON = rgb(0.56, 0.1, 0.1);
const GOLD = rgb(0.7, 0.55, 0.27);
const INK = rgb(0.1, 0.1, 0.1);
const MUTED = rgb(0.33, 0.33, 0.33);
const WARNING_RED = rgb(0.82, 0.08, 0.08);
const PAPER = rgb(1, 0.992, 0.97);

/** pngjs options qrcode passes through (its types name only the deflate ones): grey, no row filters. */
const QR_PNG_OPTIONS = { filterType: 0, colorType: 0, inputHasAlpha: true, deflateLevel: 6 };

/** The body paragraph's box and its largest and smallest type sizes (smaller only when long names need it). */
const BODY = { left: 118, right: PAGE_WIDTH - 118, top: PAGE_HEIGHT - 205, bottom: 215, maxSize: 19, minSize: 10 };
const BODY_LEADING = 1.95;
/** Full-width justification stretches each gap by at most this share of the type size, else the line sits flush. */
const MAX_JUSTIFY_SPACING = 0.12;

/** 2024-10-14 → 2024年10月14日 */
function chineseDate(field: string, value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match)
    throw new CertificateRenderError('CERTIFICATE_DATE_FORMAT', `证书日期格式应为 YYYY-MM-DD：${field}`, field);
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** A name in a character the font lacks would print as an empty box: refuse rather than issue that. */
function assertGlyphs(font: Uint8Array, content: CertificateContent): void {
  const parsed = parseFont(font);
  const fields = ['name', 'enterpriseName', 'programmeTitle', 'notice', 'theme', 'host', 'city'] as const;
  for (const field of fields) {
    const missing = [...new Set(content[field])].filter(
      (char) => !/\s/.test(char) && !parsed.hasGlyphForCodePoint(char.codePointAt(0) ?? 0),
    );
    if (missing.length > 0) {
      throw new CertificateRenderError(
        'CERTIFICATE_GLYPH_MISSING',
        // The characters themselves stay out of the message: it reaches logs and the execution history, and they
        // come from a trainee's name. The field and the count say where to look.
        `证书字体缺少「${field}」中的 ${missing.length} 个字符，无法正确印制；请核对该字段是否含生僻字或非常用符号`,
        field,
      );
    }
  }
}

interface TextStyle {
  readonly font: PDFFont;
  readonly size: number;
  readonly color: Color;
  /** Extra space after each character (PDF Tc). */
  readonly spacing?: number;
  /** A stroke around the glyphs, to set a heavier title with the one regular-weight font. */
  readonly stroke?: number;
}

function widthOf(text: string, style: TextStyle): number {
  return style.font.widthOfTextAtSize(text, style.size) + (style.spacing ?? 0) * Math.max(0, [...text].length - 1);
}

function drawTextAt(page: PDFPage, text: string, x: number, y: number, style: TextStyle): void {
  page.pushOperators(pushGraphicsState());
  if (style.spacing) page.pushOperators(setCharacterSpacing(style.spacing));
  if (style.stroke) {
    page.pushOperators(
      setTextRenderingMode(TextRenderingMode.FillAndOutline),
      setLineWidth(style.stroke),
      setStrokingColor(style.color),
    );
  }
  page.drawText(text, { x, y, font: style.font, size: style.size, color: style.color });
  page.pushOperators(popGraphicsState());
}

function drawCentred(page: PDFPage, text: string, centreX: number, y: number, style: TextStyle): number {
  const width = widthOf(text, style);
  drawTextAt(page, text, centreX - width / 2, y, style);
  return width;
}

/** Largest size ≤ `size` at which `text` fits `maxWidth` on one line. */
function fittingSize(text: string, style: TextStyle, maxWidth: number): number {
  const natural = widthOf(text, style);
  return natural <= maxWidth ? style.size : Math.floor(((style.size * maxWidth) / natural) * 10) / 10;
}

/** Double rule in crimson and gold with stepped corner brackets, on a faint paper tint. */
function drawBorder(page: PDFPage): void {
  page.drawRectangle({ x: 0, y: 0, width: PAGE_WIDTH, height: PAGE_HEIGHT, color: PAPER });
  const rule = (inset: number, thickness: number, color: Color) =>
    page.drawRectangle({
      x: inset,
      y: inset,
      width: PAGE_WIDTH - 2 * inset,
      height: PAGE_HEIGHT - 2 * inset,
      borderColor: color,
      borderWidth: thickness,
    });
  rule(20, 3, CRIMSON);
  rule(27, 0.8, GOLD);
  // Corner brackets: two nested L shapes and a small lozenge in each corner, mirrored.
  for (const [sx, sy] of [
    [1, 1],
    [-1, 1],
    [1, -1],
    [-1, -1],
  ] as const) {
    const ox = sx === 1 ? 0 : PAGE_WIDTH;
    const oy = sy === 1 ? 0 : PAGE_HEIGHT;
    const at = (dx: number, dy: number) => ({ x: ox + sx * dx, y: oy + sy * dy });
    for (const [inset, arm, thickness] of [
      [35, 58, 1.6],
      [40, 40, 0.6],
    ] as const) {
      page.drawLine({ start: at(inset, inset), end: at(inset + arm, inset), thickness, color: CRIMSON });
      page.drawLine({ start: at(inset, inset), end: at(inset, inset + arm), thickness, color: CRIMSON });
    }
    const c = at(50, 50);
    const r = 3.2;
    page.drawSvgPath(`M 0 ${-r} L ${r} 0 L 0 ${r} L ${-r} 0 Z`, { x: c.x, y: c.y, color: GOLD });
  }
}

/** A gold rule with a lozenge in the middle, under the title. */
function drawTitleRule(page: PDFPage, y: number): void {
  const centre = PAGE_WIDTH / 2;
  const half = 130;
  page.drawLine({ start: { x: centre - half, y }, end: { x: centre - 9, y }, thickness: 0.9, color: GOLD });
  page.drawLine({ start: { x: centre + 9, y }, end: { x: centre + half, y }, thickness: 0.9, color: GOLD });
  page.drawSvgPath('M 0 -4.5 L 4.5 0 L 0 4.5 L -4.5 0 Z', { x: centre, y, color: CRIMSON });
}

/** Sample data: a boxed red line under the title and a faint diagonal 示例 across the page. */
function drawSampleMarks(page: PDFPage, font: PDFFont): void {
  const centre = PAGE_WIDTH / 2;
  const watermark: TextStyle = { font, size: 150, color: WARNING_RED };
  const angle = (22 * Math.PI) / 180;
  const width = widthOf('示例', watermark);
  // Rotate about the page centre: start the baseline half the text's width back along the slant.
  const dx = (width / 2) * Math.cos(angle) - watermark.size * 0.35 * Math.sin(angle);
  const dy = (width / 2) * Math.sin(angle) + watermark.size * 0.35 * Math.cos(angle);
  page.drawText('示例', {
    x: centre - dx,
    y: PAGE_HEIGHT / 2 - 10 - dy,
    font,
    size: watermark.size,
    color: WARNING_RED,
    opacity: 0.06,
    rotate: degrees(22),
  });

  const style: TextStyle = { font, size: 12.5, color: WARNING_RED, spacing: 1 };
  const y = PAGE_HEIGHT - 167;
  const lineWidth = widthOf(SAMPLE_DATA_LINE, style);
  page.drawRectangle({
    x: centre - lineWidth / 2 - 12,
    y: y - 6.5,
    width: lineWidth + 24,
    height: 23,
    color: rgb(1, 0.95, 0.94),
    borderColor: WARNING_RED,
    borderWidth: 0.9,
  });
  drawTextAt(page, SAMPLE_DATA_LINE, centre - lineWidth / 2, y, style);
}

/**
 * The body paragraph, justified, with a two-character indent, at the largest size from BODY.maxSize down that fits
 * the box; the trainee's name is underlined. Throws CERTIFICATE_TEXT_TOO_LONG if even BODY.minSize does not fit.
 */
function drawBody(page: PDFPage, font: PDFFont, runs: readonly TextRun[]): void {
  const width = BODY.right - BODY.left;
  for (let size = BODY.maxSize; size >= BODY.minSize; size -= 0.5) {
    const leading = size * BODY_LEADING;
    const indent = 2 * size;
    const lines = breakLines(runs, width, (text) => font.widthOfTextAtSize(text, size), indent);
    const height = (lines.length - 1) * leading + size;
    if (height > BODY.top - BODY.bottom) continue;
    // Centre the block vertically in its box so a short paragraph does not hang from the title.
    let y = BODY.top - (BODY.top - BODY.bottom - height) / 2 - size * 0.88;
    lines.forEach((line, index) => {
      const x = BODY.left + (index === 0 ? indent : 0);
      const available = BODY.right - x;
      const glyphs = [...line.text].length;
      const stretch = glyphs > 1 ? (available - line.width) / (glyphs - 1) : 0;
      const spacing = !line.last && stretch > 0 && stretch <= size * MAX_JUSTIFY_SPACING ? stretch : 0;
      const style: TextStyle = { font, size, color: INK, spacing };
      drawTextAt(page, line.text, x, y, style);
      const chars = [...line.text];
      for (const emphasis of line.emphasis) {
        const before = chars.slice(0, emphasis.start).join('');
        const marked = chars.slice(emphasis.start, emphasis.start + emphasis.length).join('');
        const startX = x + font.widthOfTextAtSize(before, size) + spacing * emphasis.start;
        const endX = startX + font.widthOfTextAtSize(marked, size) + spacing * (emphasis.length - 1);
        page.drawLine({
          start: { x: startX - 2, y: y - size * 0.22 },
          end: { x: endX + 2, y: y - size * 0.22 },
          thickness: 0.8,
          color: CRIMSON,
          lineCap: LineCapStyle.Round,
        });
      }
      y -= leading;
    });
    return;
  }
  throw new CertificateRenderError('CERTIFICATE_TEXT_TOO_LONG', '证书正文过长，无法在一页内排版', 'name');
}

/** Lines of small type wrapped to `maxWidth`, top line's baseline at `top`; returns the baseline after the last. */
function drawWrapped(page: PDFPage, text: string, x: number, top: number, maxWidth: number, style: TextStyle): number {
  let y = top;
  for (const line of breakLines([{ text }], maxWidth, (part) => style.font.widthOfTextAtSize(part, style.size))) {
    drawTextAt(page, line.text, x, y, style);
    y -= style.size * 1.45;
  }
  return y;
}

/**
 * Renders one A4-landscape completion certificate. `font` is the bytes of the file at certificateFontPath(); only
 * the glyphs used are embedded, so a certificate weighs tens of kilobytes. The same content gives the same bytes.
 */
export async function renderCertificatePdf(content: CertificateContent, font: Uint8Array): Promise<Uint8Array> {
  const start = chineseDate('startDate', content.startDate);
  const end = chineseDate('endDate', content.endDate);
  const issued = chineseDate('issuedOn', content.issuedOn);
  assertGlyphs(font, content);

  const document = await PDFDocument.create({ updateMetadata: false });
  document.registerFontkit(fontkitForPdfLib);
  const serif = await document.embedFont(font, { subset: true });
  const issuedAt = new Date(`${content.issuedOn}T00:00:00+08:00`);
  document.setTitle(content.number, { showInWindowTitleBar: true });
  document.setSubject(`${content.programmeTitle} 结业证书`);
  document.setAuthor(ISSUING_BODIES.map((body) => body.name).join('、'));
  document.setCreator('领军人才 training administration');
  document.setProducer('pdf-lib');
  document.setCreationDate(issuedAt);
  document.setModificationDate(issuedAt);
  document.setLanguage('zh-CN');

  const page = document.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  const centre = PAGE_WIDTH / 2;
  drawBorder(page);

  // Title, thickened with a hairline stroke, and its rule.
  drawCentred(page, '结业证书', centre, PAGE_HEIGHT - 112, {
    font: serif,
    size: 44,
    color: CRIMSON,
    spacing: 26,
    stroke: 0.9,
  });
  drawTitleRule(page, PAGE_HEIGHT - 135);

  if (content.sampleData) drawSampleMarks(page, serif);

  drawBody(page, serif, [
    { text: '兹证明 ' },
    { text: content.name, emphasis: true },
    {
      text:
        `（${content.enterpriseName}）于${start}至${end}参加${content.programmeTitle}第${content.classNumber}期` +
        `「${content.theme}」（承办：${content.host}，${content.city}）学习，完成规定课程，准予结业。`,
    },
  ]);

  // Issuing bodies and date: a right-hand column, labels and names aligned, centred on the QR code's height.
  const qrSize = 100;
  const qrX = 78;
  const qrY = 66;
  const signature: TextStyle = { font: serif, size: 14, color: INK };
  const signatureLines = [...ISSUING_BODIES.map((body) => [`${body.role}：`, body.name]), ['发证日期：', issued]];
  const labelWidth = Math.max(...signatureLines.map(([label]) => widthOf(label ?? '', signature)));
  const nameWidth = Math.max(...signatureLines.map(([, name]) => widthOf(name ?? '', signature)));
  const labelX = PAGE_WIDTH - 92 - nameWidth - labelWidth;
  const signatureLeading = 31;
  let y = qrY + qrSize / 2 + signatureLeading - signature.size * 0.35;
  for (const [label, name] of signatureLines) {
    drawTextAt(page, label ?? '', labelX, y, { ...signature, color: MUTED });
    drawTextAt(page, name ?? '', labelX + labelWidth, y, signature);
    y -= signatureLeading;
  }

  // Verification: the QR code bottom-left; number, code, link and the notice beside it.
  // 6 px a module: crisp when printed (≈160 dpi at this size) yet cheap to encode; 8-bit grey without PNG row
  // filters, since pdf-lib decodes the PNG and deflates the pixels again anyway (a third of the render time else).
  const qrPng = await QRCode.toBuffer(content.verificationUrl, {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 2,
    scale: 6,
    color: { dark: '#000000ff', light: '#ffffffff' },
    rendererOpts: QR_PNG_OPTIONS,
  });
  const qr = await document.embedPng(qrPng);
  page.drawImage(qr, { x: qrX, y: qrY, width: qrSize, height: qrSize });

  const infoX = qrX + qrSize + 14;
  const infoWidth = labelX - infoX - 30;
  const field: TextStyle = { font: serif, size: 11.5, color: INK };
  // Labels spread to four characters' width (证书编号 / 验 证 码), so the values start in one column.
  const labelColumn = 4 * field.size;
  const valueX = infoX + labelColumn + field.size;
  y = qrY + qrSize - 13;
  for (const [label, value] of [
    ['证书编号', content.number],
    ['验证码', content.verificationCode],
  ] as const) {
    const spacing = (labelColumn - serif.widthOfTextAtSize(label, field.size)) / (label.length - 1);
    drawTextAt(page, label, infoX, y, { ...field, color: MUTED, spacing });
    drawTextAt(page, '：', infoX + labelColumn, y, { ...field, color: MUTED });
    drawTextAt(page, value, valueX, y, { ...field, size: fittingSize(value, field, infoX + infoWidth - valueX) });
    y -= 19;
  }
  const small: TextStyle = { font: serif, size: 8.5, color: MUTED };
  y = drawWrapped(page, `扫码或访问 ${content.verificationUrl} 验证`, infoX, y - 1, infoWidth, small);
  drawWrapped(page, `培训依据：${content.notice}`, infoX, y - 3, infoWidth, small);

  return document.save({ useObjectStreams: true });
}
