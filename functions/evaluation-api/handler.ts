import pLimit from 'p-limit';
import { auditOf, recordAudit } from '../../shared/adapters/audit-store';
import { systemClock } from '../../shared/adapters/clock';
import { loadConfig } from '../../shared/adapters/config';
import {
  type ClassEvaluation,
  evaluationUrl,
  listClassEvaluation,
  listProgrammeEvaluation,
  remindToEvaluate,
  withdrawReminder,
} from '../../shared/adapters/evaluation-store';
import { logger } from '../../shared/adapters/logger';
import { getRegistration } from '../../shared/adapters/registration-store';
import { requireClass, requireProgramme } from '../../shared/classes/programme-context';
import { SAMPLE_DATA_NOTICE } from '../../shared/domain/classes/class-view';
import {
  aggregate,
  type EvaluationAggregate,
  type EvaluationAnswer,
  REMINDER_INTERVAL_DAYS,
} from '../../shared/domain/evaluation';
import { composeEvaluationReminder, renderNotice } from '../../shared/domain/notices';
import type { Programme, TrainingClass } from '../../shared/domain/programme';
import { findUnit } from '../../shared/domain/units';
import { exportReply } from '../../shared/adapters/export-files';
import { classEvaluationTable, programmeEvaluationTable } from '../../shared/exports/evaluation-export';
import { type ExportFormat, renderTable } from '../../shared/exports/table-export';
import { buildEvaluationWorkbook } from '../../shared/forms/evaluation-workbook';
import { deliverOnce } from '../../shared/notices/delivery';
import { type HttpResult, json, routeHandler } from '../../shared/http/http-handler';
import { type AuthorizedEvent, type Principal, requireStaff } from '../../shared/http/principal';
import { classNumberParameter } from '../../shared/http/request-parsing';

/**
 * The evaluation's figures for staff (the SME Bureau assesses the training on 课程设置、师资力量、组织管理、实际效果):
 * per class and for the programme, as JSON and as a workbook, and reminders to trainees who have not answered.
 * Staff only: responses are anonymous, and their figures are not for hosts or units.
 */
export const handler = routeHandler({
  'GET /classes/{classNumber}/evaluation': classEvaluationRoute,
  'GET /evaluation': programmeEvaluationRoute,
  'GET /classes/{classNumber}/evaluation.xlsx': workbookRoute,
  'GET /classes/{classNumber}/evaluation.csv': classCsvRoute,
  'GET /exports/evaluation.xlsx': (event, principal) => programmeExportRoute(event, principal, 'xlsx'),
  'GET /exports/evaluation.csv': (event, principal) => programmeExportRoute(event, principal, 'csv'),
  'POST /classes/{classNumber}/evaluation/reminders': remindersRoute,
});

const year = () => loadConfig().PROGRAMME_YEAR;

function classFields(trainingClass: TrainingClass) {
  const { number, theme, host, city, startDate, endDate } = trainingClass;
  return { number, theme, host, city, startDate, endDate };
}

function sampleFields(programme: Programme) {
  return {
    sampleData: programme.sampleData,
    ...(programme.sampleData ? { sampleDataNotice: SAMPLE_DATA_NOTICE } : {}),
  };
}

function classAggregate(evaluation: ClassEvaluation): EvaluationAggregate {
  return aggregate(evaluation.responses, evaluation.invitations.length);
}

async function classEvaluationRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const classNumber = classNumberParameter(event);
  const { programme, trainingClass } = await requireClass(year(), classNumber);
  const evaluation = await listClassEvaluation(programme.year, classNumber);
  return json(200, {
    year: programme.year,
    ...sampleFields(programme),
    class: classFields(trainingClass),
    ...classAggregate(evaluation),
  });
}

/**
 * Every class, and the programme as a whole. Per class without its comments (they are read per class, on the class's
 * route and workbook); the programme total carries them all.
 */
async function programmeEvaluationRoute(_event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const programme = await requireProgramme(year());
  const evaluations = await listProgrammeEvaluation(programme);
  const all: EvaluationAnswer[] = [];
  let invited = 0;
  const classes = [...programme.classes]
    .sort((a, b) => a.number - b.number)
    .map((trainingClass) => {
      const evaluation = evaluations.get(trainingClass.number) ?? { invitations: [], responses: [] };
      all.push(...evaluation.responses);
      invited += evaluation.invitations.length;
      const { comments, ...figures } = classAggregate(evaluation);
      return {
        class: classFields(trainingClass),
        ...figures,
        commentCount: Object.values(comments).reduce((sum, list) => sum + list.length, 0),
      };
    });
  return json(200, { year: programme.year, ...sampleFields(programme), classes, programme: aggregate(all, invited) });
}

