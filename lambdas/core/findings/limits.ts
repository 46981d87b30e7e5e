/**
 * The documented limits of the two finding formats, and the one way this project fits untrusted text into them.
 *
 * ASFF (AWS Security Finding Format), from the `AwsSecurityFinding` API reference
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html) and the ASFF pages of the
 * Security Hub user guide (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html):
 * `Id` and `GeneratorId` 1–512 characters; `Title` 1–256; `Description` 1–1,024; `AwsAccountId` 12; `Types` at most 50;
 * `ProductFields` at most 50 pairs, key ≤ 128 and value ≤ 2,048 characters; `Resources` 1–32
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resources.html), `Resource.Type` ≤ 256,
 * `Resource.Region` ≤ 16; `Details.Other` at most 50 pairs, key under 128 and value under 1,024 characters
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resourcedetails-other.html);
 * `Remediation.Recommendation.Text` 1–512 (API_Recommendation); a whole finding at most 240 KB ("The maximum allowed
 * size for a finding is 240 Kb", https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html),
 * and at most 100 findings per `BatchImportFindings` call.
 *
 * OCSF states no lengths for these strings (its `string_t` is UTF-8 text); the OCSF mapping uses the same limits, so that
 * one finding reads the same in both formats and never carries a megabyte of event text.
 */
import { cut, flatten, flattenKeepingLines } from '../render/escape.js';

export const ASFF_LIMITS = {
  id: 512,
  generatorId: 512,
  title: 256,
  description: 1_024,
  types: 50,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2_048,
  resources: 32,
  resourceType: 256,
  resourceRegion: 16,
  otherDetails: 50,
  /** "fewer than 128" / "fewer than 1,024" characters. */
  otherKey: 127,
  otherValue: 1_023,
  recommendationText: 512,
  findingBytes: 240 * 1_024,
  findingsPerCall: 100,
} as const;

/**
 * Our own cap for values ASFF gives no length (a resource `Id`, a URL): event text can be a megabyte long, and the whole
 * finding must stay under 240 KB.
 */
export const UNSTATED_TEXT_MAX = 2_048;

/** Where text was cut to fit a limit: visible, so a reader knows there was more. */
export const TRUNCATED = '…[truncated]';

/** One line of untrusted text within `max` characters: bidi controls made visible, invisible ones removed, line breaks flattened; a cut is marked. */
export function fitLine(value: string, max: number): string {
  return cut(flatten(value), max, TRUNCATED);
}

/** Multi-line text within `max` characters (line breaks kept); a cut is marked. */
export function fitText(value: string, max: number): string {
  return cut(flattenKeepingLines(value), max, TRUNCATED);
}
