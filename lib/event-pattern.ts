/**
 * The EventBridge pattern that catches every CloudTrail authorization denial (pure, so tests can check it against
 * the corpus). It mirrors `isDenialErrorCode` in `lambdas/core/error-codes.ts`.
 */
import { DENIAL_ERROR_CODES } from '../lambdas/core/error-codes.js';

export const CLOUDTRAIL_DETAIL_TYPES_FOR_RULE = ['AWS API Call via CloudTrail', 'AWS Network Activity Event via CloudTrail'] as const;

/** The event pattern; `extraErrorCodes` are the opt-in codes of the `extraErrorCodes` setting. */
export function denialEventPattern(extraErrorCodes: readonly string[] = []): Record<string, unknown> {
  return {
    'detail-type': [...CLOUDTRAIL_DETAIL_TYPES_FOR_RULE],
    detail: {
      errorCode: [
        ...new Set([...DENIAL_ERROR_CODES, ...extraErrorCodes]),
        { prefix: 'AccessDenied' },
        { suffix: 'UnauthorizedOperation' },
        { suffix: 'AccessDenied' },
      ],
    },
  };
}
