/**
 * Decodes EC2's "Encoded authorization failure message" with `sts:DecodeAuthorizationMessage`: whether the request
 * was allowed, whether an explicit deny matched, and which statements matched.
 */
import { DecodeAuthorizationMessageCommand, type STSClient } from '@aws-sdk/client-sts';
import { lookup, type Lookup } from './lookup-result.js';

/** What the decoded message says, trimmed to what a responder needs. */
export interface DecodedAuthorization {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: Array<{ sid: string | null; effect: string | null; policy: string | null }>;
}

/** Decodes one message. */
export function decodeAuthorizationMessage(sts: STSClient, encoded: string): Promise<Lookup<DecodedAuthorization>> {
  return lookup('sts:DecodeAuthorizationMessage', async () => {
    const { DecodedMessage } = await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    if (!DecodedMessage) return null;
    const decoded = JSON.parse(DecodedMessage) as {
      allowed?: boolean;
      explicitDeny?: boolean;
      matchedStatements?: { items?: Array<{ statementId?: string; effect?: string; source?: { policyName?: string; policyArn?: string } }> };
    };
    return {
      allowed: decoded.allowed === true,
      explicitDeny: decoded.explicitDeny === true,
      matchedStatements: (decoded.matchedStatements?.items ?? []).map((item) => ({
        sid: item.statementId ?? null,
        effect: item.effect ?? null,
        policy: item.source?.policyArn ?? item.source?.policyName ?? null,
      })),
    };
  });
}
