/**
 * The account's trails as CloudTrail describes them: DescribeTrails (shadow trails included, so a multi-Region or
 * organization trail of another home Region is seen), then GetTrailStatus and GetEventSelectors of each by ARN
 * (CloudTrail API reference: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html,
 * API_GetTrailStatus.html, API_GetEventSelectors.html).
 */
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CallFailure } from '../../core/preflight/checklist.js';
import { managementCoverage, type AdvancedEventSelector, type BasicEventSelector, type TrailFacts } from '../../core/preflight/trail.js';
import { attempt, isCallFailure } from './aws-call.js';

/** Every trail visible in the client's Region, with its logging status and management-event coverage. */
export async function gatherTrails(cloudtrail: CloudTrailClient): Promise<TrailFacts[] | CallFailure> {
  const described = await attempt('cloudtrail:DescribeTrails', 'CloudTrail', () => cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })));
  if (isCallFailure(described)) return described;
  const seen = new Set<string>();
  const trails = (described.trailList ?? []).filter((trail) => {
    const key = trail.TrailARN ?? trail.Name ?? '';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return Promise.all(
    trails.map(async (trail): Promise<TrailFacts> => {
      const id = trail.TrailARN ?? trail.Name ?? '';
      const [status, selectors] = await Promise.all([
        attempt('cloudtrail:GetTrailStatus', 'CloudTrail', () => cloudtrail.send(new GetTrailStatusCommand({ Name: id }))),
        attempt('cloudtrail:GetEventSelectors', 'CloudTrail', () => cloudtrail.send(new GetEventSelectorsCommand({ TrailName: id }))),
      ]);
      return {
        name: trail.Name ?? id,
        homeRegion: trail.HomeRegion ?? '',
        multiRegion: trail.IsMultiRegionTrail === true,
        organizationTrail: trail.IsOrganizationTrail === true,
        logging: isCallFailure(status) ? status : status.IsLogging === true,
        management: isCallFailure(selectors)
          ? selectors
          : managementCoverage({ basic: selectors.EventSelectors as BasicEventSelector[] | undefined, advanced: selectors.AdvancedEventSelectors as AdvancedEventSelector[] | undefined }),
      };
    }),
  );
}
