import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CERTIFICATE_FONT_MODULE,
  type CertificateContent,
  certificateFontPath,
  ISSUING_BODIES,
  renderCertificatePdf,
  SAMPLE_DATA_LINE,
} from '../../../shared/certificates/certificate-pdf';
import { CertificateRenderError } from '../../../shared/certificates/certificate-render-error';
import { SAMPLE_CERTIFICATE } from '../../../shared/certificates/sample-certificate';
import { VERIFICATION_ALPHABET } from '../../../shared/domain/certificate';
import { embeddedGlyphCheck, type InspectedPdf, inspectPdf, type PlacedText, squeezed } from './pdf-inspection';

/**
 * The certificate is checked by reading it back with PDF.js and jsQR, independent of pdf-lib which wrote it: every
 * field a verifier compares is on the page as text, the QR code decodes to the verification URL, the file stays
 * small because only the glyphs used are embedded, and long names shrink the type instead of leaving the page.
 */

const MAX_BYTES = 300 * 1024;
/** The inner gold rule; nothing but the border may reach past it. */
const INNER_RULE = 27;

let font: Uint8Array;
beforeAll(() => {
  font = new Uint8Array(readFileSync(certificateFontPath()));
});

const render = (overrides: Partial<CertificateContent> = {}) =>
  renderCertificatePdf({ ...SAMPLE_CERTIFICATE, ...overrides }, font);

/** Horizontal text boxes: baseline to ascender, with the descender below. */
const box = (item: PlacedText) => ({
  left: item.x,
  right: item.x + item.width,
  bottom: item.y - 0.25 * item.height,
  top: item.y + 0.9 * item.height,
});

function overlapping(inspected: InspectedPdf): [string, string][] {
  const boxes = inspected.items.filter((item) => item.horizontal).map((item) => ({ item, ...box(item) }));
  const pairs: [string, string][] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const overlapY = Math.min(a.top, b.top) - Math.max(a.bottom, b.bottom);
      if (overlapX > 0.5 && overlapY > 0.5) pairs.push([a.item.text, b.item.text]);
    }
  }
  return pairs;
}

function outsideInnerRule(inspected: InspectedPdf): string[] {
  return inspected.items
    .filter((item) => item.horizontal)
    .filter((item) => {
      const b = box(item);
      return (
        b.left < INNER_RULE ||
        b.right > inspected.pageWidth - INNER_RULE ||
        b.bottom < INNER_RULE ||
        b.top > inspected.pageHeight - INNER_RULE
      );
    })
    .map((item) => item.text);
}

