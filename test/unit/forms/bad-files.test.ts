import { describe, expect, it } from 'vitest';
import { validateUpload } from '../../../shared/forms/index';
import { BAD_FILES } from '../../fixtures/hostile-files';
import { CLASS_NUMBERS } from '../../fixtures/registration-data';

describe('hostile and broken files get one clear file-level error', () => {
  it('has at least 12 bad files in the corpus', () => {
    expect(BAD_FILES.length).toBeGreaterThanOrEqual(12);
  });

  it.each(BAD_FILES.map((badFile) => [badFile.title, badFile] as const))('%s', async (_title, badFile) => {
    const data = await badFile.build();
    const started = performance.now();
    const report = await validateUpload(data, badFile.fileName, {
      classNumbers: CLASS_NUMBERS,
      ...(badFile.form ? { form: badFile.form } : {}),
    });
    const errors = report.findings.filter((finding) => finding.severity === 'error');
    expect(errors.map((finding) => finding.code)).toEqual([badFile.code]);
    expect(errors[0]?.row === undefined || badFile.code === 'HEADER_MISSING').toBe(true);
    expect(errors[0]?.message).toMatch(/[\u4e00-\u9fff]/);
    expect(report.valid).toBe(false);
    expect(report.trainees).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
