/**
 * Greedy line breaking for zh-CN text set in one font and size: a line may break between any two CJK characters,
 * never inside a Latin word or number (LJRC-2024-03-0001 stays whole unless it is wider than the line), never
 * before closing punctuation and never after opening punctuation (禁则, GB/T 15834 practice), and a long URL breaks
 * after '/', '?' or '&' (not inside '//').
 */

/** A stretch of text drawn the same way; `emphasis` marks one the certificate underlines (the trainee's name). */
export interface TextRun {
  readonly text: string;
  readonly emphasis?: boolean;
}

/** An emphasised stretch inside a line: where it starts (in characters of the line) and how many it holds. */
export interface LineEmphasis {
  readonly start: number;
  readonly length: number;
}

export interface BrokenLine {
  readonly text: string;
  /** Natural width, before any justification. */
  readonly width: number;
  readonly emphasis: readonly LineEmphasis[];
  /** The paragraph's last line: set flush, not justified. */
  readonly last: boolean;
}

/** Characters that must not begin a line. */
const NO_LINE_START = new Set([...'，。、；：？！）」』】》〉〕”’…·—%‰℃,.;:?!)]}']);
/** Characters that must not end a line. */
const NO_LINE_END = new Set([...'（「『【《〈〔“‘([{']);
/** Units that stay on the line of the number before them. */
const NUMBER_UNITS = new Set([...'年月日期号届']);
/** Characters that join into one unbreakable word: Latin letters, digits and URL/number punctuation. */
const WORD_CHAR = /[A-Za-z0-9\-_.~:/?#[\]@!$&'()*+,;=%]/;
/** Inside a long word, a break is allowed after these (URLs). */
const WORD_BREAK_AFTER = new Set(['/', '?', '&']);

interface Cluster {
  readonly text: string;
  readonly emphasis: boolean;
  readonly space: boolean;
}

/** Splits runs into clusters: one CJK character, one space, or one Latin word (split after URL separators). */
function clustersOf(runs: readonly TextRun[]): Cluster[] {
  const clusters: Cluster[] = [];
  for (const run of runs) {
    const emphasis = run.emphasis === true;
    let word = '';
    const flushWord = () => {
      if (word) clusters.push({ text: word, emphasis, space: false });
      word = '';
    };
    const chars = [...run.text];
    for (const [index, char] of chars.entries()) {
      if (WORD_CHAR.test(char)) {
        word += char;
        const next = chars[index + 1];
        if (WORD_BREAK_AFTER.has(char) && word.length > 1 && !(next && WORD_BREAK_AFTER.has(next))) flushWord();
        continue;
      }
      flushWord();
      clusters.push({ text: char, emphasis, space: /\s/.test(char) });
    }
    flushWord();
  }
  return clusters;
}

/** May a line end between these two clusters? */
function breakAllowed(before: Cluster, after: Cluster): boolean {
  if (after.space) return false; // break after the space, so the space ends the line and is dropped
  const first = [...after.text][0] ?? '';
  const lastOfBefore = [...before.text].at(-1) ?? '';
  if (NO_LINE_START.has(first) && after.text.length === 1) return false;
  if (NO_LINE_END.has(lastOfBefore) && before.text.length === 1) return false;
  // A number stays with its unit and its ordinal: 2024年, 10月, 14日, 第3期.
  if (/\d$/.test(before.text) && NUMBER_UNITS.has(first)) return false;
  if (before.text === '第' && /^\d/.test(after.text)) return false;
  return true;
}

interface Box {
  readonly clusters: Cluster[];
  width: number;
}

/**
 * Breaks `runs` into lines no wider than `maxWidth`; `firstLineIndent` narrows the first line (a paragraph's
 * two-character indent). `measure` gives the width of a string in the font and size being set.
 */
export function breakLines(
  runs: readonly TextRun[],
  maxWidth: number,
  measure: (text: string) => number,
  firstLineIndent = 0,
): BrokenLine[] {
  const widths = new Map<string, number>();
  const widthOf = (text: string) => {
    let width = widths.get(text);
    if (width === undefined) {
      width = measure(text);
      widths.set(text, width);
    }
    return width;
  };

  // Clusters that may not be separated form one box; boxes are what the greedy fill places.
  const boxes: Box[] = [];
  let previous: Cluster | undefined;
  for (const cluster of clustersOf(runs)) {
    const box = boxes.at(-1);
    if (box && previous && !breakAllowed(previous, cluster)) {
      box.clusters.push(cluster);
      box.width += widthOf(cluster.text);
    } else {
      boxes.push({ clusters: [cluster], width: widthOf(cluster.text) });
    }
    previous = cluster;
  }

  const lines: Cluster[][] = [];
  let line: Cluster[] = [];
  let lineWidth = 0;
  const limit = () => (lines.length === 0 ? maxWidth - firstLineIndent : maxWidth);
  const endLine = () => {
    while (line.at(-1)?.space) line.pop();
    if (line.length > 0) lines.push(line);
    line = [];
    lineWidth = 0;
  };
  const place = (cluster: Cluster, width: number) => {
    if (line.length === 0 && cluster.space) return; // no space at the start of a line
    line.push(cluster);
    lineWidth += width;
  };
  for (const box of boxes) {
    // A space that ends the box may hang past the line's end: it is dropped if the line breaks there.
    let trailingSpace = 0;
    for (let i = box.clusters.length - 1; i >= 0 && box.clusters[i]?.space; i--) {
      trailingSpace += widthOf(box.clusters[i]?.text ?? '');
    }
    if (lineWidth + box.width - trailingSpace <= limit() + 1e-6) {
      for (const cluster of box.clusters) place(cluster, widthOf(cluster.text));
      continue;
    }
    if (line.length > 0) endLine();
    if (box.width - trailingSpace <= limit() + 1e-6) {
      for (const cluster of box.clusters) place(cluster, widthOf(cluster.text));
      continue;
    }
    // Wider than a whole line (a very long name or URL): break it character by character.
    for (const cluster of box.clusters) {
      for (const char of cluster.text) {
        const width = widthOf(char);
        if (lineWidth + width > limit() + 1e-6 && line.length > 0) endLine();
        place({ ...cluster, text: char }, width);
      }
    }
  }
  endLine();

  return lines.map((clusters, index) => {
    let text = '';
    let width = 0;
    const emphasis: LineEmphasis[] = [];
    for (const cluster of clusters) {
      const start = [...text].length;
      const length = [...cluster.text].length;
      const open = emphasis.at(-1);
      if (cluster.emphasis) {
        if (open && open.start + open.length === start)
          emphasis[emphasis.length - 1] = { start: open.start, length: open.length + length };
        else emphasis.push({ start, length });
      }
      text += cluster.text;
      width += widthOf(cluster.text);
    }
    return { text, width, emphasis, last: index === lines.length - 1 };
  });
}
