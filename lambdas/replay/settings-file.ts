import { readFileSync } from 'node:fs';
import { SettingsError, type Settings } from '../core/config.js';

/** Reads a JSON settings file; errors name the file. */
export function readSettingsFile(path: string): Partial<Record<keyof Settings, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SettingsError(`cannot read settings file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Partial<Record<keyof Settings, unknown>>;
  } catch (error) {
    throw new SettingsError(`settings file ${path} is not a JSON object: ${(error as Error).message}`);
  }
}
