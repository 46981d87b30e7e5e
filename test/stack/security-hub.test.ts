import { describe, expect, it } from 'vitest';
import { SECURITY_HUB_ENV } from '../../lambdas/config/security-hub.js';
import { buildCentral, iamStatementsOf, resourcesOf } from './support/build.js';

describe('the securityHub context', () => {
  it('grants BatchImportFindings on the account default product only, and tells the handler its account', () => {
    const { central } = buildCentral({ securityHub: true });
    const statements = iamStatementsOf(central).filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('securityhub:')));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Sid: 'SecurityHubFindings', Effect: 'Allow', Action: 'securityhub:BatchImportFindings' });
    expect(JSON.stringify(statements[0]!.Resource)).toBe(
      JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':product/', { Ref: 'AWS::AccountId' }, '/default']] }),
    );
    const handler = resourcesOf(central, 'AWS::Lambda::Function').find((fn) => fn.Properties.Environment?.Variables?.DENIAL_TABLE_NAME);
    expect(handler!.Properties.Environment.Variables[SECURITY_HUB_ENV.accountId]).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('is off by default: no Security Hub permission, no variable', () => {
    const { central } = buildCentral({});
    expect(JSON.stringify(iamStatementsOf(central))).not.toContain('securityhub:');
    expect(JSON.stringify(central.toJSON())).not.toContain(SECURITY_HUB_ENV.accountId);
  });
});
