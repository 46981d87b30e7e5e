/**
 * The handler's Security Hub variable, set by the stack with the `securityHub` context: the account the handler runs
 * in, whose default product imports the findings (`adapters/security-hub.ts`). Absent: no Security Hub channel.
 */
export const SECURITY_HUB_ENV = { accountId: 'SECURITY_HUB_ACCOUNT_ID' } as const;
