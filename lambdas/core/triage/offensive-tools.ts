/**
 * User agents that name an offensive or reconnaissance tool, or an operating system built for penetration testing.
 *
 * A user agent is chosen by the caller, so its absence proves nothing; its presence is a strong, cheap hint (the
 * tool announced itself, or ran with defaults). Each entry says why it is here:
 * - Stratus Red Team (Datadog's attack emulator) appends `stratus-red-team_<uuid>` to every call: seen in the corpus
 *   (`stratus-red-team-detonation-logs`). An emulation run, or someone reusing the tool.
 * - Kali, Parrot and Pentoo Linux: the AWS CLI and SDKs print the kernel release (`Linux/6.0.0-kali3-amd64`,
 *   `Linux/6.0.0-2parrot1-amd64`); GuardDuty raises `PenTest:IAMUser/KaliLinux`, `…/ParrotLinux`, `…/PentooLinux` on
 *   the same evidence. Pacu (Rhino Security Labs' exploitation framework, MITRE S1091) has no user agent of its own:
 *   it replaces these very strings to hide them, so it is caught only when run without that option, or when a user
 *   agent names it outright (`pacu` as a word); its absence here means nothing.
 * - ScoutSuite (NCC Group) sends `Scout Suite/<version> (https://github.com/nccgroup/ScoutSuite)`; Prowler sends
 *   `APN_1826889` (its default `user_agent_extra`). Both are auditing scanners that defenders run too: a scan from an
 *   unexpected principal is reconnaissance, from the security team it is routine. They are `scanner`, a weaker signal.
 *
 * Patterns are matched case-insensitively against the whole user agent.
 */

/** `attack`: an offensive framework or pentest OS; `scanner`: a security auditing scanner. */
export type ToolKind = 'attack' | 'scanner';

/** One recognisable tool. */
export interface OffensiveTool {
  name: string;
  kind: ToolKind;
  pattern: RegExp;
}

export const OFFENSIVE_TOOLS: readonly OffensiveTool[] = [
  { name: 'Stratus Red Team', kind: 'attack', pattern: /stratus-red-team/i },
  { name: 'Kali Linux', kind: 'attack', pattern: /\bLinux\/[^\s]*kali/i },
  { name: 'Parrot OS', kind: 'attack', pattern: /\bLinux\/[^\s]*parrot/i },
  { name: 'Pentoo Linux', kind: 'attack', pattern: /\bLinux\/[^\s]*pentoo/i },
  { name: 'Pacu', kind: 'attack', pattern: /\bpacu\b/i },
  { name: 'ScoutSuite', kind: 'scanner', pattern: /scout[ -]?suite/i },
  { name: 'Prowler', kind: 'scanner', pattern: /APN_1826889|\bprowler\b/i },
];

/** The first tool a user agent names, or null. */
export function offensiveToolOf(userAgent: string | null | undefined): OffensiveTool | null {
  if (!userAgent) return null;
  return OFFENSIVE_TOOLS.find((tool) => tool.pattern.test(userAgent)) ?? null;
}
