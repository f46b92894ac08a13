import { loadProgramme } from '../adapters/programme-store';
import { DomainError } from '../domain/errors';
import { findClass, type Programme, type TrainingClass } from '../domain/programme';

export async function requireProgramme(year: number): Promise<Programme> {
  const programme = await loadProgramme(year);
  if (!programme) throw new DomainError('PROGRAMME_UNKNOWN', `${year}年度培训计划尚未发布`, 404);
  return programme;
}

export async function requireClass(
  year: number,
  classNumber: number,
): Promise<{ programme: Programme; trainingClass: TrainingClass }> {
  const programme = await requireProgramme(year);
  const trainingClass = findClass(programme, classNumber);
  if (!trainingClass) throw new DomainError('CLASS_UNKNOWN', `${year}年度没有第${classNumber}期培训班`, 404);
  return { programme, trainingClass };
}
