/**
 * Preflight: the CDK bootstrap stack, which `cdk deploy` needs to upload the app's assets (the handler's Lambda code).
 *
 * The synthesized template's `CheckBootstrapVersion` rule reads SSM parameter `/cdk-bootstrap/hnb659fds/version` and
 * refuses a version below 6 (aws-cdk-lib `DefaultStackSynthesizer`, MIN_BOOTSTRAP_STACK_VERSION); the bootstrap stack
 * `CDKToolkit` publishes the same number as its output `BootstrapVersion` (AWS CDK developer guide, "AWS CDK
 * bootstrapping": https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping.html).
 */
import { uncheckedResult, type CallFailure, type CheckResult } from './checklist.js';

/** The lowest bootstrap version the app's template accepts. */
export const REQUIRED_BOOTSTRAP_VERSION = 6;

/** What preflight found: the stack (or SSM parameter) and its version. */
export type BootstrapFacts = { readonly found: false } | { readonly found: true; readonly version?: number; readonly status?: string; readonly from: 'CDKToolkit stack' | 'SSM parameter' };

const ID = 'bootstrap';
const TITLE = 'CDK bootstrap';

/** Judges the bootstrap of `account`/`region`. */
export function judgeBootstrap(account: string, region: string, facts: BootstrapFacts | CallFailure): CheckResult {
  if ('kind' in facts) return uncheckedResult(ID, TITLE, facts);
  const bootstrap = `npx cdk bootstrap aws://${account}/${region}`;
  if (!facts.found) {
    return { id: ID, title: TITLE, verdict: 'fail', detail: `no CDKToolkit stack in ${region}: cdk deploy cannot upload the handler's code`, fix: bootstrap };
  }
  if (facts.status && /(_FAILED|ROLLBACK_COMPLETE|DELETE_)/.test(facts.status) && !/^UPDATE_ROLLBACK_COMPLETE$/.test(facts.status)) {
    return { id: ID, title: TITLE, verdict: 'fail', detail: `the CDKToolkit stack is ${facts.status}`, fix: `${bootstrap} (delete the failed CDKToolkit stack first if it is ROLLBACK_COMPLETE)` };
  }
  if (facts.version === undefined) {
    return { id: ID, title: TITLE, verdict: 'warn', detail: `the ${facts.from} gives no bootstrap version`, fix: bootstrap };
  }
  if (facts.version < REQUIRED_BOOTSTRAP_VERSION) {
    return { id: ID, title: TITLE, verdict: 'fail', detail: `bootstrap version ${facts.version} (${facts.from}); the app's template needs ${REQUIRED_BOOTSTRAP_VERSION} or later`, fix: `${bootstrap} (updates the CDKToolkit stack in place)` };
  }
  return { id: ID, title: TITLE, verdict: 'pass', detail: `bootstrap version ${facts.version} (${facts.from}); the app needs ${REQUIRED_BOOTSTRAP_VERSION} or later` };
}
