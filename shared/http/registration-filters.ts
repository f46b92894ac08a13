import { z } from 'zod';
import { REVIEW_WARNING_CODES, isReviewWarningCode } from '../domain/review-facts';
import { isRegistrationStatus, REGISTRATION_STATUSES } from '../domain/trainee-registration';

/**
 * The filters of a registration list, one schema for every route that takes them: the list itself and its export
 * must accept and refuse exactly the same queries.
 */
export const registrationFilters = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  unit: z
    .string()
    .regex(/^\d{6}$/, 'unit 须为 6 位单位代码')
    .optional(),
  status: z
    .string()
    .refine(isRegistrationStatus, `status 须为 ${REGISTRATION_STATUSES.join('/')} 之一`)
    .optional(),
  class: z.coerce.number().int().min(1).max(99).optional(),
  warning: z
    .string()
    .refine(isReviewWarningCode, `warning 须为 ${REVIEW_WARNING_CODES.join('/')} 之一`)
    .optional(),
});
