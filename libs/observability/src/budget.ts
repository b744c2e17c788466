import { BillingBudget } from '@cdktf/provider-google/lib/billing-budget';
import { Construct } from 'constructs';
import { NotificationChannel } from './notification-channel';
import { isKnown, Problems } from './validation';

/** A Cloud Billing account id, `XXXXXX-XXXXXX-XXXXXX` (uppercase letters and digits). */
export const BILLING_ACCOUNT_ID = /^[0-9A-Z]{6}-[0-9A-Z]{6}-[0-9A-Z]{6}$/;
/** Five: the most monitoring channels a budget notifies. */
export const MAX_BUDGET_CHANNELS = 5;
/** Ten (1000%): the highest threshold this construct accepts. */
const MAX_THRESHOLD = 10;

/** Props of a {@link Budget}. */
export interface BudgetProps {
  /** Billing account the budget is set on, `XXXXXX-XXXXXX-XXXXXX`; the account belongs to the organisation. */
  readonly billingAccount: string;
  /** Name shown in the billing console (at most 60 characters). */
  readonly displayName: string;
  /** Number (not id) of the project whose spend the budget tracks, e.g. `'123456789012'`. */
  readonly projectNumber: string;
  /** Budgeted amount per period, in whole units of `currencyCode` (e.g. 500 = 500 EUR). */
  readonly amount: number;
  /** ISO 4217 currency code; it must be the billing account's currency, e.g. `'EUR'`. */
  readonly currencyCode: string;
  /**
   * Fractions of the amount that, once actually spent, notify (0.5 = 50%, 1.0 = 100%).
   * @default [0.5, 0.9, 1.0]
   */
  readonly currentSpendThresholds?: readonly number[];
  /**
   * Fractions of the amount that, once forecast for the period, notify.
   * @default [1.0]
   */
  readonly forecastedSpendThresholds?: readonly number[];
  /**
   * Cloud Monitoring channels notified when a threshold is crossed: {@link NotificationChannel}s or
   * channel ids `projects/<p>/notificationChannels/<id>`, at most five.
   * @default [] - only the billing account's administrators and users are emailed
   */
  readonly notificationChannels?: readonly (NotificationChannel | string)[];
  /**
   * Stops the emails to the billing account's administrators and users; only allowed when
   * `notificationChannels` names someone, so a budget always tells somebody.
   * @default false
   */
  readonly disableDefaultIamRecipients?: boolean;
  /**
   * Period the amount applies to; spend resets at its start.
   * @default 'MONTH'
   */
  readonly calendarPeriod?: 'MONTH' | 'QUARTER' | 'YEAR';
}

/**
 * A Cloud Billing budget on one project's spend, notifying at thresholds of current and
 * forecast spend. It tracks and alerts only: it never caps spend or stops resources.
 */
export class Budget extends Construct {
  /** The `google_billing_budget` (construct id `default`). */
  readonly budget: BillingBudget;

  constructor(scope: Construct, id: string, props: BudgetProps) {
    super(scope, id);
    const current = props.currentSpendThresholds ?? [0.5, 0.9, 1.0];
    const forecasted = props.forecastedSpendThresholds ?? [1.0];
    const channels = props.notificationChannels ?? [];
    validateBudgetProps(props, current, forecasted, channels).throwIfAny(this);

    const rules = (basis: 'CURRENT_SPEND' | 'FORECASTED_SPEND', thresholds: readonly number[]) =>
      [...thresholds].sort((a, b) => a - b).map((thresholdPercent) => ({ thresholdPercent, spendBasis: basis }));
    this.budget = new BillingBudget(this, 'default', {
      billingAccount: props.billingAccount,
      displayName: props.displayName,
      budgetFilter: {
        projects: [`projects/${props.projectNumber}`],
        calendarPeriod: props.calendarPeriod ?? 'MONTH',
      },
      amount: { specifiedAmount: { units: String(props.amount), currencyCode: props.currencyCode } },
      thresholdRules: [...rules('CURRENT_SPEND', current), ...rules('FORECASTED_SPEND', forecasted)],
      allUpdatesRule: {
        monitoringNotificationChannels: channels.map((channel) => (channel instanceof NotificationChannel ? channel.id : channel)),
        disableDefaultIamRecipients: props.disableDefaultIamRecipients ?? false,
      },
    });
  }

  /** The budget's id, `billingAccounts/<account>/budgets/<id>`. */
  get id(): string {
    return this.budget.id;
  }
}

function validateThresholds(problems: Problems, what: string, thresholds: readonly number[]): void {
  const seen = new Set<number>();
  for (const threshold of thresholds) {
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0 || threshold > MAX_THRESHOLD) {
      problems.add(`${what} ${String(threshold)} is out of range: use a fraction of the amount greater than 0 and at most ${MAX_THRESHOLD} (0.9 = 90%)`);
    } else if (seen.has(threshold)) {
      problems.add(`${what} ${threshold} appears twice`);
    }
    seen.add(threshold);
  }
}

function validateBudgetProps(
  props: BudgetProps,
  current: readonly number[],
  forecasted: readonly number[],
  channels: readonly (NotificationChannel | string)[],
): Problems {
  const problems = new Problems();
  if (problems.required('billingAccount', props.billingAccount) && !BILLING_ACCOUNT_ID.test(props.billingAccount)) {
    problems.add(`billingAccount '${props.billingAccount}' is not a billing account id such as '01A2B3-C4D5E6-F7G8H9'`);
  }
  problems.text('displayName', props.displayName, 60);
  if (problems.required('projectNumber', props.projectNumber) && !/^[1-9]\d*$/.test(props.projectNumber)) {
    problems.add(`projectNumber '${props.projectNumber}' is not a project number (digits, e.g. '123456789012'); the project id does not work here`);
  }
  if (problems.required('amount', props.amount) && (!Number.isSafeInteger(props.amount) || props.amount <= 0)) {
    problems.add(`amount ${String(props.amount)} must be a whole, positive number of currency units`);
  }
  if (problems.required('currencyCode', props.currencyCode) && !/^[A-Z]{3}$/.test(props.currencyCode)) {
    problems.add(`currencyCode '${props.currencyCode}' is not an ISO 4217 code such as 'EUR' or 'USD'`);
  }
  validateThresholds(problems, 'currentSpendThresholds entry', current);
  validateThresholds(problems, 'forecastedSpendThresholds entry', forecasted);
  if (current.length + forecasted.length === 0) {
    problems.add('currentSpendThresholds and forecastedSpendThresholds are both empty: the budget would never notify');
  }
  if (channels.length > MAX_BUDGET_CHANNELS) {
    problems.add(`notificationChannels has ${channels.length} entries: a budget notifies at most ${MAX_BUDGET_CHANNELS} channels`);
  }
  for (const channel of channels) {
    if (channel instanceof NotificationChannel || !isKnown(channel)) continue;
    if (!/^projects\/[^/]+\/notificationChannels\/[^/]+$/.test(channel)) {
      problems.add(`notificationChannels entry '${channel}' is not a channel id; use a NotificationChannel or 'projects/<p>/notificationChannels/<id>'`);
    }
  }
  if (props.disableDefaultIamRecipients === true && channels.length === 0) {
    problems.add('disableDefaultIamRecipients is true but notificationChannels is empty: nobody would be notified');
  }
  problems.oneOf('calendarPeriod', props.calendarPeriod, ['MONTH', 'QUARTER', 'YEAR']);
  return problems;
}
