import { Token } from 'cdktf';
import type { Construct } from 'constructs';

/** GCP resource names: RFC 1035 labels of 1 to 63 characters. */
export const RFC1035_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** GCP region names such as `europe-west1` or `northamerica-northeast2` (not zones such as `europe-west1-b`). */
export const REGION_NAME = /^[a-z]+(-[a-z]+)+[0-9]+$/;

/** True when a value is known at construction time (not a token to be resolved at synth or apply). */
export function isKnown(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/**
 * Collects every problem found in a construct's props, then throws them together, so one run
 * shows everything to fix. Messages name the prop and show the value as the user wrote it.
 */
export class Problems {
  private readonly messages: string[] = [];

  add(message: string): void {
    this.messages.push(message);
  }

  /** Checks an RFC 1035 resource name; `what` reads like "name" or "subnet 'gke' name". */
  name(what: string, value: string): void {
    if (value === undefined || value === null) return this.add(`${what} is required`);
    if (!isKnown(value)) return;
    if (typeof value !== 'string' || !RFC1035_NAME.test(value)) {
      this.add(
        `${what} '${String(value)}' is not a valid GCP resource name (1-63 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen)`,
      );
    }
  }

  /** Checks a region name; `what` reads like "region" or "subnet 'gke' region". */
  region(what: string, value: string): void {
    if (value === undefined || value === null) return this.add(`${what} is required`);
    if (!isKnown(value)) return;
    if (typeof value !== 'string' || !REGION_NAME.test(value)) {
      this.add(`${what} '${String(value)}' is not a GCP region (expected a region such as 'europe-west1', not a zone)`);
    }
  }

  /** Throws one error listing every problem, prefixed with the construct path. */
  throwIfAny(scope: Construct): void {
    if (this.messages.length === 0) return;
    const where = scope.node.path;
    if (this.messages.length === 1) throw new Error(`${where}: ${this.messages[0]}`);
    throw new Error(`${where}: ${this.messages.length} problems:\n${this.messages.map((m) => `  - ${m}`).join('\n')}`);
  }
}
