import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakLines } from '../../../shared/certificates/cjk-line-breaking';

/** A stand-in for the font: CJK characters and full-width punctuation 1 em, everything else half. */
const measure = (text: string) =>
  [...text].reduce((sum, char) => sum + ((char.codePointAt(0) ?? 0) < 0x100 ? 0.5 : 1), 0);
const linesOf = (text: string, width: number, indent = 0) =>
  breakLines([{ text }], width, measure, indent).map((line) => line.text);

describe('breakLines', () => {
  it('fills each line to the width, the first one less its indent', () => {
    expect(linesOf('一二三四五六七八九十', 4, 2)).toEqual(['一二', '三四五六', '七八九十']);
  });

  it('never starts a line with closing punctuation: the character before comes down with it', () => {
    expect(linesOf('一二三四，五六', 4)).toEqual(['一二三', '四，五六']);
    expect(linesOf('一二三四。', 4)).toEqual(['一二三', '四。']);
  });

  it('never ends a line with opening punctuation: it goes down with what it opens', () => {
    expect(linesOf('一二三「四五」', 4)).toEqual(['一二三', '「四五」']);
    expect(linesOf('一二三（四）', 4)).toEqual(['一二三', '（四）']);
  });

  it('keeps a certificate number whole and a number with its unit', () => {
    expect(linesOf('编号LJRC-2024-03-0001', 9)).toEqual(['编号', 'LJRC-2024-03-0001']);
    expect(linesOf('一二三于2024年', 6)).toEqual(['一二三于', '2024年']);
    expect(linesOf('一二三四第3期', 5)).toEqual(['一二三四', '第3期']);
  });

  it('breaks a URL wider than the line after a slash or question mark', () => {
    const text = '访问 https://leader.example.cn/verify/LJRC-2024-03-0001?code=7KQ4M8XA 验证';

    const lines = linesOf(text, 20);

    expect(lines).toEqual(['访问 https://leader.example.cn/verify/', 'LJRC-2024-03-0001?code=7KQ4M8XA 验证']);
    expect(linesOf(text, 12)).toEqual([
      '访问 https://',
      'leader.example.cn/',
      'verify/',
      'LJRC-2024-03-0001?',
      'code=7KQ4M8XA 验证',
    ]);
  });

  it('drops the space a line breaks at', () => {
    expect(linesOf('一二三 四五', 3)).toEqual(['一二三', '四五']);
  });

  it('breaks a word wider than a whole line character by character', () => {
    expect(linesOf('ABCDEFGHIJ', 2)).toEqual(['ABCD', 'EFGH', 'IJ']);
  });

  it('reports where the emphasised run lies in each line it spans', () => {
    const lines = breakLines(
      [{ text: '兹证明' }, { text: '张三丰', emphasis: true }, { text: '（测试）' }],
      4,
      measure,
    );

    expect(lines.map((line) => line.text)).toEqual(['兹证明张', '三丰（测', '试）']);
    expect(lines.map((line) => line.emphasis)).toEqual([[{ start: 3, length: 1 }], [{ start: 0, length: 2 }], []]);
    expect(lines.map((line) => line.last)).toEqual([false, false, true]);
  });

  it('keeps every character, in order, and every line within the width', () => {
    const alphabet = [...'中小企业领军人才培训，。、（）「」：1234ABCxyz-/?= '];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { maxLength: 80 }).map((chars) => chars.join('')),
        fc.integer({ min: 2, max: 30 }),
        (text, width) => {
          const lines = breakLines([{ text }], width, measure);
          expect(
            lines
              .map((line) => line.text)
              .join('')
              .replace(/ /g, ''),
          ).toBe(text.replace(/ /g, ''));
          for (const line of lines) expect(line.width).toBeLessThanOrEqual(width + 1e-9);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