async function workbookRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const classNumber = classNumberParameter(event);
  const { programme, trainingClass } = await requireClass(year(), classNumber);
  const evaluation = await listClassEvaluation(programme.year, classNumber);
  const bytes = await buildEvaluationWorkbook(programme, trainingClass, evaluation);
  await auditExport(event, principal, `class:${classNumber}`, 'xlsx', evaluation.responses.length);
  const fileName = `第${classNumber}期培训评价.xlsx`;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="class-${classNumber}-evaluation.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      'cache-control': 'no-store',
    },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

/** The class's evaluation as CSV: the figures above, one row per anonymous response (UTF-8 with BOM). */
async function classCsvRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const classNumber = classNumberParameter(event);
  const { programme, trainingClass } = await requireClass(year(), classNumber);
  const evaluation = await listClassEvaluation(programme.year, classNumber);
  const table = classEvaluationTable({
    programme,
    trainingClass,
    evaluation,
    generatedAt: systemClock.now().toISOString(),
  });
  await auditExport(event, principal, `class:${classNumber}`, 'csv', evaluation.responses.length);
  return exportReply(await renderTable(table, 'csv'), 'csv', `第${classNumber}期培训评价`);
}

/** Every class's response rate and means, and the programme total, as a workbook or CSV. */
async function programmeExportRoute(
  event: AuthorizedEvent,
  principal: Principal,
  format: ExportFormat,
): Promise<HttpResult> {
  requireStaff(principal);
  const programme = await requireProgramme(year());
  const evaluations = await listProgrammeEvaluation(programme);
  const table = programmeEvaluationTable({ programme, evaluations, generatedAt: systemClock.now().toISOString() });
  await auditExport(event, principal, 'programme', format, programme.classes.length);
  return exportReply(await renderTable(table, format), format, `${programme.year}年度培训评价汇总`);
}

/** Evaluation exports hold no personal values (responses are anonymous); who took them out is still recorded. */
function auditExport(event: AuthorizedEvent, principal: Principal, scope: string, format: ExportFormat, rows: number) {
  return recordAudit(auditOf(event, principal, 'export.masked', 'export:evaluation', { scope, format, rows }));
}

/**
 * A fresh link by mail to each invited trainee who has not answered and was neither invited nor reminded in the
 * last 3 days (each invitation on its own clock). The old link stops working. A mail that fails takes its reminder
 * back, so staff can press again.
 */
async function remindersRoute(event: AuthorizedEvent, principal: Principal): Promise<HttpResult> {
  requireStaff(principal);
  const classNumber = classNumberParameter(event);
  const { programme, trainingClass } = await requireClass(year(), classNumber);
  const { invitations } = await listClassEvaluation(programme.year, classNumber);
  const now = systemClock.now();
  const counts = { reminded: 0, skipped: 0, answered: 0, failed: 0 };
  // SES's sending rate is shared with every notice: a few at a time.
  const limit = pLimit(4);
  await Promise.all(
    invitations.map((invitation) =>
      limit(async () => {
        const outcome = await remindToEvaluate(invitation, now);
        if (outcome.outcome === 'answered') counts.answered += 1;
        if (outcome.outcome === 'recently-contacted') counts.skipped += 1;
        if (outcome.outcome !== 'reminded') return;
        try {
          const registration = await getRegistration(invitation.registrationId);
          if (!registration) throw new Error('registration not found');
          const composed = composeEvaluationReminder({
            traineeName: registration.trainee.name,
            enterpriseName: registration.trainee.enterpriseName,
            unitName: findUnit(registration.unit)?.name ?? registration.unit,
            programme,
            trainingClass,
            evaluationLink: evaluationUrl(outcome.token),
            evaluationExpiresAt: outcome.expiresAt,
          });
          // Once per reminder (keyed by when it was made), and never to an address marked undeliverable.
          await deliverOnce(
            {
              subject: invitation.registrationId,
              kind: 'evaluation-reminder',
              attempt: Math.floor(now.getTime() / 1000),
              recipient: 'trainee',
            },
            { registrationId: invitation.registrationId },
            {
              to: registration.trainee.email,
              ...renderNotice(composed, programme),
              tags: {
                notice: 'evaluation-reminder',
                registration: invitation.registrationId,
                unit: registration.unit,
                recipient: 'trainee',
              },
            },
          );
          counts.reminded += 1;
        } catch (error) {
          counts.failed += 1;
          // The error's name only: SES messages can quote the address.
          logger.error('Evaluation reminder not sent', {
            registrationId: invitation.registrationId,
            error: (error as Error).name,
          });
          await withdrawReminder(invitation, outcome.token, invitation.remindedAt);
        }
      }),
    ),
  );
  // After the mails: what was sent is only known then. A reminder is a change too (each old link stops working).
  await recordAudit(
    auditOf(event, principal, 'class.change', `class:${classNumber}`, { route: event.routeKey, ...counts }),
  );
  return json(200, { classNumber, intervalDays: REMINDER_INTERVAL_DAYS, ...counts });
}
