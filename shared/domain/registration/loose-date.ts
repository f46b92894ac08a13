import { isRealDate } from './resident-id';
import { normaliseText } from './normalise-text';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function formatDate(year: number, month: number, day: number): string | null {
  return year >= 1900 && year <= 2100 && isRealDate(year, month, day)
    ? `${pad(year, 4)}-${pad(month)}-${pad(day)}`
    : null;
}

/**
 * Excel's 1900 date system counts days from 1899-12-30 (it treats 1900 as a leap year, which only matters before
 * March 1900, long before any trainee was born).
 */
export function excelSerialToDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 61 || serial >= 2958466) return null;
  const date = new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000);
  return formatDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

const TEXT_DATE =
  /^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?)(?:[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Accepts what clerks type and what Excel stores: Date cells (ExcelJS gives UTC midnight), serial numbers and text
 * such as 2024-08-31, 2024/8/31, 2024.8.31, 2024年8月31日, 20240831. Returns YYYY-MM-DD, or null when it is not a
 * real date.
 */
export function parseLooseDate(value: string | number | Date): string | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return formatDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  if (typeof value === 'number') return excelSerialToDate(value);
  const text = normaliseText(value);
  const match = TEXT_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  if (!match) return null;
  return formatDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** The calendar date of an instant in programme time (Asia/Shanghai: UTC+8, no daylight saving), YYYY-MM-DD. */
export function programmeDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
