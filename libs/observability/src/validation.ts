import { Token } from 'cdktf';
import type { Construct } from 'constructs';

/** Ids of Cloud Logging buckets, sinks and exclusions: 1-100 letters, digits, `_`, `-` and `.`, starting with a letter or digit. */
export const LOGGING_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const LOGGING_ID_RULE = "1-100 letters, digits, '_', '-' or '.', starting with a letter or digit";

/** A Cloud KMS key id, `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`; group 1 is the location. */
export const KMS_KEY_ID = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

/** A Google duration in whole seconds, such as `300s`. */
const SECONDS = /^(\d+)s$/;

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** True when a value is known at construction time (not a token to be resolved at synth or apply). */
export function isKnown(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** The whole seconds of a duration such as `300s`, or undefined when it is not one. */
export function secondsOf(duration: string): number | undefined {
  const match = SECONDS.exec(duration);
  return match ? Number(match[1]) : undefined;
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

  /** Checks that a required value is present; returns true when it is present and known. */
  required(what: string, value: unknown): boolean {
    if (value === undefined || value === null) {
      this.add(`${what} is required`);
      return false;
    }
    return isKnown(value);
  }

  /** Checks a required, non-blank string. */
  text(what: string, value: string | undefined, maxLength?: number): void {
    if (!this.required(what, value)) return;
    if (typeof value !== 'string' || value.trim() === '') return this.add(`${what} '${String(value)}' must not be empty`);
    if (maxLength !== undefined && value.length > maxLength) {
      this.add(`${what} '${value}' is ${value.length} characters long: at most ${maxLength} are allowed`);
    }
  }

  /** Checks a Cloud Logging id (bucket, sink, exclusion). */
  loggingId(what: string, value: string | undefined): void {
    if (!this.required(what, value)) return;
    if (typeof value !== 'string' || !LOGGING_ID.test(value)) this.add(`${what} '${String(value)}' is invalid: use ${LOGGING_ID_RULE}`);
  }

  /** Checks a whole number within [min, max]. */
  integer(what: string, value: number | undefined, min: number, max: number): void {
    if (!this.required(what, value)) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.add(`${what} ${String(value)} is out of range: use a whole number from ${min} to ${max}`);
    }
  }

  /** Checks a duration in whole seconds (`'300s'`) that is a multiple of `step` seconds, within [min, max]. */
  duration(what: string, value: string | undefined, { min, max, step = 1 }: { min: number; max: number; step?: number }): void {
    if (!this.required(what, value)) return;
    const seconds = typeof value === 'string' ? secondsOf(value) : undefined;
    if (seconds === undefined) return this.add(`${what} '${String(value)}' is not a duration in seconds such as '300s'`);
    if (seconds < min || seconds > max || seconds % step !== 0) {
      const multiple = step > 1 ? ` and a multiple of ${step}s` : '';
      this.add(`${what} '${value}' is out of range: it must be between ${min}s and ${max}s${multiple}`);
    }
  }

  /** Checks one of a fixed set of values. */
  oneOf(what: string, value: string | undefined, allowed: readonly string[]): void {
    if (!isKnown(value)) return;
    if (!allowed.includes(value as string)) {
      this.add(`${what} '${String(value)}' is not supported; use ${allowed.map((a) => `'${a}'`).join(', ')}`);
    }
  }

  /** Checks GCP user labels (lowercase keys starting with a letter; lowercase values; at most 63 characters each). */
  labels(what: string, labels: Readonly<Record<string, string>> | undefined): void {
    if (labels === undefined || !isKnown(labels)) return;
    for (const [key, value] of Object.entries(labels)) {
      if (isKnown(key) && !LABEL_KEY.test(key)) {
        this.add(`${what} key '${key}' is not a valid label key: start with a lowercase letter; use lowercase letters, digits, '_' and '-', at most 63 characters`);
      }
      if (isKnown(value) && !LABEL_VALUE.test(value)) {
        this.add(`${what}.${key} value '${value}' is not a valid label value: use lowercase letters, digits, '_' and '-', at most 63 characters`);
      }
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
