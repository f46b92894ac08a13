import { normaliseText } from './normalise-text';

/** 附件4: enterprise categories targeted by the notice 一(二); "其他" exists on the form but needs a reason. */
export const ENTERPRISE_CATEGORIES = [
  '专精特新中小企业',
  '专精特新"小巨人"企业',
  '创新型中小企业',
  '科技型中小企业',
  '制造业单项冠军',
  '独角兽企业',
  '高新技术企业',
  '其他',
] as const;
export type EnterpriseCategory = (typeof ENTERPRISE_CATEGORIES)[number];

export const GENDERS = ['男', '女'] as const;
export const YES_NO = ['是', '否'] as const;

/** Suggested in the template's drop-downs; other values are accepted, since offices use their own wording. */
export const POLITICAL_STATUS_SUGGESTIONS = [
  '中共党员',
  '中共预备党员',
  '共青团员',
  '民主党派成员',
  '无党派人士',
  '群众',
] as const;
export const EDUCATION_SUGGESTIONS = [
  '博士研究生',
  '硕士研究生',
  '大学本科',
  '大学专科',
  '高中/中专',
  '初中及以下',
] as const;

const QUOTES = /["'“”‘’「」『』〝〞]/g;
const categoryKey = (text: string) => normaliseText(text).replace(QUOTES, '').replace(/\s/g, '');
const categoryByKey = new Map<string, EnterpriseCategory>(ENTERPRISE_CATEGORIES.map((c) => [categoryKey(c), c]));
// Common shorthands clerks write for the same category.
categoryByKey.set('小巨人企业', '专精特新"小巨人"企业');
categoryByKey.set('专精特新小巨人', '专精特新"小巨人"企业');
categoryByKey.set('国家级专精特新小巨人企业', '专精特新"小巨人"企业');
categoryByKey.set('单项冠军', '制造业单项冠军');
categoryByKey.set('单项冠军企业', '制造业单项冠军');
categoryByKey.set('制造业单项冠军企业', '制造业单项冠军');
categoryByKey.set('高新技术企业', '高新技术企业');
categoryByKey.set('国家高新技术企业', '高新技术企业');

/** Several categories share one cell: separated by 、，,;；/ | or line breaks (or plain spaces). */
export function splitCategories(text: string): string[] {
  return text
    .split(/[、，,;；/|｜\n\r]+/)
    .flatMap((part) => (/[\u3400-\u9FFF]\s+[\u3400-\u9FFF]/.test(part.trim()) ? part.trim().split(/\s+/) : [part]))
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** The canonical category for what the clerk wrote, tolerant of quote styles and full-width characters. */
export function matchCategory(text: string): EnterpriseCategory | undefined {
  return categoryByKey.get(categoryKey(text));
}

/** 是/否, tolerating Y/N, TRUE/FALSE (Excel check boxes) and ✓. */
export function parseYesNo(text: string): boolean | undefined {
  const value = normaliseText(text).toLowerCase();
  if (['是', 'y', 'yes', 'true', '√', '✓', '✔', '1'].includes(value)) return true;
  if (['否', 'n', 'no', 'false', '×', '✗', '0'].includes(value)) return false;
  return undefined;
}

export function parseGender(text: string): '男' | '女' | undefined {
  const value = normaliseText(text);
  if (value === '男' || value === '男性') return '男';
  if (value === '女' || value === '女性') return '女';
  return undefined;
}

/** 3, 3期, 第3期, 第三期 → 3. */
export function parseClassNumber(text: string): number | undefined {
  const value = normaliseText(text)
    .replace(/^第\s*/, '')
    .replace(/\s*(期|班|期次)$/, '');
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const chinese = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'].indexOf(value);
  if (chinese > 0) return chinese;
  if (/^十[一二三四五六七八九]$/.test(value))
    return 10 + ['一', '二', '三', '四', '五', '六', '七', '八', '九'].indexOf(value[1] ?? '') + 1;
  return undefined;
}

/** 1,200 / 1200人 / 1 200 → 1200; negative or non-numeric → undefined. */
export function parseCount(text: string, { integer }: { integer: boolean }): number | undefined {
  const value = normaliseText(text)
    .replace(/[,，\s]/g, '')
    .replace(/(人|名|万元|万)$/, '');
  if (!/^\d+(\.\d+)?$/.test(value)) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || (integer && !Number.isInteger(number))) return undefined;
  return number;
}
