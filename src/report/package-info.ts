import { readFileSync } from 'fs';
import { join } from 'path';

/** The package's name (the SARIF tool name, the validation plugin's name). */
export const PACKAGE_NAME = 'cdk-glue-netplan';
/** The repository: the tool's home page. */
export const REPOSITORY_URL = 'https://github.com/cdk-glue-netplan/cdk-glue-netplan';
/** RULES.md, with one anchor per rule ID (the ID in lower case). */
export const RULES_URL = `${REPOSITORY_URL}/blob/main/RULES.md`;

/** This package's version and repository, as its package.json says. */
export interface PackageInfo {
  readonly version?: string;
  /** The repository's https URL, without `git+` and `.git`. */
  readonly repository?: string;
}

let cached: PackageInfo | undefined;

/**
 * This package's version and repository, read once from its package.json (`src/<dir>/` and
 * `lib/<dir>/` are both two levels below the package root); empty when it cannot be read
 * (bundled, moved) or is another package's.
 */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8'));
    if (manifest?.name !== PACKAGE_NAME) throw new Error('not our package.json');
    const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
    cached = {
      version: typeof manifest.version === 'string' ? manifest.version : undefined,
      repository: typeof url === 'string' && /^(git\+)?https:\/\//.test(url) ? url.replace(/^git\+/, '').replace(/\.git$/, '') : undefined,
    };
  } catch {
    cached = {};
  }
  return cached;
}
