import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  DIMENSION_KEYS,
  type DimensionKey,
  type EvaluationAnswer,
  parseEvaluationAnswer,
  type Score,
} from '../../../shared/domain/evaluation';
import { DomainError } from '../../../shared/domain/errors';

const valid = { scores: { course: 5, faculty: 4, organisation: 3, effect: 2 } };

function refusal(input: unknown): { code: string; status: number; details?: Record<string, unknown> } {
  try {
    parseEvaluationAnswer(input);
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, status: error.status, details: error.details };
    throw error;
  }
  throw new Error('accepted');
}

describe('an evaluation answer', () => {
  it('takes four integer scores 1–5, trimmed comments and an overall comment', () => {
    const answer = parseEvaluationAnswer({
      scores: { course: 1, faculty: 5, organisation: 3, effect: 4 },
      comments: { course: '  案例很实用  ', faculty: '', organisation: '   ' },
      overall: ' 总体满意 ',
    });
    expect(answer).toEqual({
      scores: { course: 1, faculty: 5, organisation: 3, effect: 4 },
      comments: { course: '案例很实用' },
      overall: '总体满意',
    });
  });

  it('refuses a score outside 1–5, a fraction, text or a missing score: EVALUATION_SCORE_INVALID naming the dimension', () => {
    for (const bad of [0, 6, -1, 3.5, '3', null, Number.NaN]) {
      const result = refusal({ scores: { ...valid.scores, faculty: bad } });
      expect(result, String(bad)).toMatchObject({
        code: 'EVALUATION_SCORE_INVALID',
        status: 400,
        details: { dimension: 'faculty' },
      });
    }
    const { effect: _missing, ...three } = valid.scores;
    expect(refusal({ scores: three })).toMatchObject({
      code: 'EVALUATION_SCORE_INVALID',
      details: { dimension: 'effect' },
    });
    expect(refusal({})).toMatchObject({ code: 'EVALUATION_SCORE_INVALID' });
    for (const edge of [1, 5]) {
      expect(parseEvaluationAnswer({ scores: { ...valid.scores, course: edge } }).scores.course).toBe(edge);
    }
  });

  it('takes comments of up to 500 characters (after trimming) and an overall comment of up to 1,000', () => {
    const answer = parseEvaluationAnswer({
      ...valid,
      comments: { course: ` ${'课'.repeat(500)}\n` },
      overall: '总'.repeat(1000),
    });
    expect(answer.comments.course).toHaveLength(500);
    expect(answer.overall).toHaveLength(1000);
  });

  it('refuses a comment of 501 characters, or an overall comment of 1,001: EVALUATION_COMMENT_TOO_LONG', () => {
    for (const key of DIMENSION_KEYS) {
      expect(refusal({ ...valid, comments: { [key]: 'x'.repeat(501) } }), key).toMatchObject({
        code: 'EVALUATION_COMMENT_TOO_LONG',
        status: 400,
        details: { field: key },
      });
    }
    expect(refusal({ ...valid, overall: '总'.repeat(1001) })).toMatchObject({
      code: 'EVALUATION_COMMENT_TOO_LONG',
      details: { field: 'overall' },
    });
  });

  it('refuses what is not an answer at all with EVALUATION_ANSWER_INVALID', () => {
    for (const bad of [
      '5,4,3,2',
      [5, 4, 3, 2],
      42,
      { ...valid, comments: { course: 12 } },
      { ...valid, overall: {} },
    ]) {
      expect(refusal(bad), JSON.stringify(bad)).toMatchObject({ code: 'EVALUATION_ANSWER_INVALID', status: 400 });
    }
  });

  it('keeps nothing it was not asked for: a client cannot put an id or a time into what is stored', () => {
    const answer = parseEvaluationAnswer({
      ...valid,
      scores: { ...valid.scores, registrationId: 'R2024-110000-ABC' },
      comments: { course: '好', unit: '110000' },
      registrationId: 'R2024-110000-ABC',
      submittedAt: '2024-10-18T10:00:00Z',
    });
    expect(answer).toEqual({ scores: valid.scores, comments: { course: '好' } });
  });
});