describe('renderCertificatePdf', () => {
  it('puts every field a verifier compares on one A4-landscape page as text', async () => {
    // Prepare / Act
    const inspected = await inspectPdf(await render());

    // Assess
    expect(inspected.pageCount).toBe(1);
    expect(inspected.pageWidth).toBeCloseTo(841.89, 1);
    expect(inspected.pageHeight).toBeCloseTo(595.28, 1);
    const text = squeezed(inspected.text);
    const c = SAMPLE_CERTIFICATE;
    for (const expected of [
      '结业证书',
      `兹证明${c.name}（${c.enterpriseName}）`,
      c.name,
      c.enterpriseName,
      '于2024年10月14日至2024年10月17日',
      `参加${c.programmeTitle}第3期「${c.theme}」（承办：${c.host}，${c.city}）学习，完成规定课程，准予结业。`,
      c.theme,
      c.host,
      c.city,
      c.notice,
      `证书编号：${c.number}`,
      `验证码：${c.verificationCode}`,
      `扫码或访问${c.verificationUrl}验证`,
      '发证日期：2024年10月17日',
      ...ISSUING_BODIES.map((body) => `${body.role}：${body.name}`),
    ]) {
      expect(text).toContain(squeezed(expected));
    }
    expect(inspected.title).toBe(c.number);
    expect(inspected.language).toBe('zh-CN');
  });

  it('says the schedule is sample data, visibly, only when it is', async () => {
    const sample = squeezed((await inspectPdf(await render({ sampleData: true }))).text);
    const real = squeezed((await inspectPdf(await render({ sampleData: false }))).text);

    expect(sample).toContain(SAMPLE_DATA_LINE);
    expect(real).not.toContain(SAMPLE_DATA_LINE);
    expect(real).not.toContain('示例');
  });

  it('carries a QR code that decodes to the verification URL', async () => {
    const url = 'https://leader.example.cn/verify/LJRC-2024-10-0080?code=Z9Y8X7W6';

    const inspected = await inspectPdf(
      await render({ number: 'LJRC-2024-10-0080', verificationCode: 'Z9Y8X7W6', verificationUrl: url }),
    );

    expect(inspected.qrCodes).toEqual([url]);
    expect(squeezed(inspected.text)).toContain(url);
  });

  it('embeds only the glyphs used, so the file stays far below 300 KB', async () => {
    const pdf = await render();
    const inspected = await inspectPdf(pdf);
    const distinctCharacters = new Set(inspected.text).size;

    const { glyphs, fontFileBytes } = await embeddedGlyphCheck(pdf, font, inspected.text);

    expect(pdf.byteLength).toBeLessThanOrEqual(MAX_BYTES);
    // The whole font is ~15 MB and 30,000 glyphs; the subset holds the page's characters only (digits in two forms).
    expect(glyphs).toBeLessThanOrEqual(distinctCharacters + 10);
    expect(fontFileBytes).toBeLessThan(100 * 1024);
  });

  it('embeds each glyph exactly as the font draws it (a broken subsetter keeps the text but garbles the outlines)', async () => {
    const long = {
      name: '阿卜杜热合曼·买买提依明',
      enterpriseName: '新疆维吾尔自治区乌鲁木齐市测试智能装备制造集团有限责任公司',
    };

    for (const pdf of [await render(), await render(long)]) {
      const { glyphs, mismatched } = await embeddedGlyphCheck(pdf, font, (await inspectPdf(pdf)).text);

      expect(glyphs).toBeGreaterThan(100);
      expect(mismatched).toEqual([]);
    }
  });

  it('keeps the layout clear: no text overlaps other text or crosses the border', async () => {
    const inspected = await inspectPdf(await render());

    expect(overlapping(inspected)).toEqual([]);
    expect(outsideInnerRule(inspected)).toEqual([]);
  });

  it('fits a 30-character name and enterprise inside the border, every character still on the page', async () => {
    const name = '阿卜杜热合曼·买买提依明·艾力克孜尔·吐尔逊巴依·热合曼江别克';
    const enterpriseName = '新疆维吾尔自治区乌鲁木齐市高新技术产业开发区测试智能装备制造集团有限责任公司';
    const theme = '专精特新中小企业高质量发展与数字化转型战略管理专题研修班';
    const host = '中国浦东干部学院暨上海交通大学安泰经济与管理学院';

    const pdf = await render({ name, enterpriseName, theme, host });
    const inspected = await inspectPdf(pdf);

    expect([...name].length).toBeGreaterThanOrEqual(30);
    expect([...enterpriseName].length).toBeGreaterThanOrEqual(30);
    const text = squeezed(inspected.text);
    for (const field of [name, enterpriseName, theme, host]) expect(text).toContain(field);
    expect(inspected.pageCount).toBe(1);
    expect(overlapping(inspected)).toEqual([]);
    expect(outsideInnerRule(inspected)).toEqual([]);
    expect(pdf.byteLength).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('sets the body in smaller type when even longer content would otherwise run into the footer', async () => {
    const twice = (text: string, length: number) => text.repeat(2).slice(0, length);
    const content = {
      name: '阿卜杜热合曼·买买提依明·艾力克孜尔·吐尔逊巴依·热合曼江别克',
      enterpriseName: twice('新疆维吾尔自治区乌鲁木齐市高新技术产业开发区测试智能装备制造集团有限责任公司', 60),
      theme: twice('专精特新中小企业高质量发展与数字化转型战略管理专题研修班', 40),
      host: twice('中国浦东干部学院暨上海交通大学安泰经济与管理学院', 40),
    };

    const inspected = await inspectPdf(await render(content));

    const text = squeezed(inspected.text);
    for (const field of Object.values(content)) expect(text).toContain(field);
    const body = inspected.items.filter((item) => item.horizontal && /准予结业|兹证明/.test(item.text));
    expect(body.every((item) => item.height < 19)).toBe(true);
    expect(overlapping(inspected)).toEqual([]);
    expect(outsideInnerRule(inspected)).toEqual([]);
  });

  it('fits a long verification URL beside the QR code', async () => {
    const url = `https://certificates.leader-training.example.gov.cn/prod/public/verify/LJRC-2024-03-0001?code=7KQ4M8XA`;

    const inspected = await inspectPdf(await render({ verificationUrl: url }));

    expect(inspected.qrCodes).toEqual([url]);
    expect(squeezed(inspected.text)).toContain(url);
    expect(overlapping(inspected)).toEqual([]);
    expect(outsideInnerRule(inspected)).toEqual([]);
  });

  it('gives the same bytes for the same content, with dates from issuedOn', async () => {
    const [first, second] = await Promise.all([render(), render()]);

    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const inspected = await inspectPdf(first);
    // Midnight programme time (UTC+8) on the day of issue.
    expect(inspected.creationDate).toBe('D:20241016160000Z');
    expect(inspected.modificationDate).toBe('D:20241016160000Z');
  });

  it('refuses a character the font lacks rather than print an empty box in a name', async () => {
    // 𰻞 (biáng, CJK Extension G) is in no GB 2312/GBK font, Noto Serif SC included.
    const failure = render({ name: '张𰻞' });

    await expect(failure).rejects.toBeInstanceOf(CertificateRenderError);
    await expect(failure).rejects.toMatchObject({ code: 'CERTIFICATE_GLYPH_MISSING', field: 'name' });
    // The message reaches logs and the execution history: it names the field, never the trainee's characters.
    const error = (await failure.catch((e: Error) => e)) as Error;
    expect(error.message).not.toContain('𰻞');
    expect(error.message).not.toContain('张');
    expect(error.name).toBe('CERTIFICATE_GLYPH_MISSING');
  });

  it('refuses a date that is not YYYY-MM-DD', async () => {
    await expect(render({ startDate: '2024/10/14' })).rejects.toMatchObject({
      code: 'CERTIFICATE_DATE_FORMAT',
      field: 'startDate',
    });
  });

  it('refuses text that cannot fit the page even in the smallest type', async () => {
    await expect(render({ enterpriseName: '测试'.repeat(600) })).rejects.toMatchObject({
      code: 'CERTIFICATE_TEXT_TOO_LONG',
    });
  });

  it('uses a verification code from the unambiguous alphabet in its sample', () => {
    expect([...SAMPLE_CERTIFICATE.verificationCode].every((char) => VERIFICATION_ALPHABET.includes(char))).toBe(true);
    expect(SAMPLE_CERTIFICATE.verificationCode).toHaveLength(8);
  });
});

describe('certificateFontPath', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('finds the TrueType font in node_modules by its module specifier', () => {
    vi.stubEnv('CERTIFICATE_FONT_PATH', '');

    const path = certificateFontPath();

    expect(path.endsWith(CERTIFICATE_FONT_MODULE.split('/').slice(1).join('/'))).toBe(true);
    expect(existsSync(path)).toBe(true);
    // TrueType outlines (sfnt version 0x00010000), not CFF ('OTTO') whose subsets break.
    expect([...readFileSync(path).subarray(0, 4)]).toEqual([0, 1, 0, 0]);
  });

  it('takes CERTIFICATE_FONT_PATH when the Lambda bundle sets it', () => {
    vi.stubEnv('CERTIFICATE_FONT_PATH', '/var/task/NotoSerifSC_400Regular.ttf');

    expect(certificateFontPath()).toBe('/var/task/NotoSerifSC_400Regular.ttf');
  });
});
