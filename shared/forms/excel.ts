import type ExcelJS from 'exceljs';

/**
 * ExcelJS, loaded the first time a workbook is read or written. It is the heaviest module in most bundles (a quarter
 * of a second to evaluate), and most invocations of the functions that carry it (a list, a review, a CSV upload)
 * never touch a workbook: importing it lazily keeps it out of their cold start. esbuild keeps it in the one bundle
 * and defers only its evaluation.
 */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