/** A deterministic shuffle (LCG), so each dimension's scores land on different trainees. */
function shuffled<T>(values: readonly T[], seed: number): T[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function scoresFrom(counts: Record<Score, number>): Score[] {
  return ([1, 2, 3, 4, 5] as const).flatMap((score) => Array.from({ length: counts[score] }, () => score));
}

describe('the aggregate of a class', () => {
  it('is exact on a class of 80 whose answers follow hand-picked distributions', () => {
    // Each row: the number of trainees giving 1…5, and the mean worked out by hand (half up, 2 decimals).
    const picked: Record<DimensionKey, { counts: Record<Score, number>; mean: number }> = {
      // 338 / 80 = 4.225 exactly: a naive Math.round(x * 100) / 100 gives 4.22, since 4.225 is 4.22499… in binary.
      course: { counts: { 1: 2, 2: 3, 3: 10, 4: 25, 5: 40 }, mean: 4.23 },
      faculty: { counts: { 1: 0, 2: 0, 3: 8, 4: 32, 5: 40 }, mean: 4.4 }, // 352 / 80
      organisation: { counts: { 1: 5, 2: 10, 3: 20, 4: 25, 5: 20 }, mean: 3.56 }, // 285 / 80 = 3.5625
      effect: { counts: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 76 }, mean: 4.88 }, // 390 / 80 = 4.875
    };
    const columns = Object.fromEntries(
      DIMENSION_KEYS.map((key, index) => [key, shuffled(scoresFrom(picked[key].counts), 7 + index)]),
    ) as Record<DimensionKey, Score[]>;
    const responses: EvaluationAnswer[] = Array.from({ length: 80 }, (_, trainee) => ({
      scores: Object.fromEntries(DIMENSION_KEYS.map((key) => [key, columns[key][trainee]])) as Record<
        DimensionKey,
        Score
      >,
      comments: trainee % 10 === 0 ? { course: `意见${String(79 - trainee).padStart(2, '0')}` } : {},
      ...(trainee % 20 === 3 ? { overall: `总体${trainee}` } : {}),
    }));

    const result = aggregate(responses, 80);

    expect(result).toMatchObject({ invited: 80, responded: 80, responseRate: 1 });
    expect(result.dimensions.map((d) => [d.key, d.label, d.mean, d.distribution])).toEqual([
      ['course', '课程设置', 4.23, { 1: 2, 2: 3, 3: 10, 4: 25, 5: 40 }],
      ['faculty', '师资力量', 4.4, { 1: 0, 2: 0, 3: 8, 4: 32, 5: 40 }],
      ['organisation', '组织管理', 3.56, { 1: 5, 2: 10, 3: 20, 4: 25, 5: 20 }],
      ['effect', '实际效果', 4.88, { 1: 1, 2: 1, 3: 1, 4: 1, 5: 76 }],
    ]);
    expect(result.comments.course).toEqual([
      '意见09',
      '意见19',
      '意见29',
      '意见39',
      '意见49',
      '意见59',
      '意见69',
      '意见79',
    ]);
    expect(result.comments.overall).toEqual(['总体23', '总体3', '总体43', '总体63']);
    expect(result.comments.faculty).toEqual([]);
  });

  it('is exact on a generated class of 80 of whom 64 answered, checked by a different computation', () => {
    const invited = 80;
    // Trainee i answers unless i is a multiple of 5; dimension d gets 1 + ((i·(d+3) + d·d) mod 5).
    const answering = Array.from({ length: invited }, (_, i) => i).filter((i) => i % 5 !== 0);
    const score = (i: number, d: number) => (1 + ((i * (d + 3) + d * d) % 5)) as Score;
    const responses = answering.map((i) => ({
      scores: Object.fromEntries(DIMENSION_KEYS.map((key, d) => [key, score(i, d)])) as Record<DimensionKey, Score>,
      comments: {},
    }));

    const result = aggregate(responses, invited);

    expect(result.responded).toBe(64);
    expect(result.responseRate).toBe(0.8);
    DIMENSION_KEYS.forEach((key, d) => {
      const counts = [0, 0, 0, 0, 0, 0];
      let sum = 0;
      for (const i of answering) {
        counts[score(i, d)] = (counts[score(i, d)] ?? 0) + 1;
        sum += score(i, d);
      }
      // Half up at the third decimal, by truncating to thousandths first: exact for any ratio of integers.
      const thousandths = Math.floor((sum * 1000) / answering.length);
      const hundredths = Math.floor(thousandths / 10) + (thousandths % 10 >= 5 ? 1 : 0);
      const dimension = result.dimensions[d];
      expect(dimension?.key).toBe(key);
      expect(dimension?.distribution, key).toEqual({
        1: counts[1],
        2: counts[2],
        3: counts[3],
        4: counts[4],
        5: counts[5],
      });
      expect(dimension?.mean, key).toBe(hundredths / 100);
    });
  });

  it('rounds the response rate half up to 4 decimals, and has no mean or rate without answers or invitations', () => {
    const one: EvaluationAnswer = { scores: { course: 3, faculty: 3, organisation: 3, effect: 3 }, comments: {} };
    expect(aggregate([one, one], 3).responseRate).toBe(0.6667);
    expect(
      aggregate(
        Array.from({ length: 61 }, () => one),
        76,
      ).responseRate,
    ).toBe(0.8026); // 0.802631…
    const none = aggregate([], 12);
    expect(none).toMatchObject({ invited: 12, responded: 0, responseRate: 0 });
    expect(none.dimensions.every((d) => d.mean === null)).toBe(true);
    expect(aggregate([], 0).responseRate).toBeNull();
  });

  const answerArbitrary = fc.record({
    scores: fc.record({
      course: fc.constantFrom<Score>(1, 2, 3, 4, 5),
      faculty: fc.constantFrom<Score>(1, 2, 3, 4, 5),
      organisation: fc.constantFrom<Score>(1, 2, 3, 4, 5),
      effect: fc.constantFrom<Score>(1, 2, 3, 4, 5),
    }),
    comments: fc.record({ course: fc.string({ minLength: 1, maxLength: 6 }) }, { requiredKeys: [] }),
  });

  it('says nothing through order: any order of the same answers gives the same figures and comment lists', () => {
    fc.assert(
      fc.property(fc.array(answerArbitrary, { maxLength: 40 }), fc.nat(), (answers, seed) => {
        expect(aggregate(shuffled(answers, seed + 1), 50)).toEqual(aggregate(answers, 50));
      }),
      { numRuns: 300 },
    );
  });

  it('counts every answer once per dimension, and its mean is within half a hundredth of the exact one', () => {
    fc.assert(
      fc.property(fc.array(answerArbitrary, { minLength: 1, maxLength: 120 }), (answers) => {
        const result = aggregate(answers, answers.length);
        for (const dimension of result.dimensions) {
          const total = Object.values(dimension.distribution).reduce((a, b) => a + b, 0);
          expect(total).toBe(answers.length);
          const exact = answers.reduce((sum, answer) => sum + answer.scores[dimension.key], 0) / answers.length;
          expect(Math.abs((dimension.mean ?? 0) - exact)).toBeLessThanOrEqual(0.005 + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
