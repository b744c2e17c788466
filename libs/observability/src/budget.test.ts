import { BillingBudget } from '@cdktf/provider-google/lib/billing-budget';
import { describe, expect, it } from 'vitest';
import { only, synth } from './__fixtures__/synth';
import { Budget, type BudgetProps } from './budget';
import { NotificationChannel } from './notification-channel';

const BUDGET = BillingBudget.tfResourceType;
const base: BudgetProps = {
  billingAccount: '01A2B3-C4D5E6-F7G8H9',
  displayName: 'prod monthly budget',
  projectNumber: '123456789012',
  amount: 2000,
  currencyCode: 'EUR',
};

describe('Budget', () => {
  describe('given an account, a project number and an amount only', () => {
    const out = synth((scope) => new Budget(scope, 'budget', base));

    it("creates one monthly budget on the project's spend, with the amount as a string of whole units", () => {
      expect(out.count()).toBe(1);
      expect(only(out, BUDGET)).toMatchObject({
        billing_account: '01A2B3-C4D5E6-F7G8H9',
        display_name: 'prod monthly budget',
        budget_filter: { projects: ['projects/123456789012'], calendar_period: 'MONTH' },
        amount: { specified_amount: { units: '2000', currency_code: 'EUR' } },
      });
    });

    it('notifies at 50%, 90% and 100% of actual spend and 100% of forecast spend', () => {
      expect(only(out, BUDGET).threshold_rules).toEqual([
        { threshold_percent: 0.5, spend_basis: 'CURRENT_SPEND' },
        { threshold_percent: 0.9, spend_basis: 'CURRENT_SPEND' },
        { threshold_percent: 1, spend_basis: 'CURRENT_SPEND' },
        { threshold_percent: 1, spend_basis: 'FORECASTED_SPEND' },
      ]);
    });

    it("keeps emailing the billing account's administrators", () => {
      expect(only(out, BUDGET).all_updates_rule).toMatchObject({ disable_default_iam_recipients: false });
    });
  });

  it('given channels and thresholds, when synthesized, then the channels are notified at the thresholds, sorted', () => {
    const out = synth((scope) => {
      const channel = new NotificationChannel(scope, 'finops', { email: 'finops@example.com' });
      new Budget(scope, 'budget', {
        ...base,
        currentSpendThresholds: [1.0, 0.75],
        forecastedSpendThresholds: [1.2],
        notificationChannels: [channel, 'projects/my-project/notificationChannels/42'],
        disableDefaultIamRecipients: true,
        calendarPeriod: 'QUARTER',
      });
    });
    const budget = only(out, BUDGET);
    expect(budget.threshold_rules).toEqual([
      { threshold_percent: 0.75, spend_basis: 'CURRENT_SPEND' },
      { threshold_percent: 1, spend_basis: 'CURRENT_SPEND' },
      { threshold_percent: 1.2, spend_basis: 'FORECASTED_SPEND' },
    ]);
    expect(budget.all_updates_rule).toEqual({
      monitoring_notification_channels: [
        expect.stringMatching(/^\$\{google_monitoring_notification_channel\.finops_default_\w+\.name\}$/),
        'projects/my-project/notificationChannels/42',
      ],
      disable_default_iam_recipients: true,
    });
    expect(budget.budget_filter).toMatchObject({ calendar_period: 'QUARTER' });
  });

  it.each<[string, Partial<BudgetProps>, RegExp]>([
    ['a billing account of the wrong shape', { billingAccount: '01A2B3C4D5E6' }, /billingAccount '01A2B3C4D5E6' is not a billing account id/],
    ['a lowercase billing account', { billingAccount: '01a2b3-c4d5e6-f7g8h9' }, /billingAccount '01a2b3-c4d5e6-f7g8h9' is not a billing account id/],
    ['a project id instead of a number', { projectNumber: 'acme-prod' }, /projectNumber 'acme-prod' is not a project number/],
    ['a zero amount', { amount: 0 }, /amount 0 must be a whole, positive number/],
    ['an amount with cents', { amount: 99.5 }, /amount 99.5 must be a whole, positive number/],
    ['a currency name', { currencyCode: 'euro' }, /currencyCode 'euro' is not an ISO 4217 code/],
    ['a display name over 60 characters', { displayName: 'x'.repeat(61) }, /displayName 'x{61}' is 61 characters long: at most 60/],
    ['a threshold given in percent', { currentSpendThresholds: [90] }, /currentSpendThresholds entry 90 is out of range/],
    ['a repeated threshold', { forecastedSpendThresholds: [1, 1] }, /forecastedSpendThresholds entry 1 appears twice/],
    ['no thresholds at all', { currentSpendThresholds: [], forecastedSpendThresholds: [] }, /both empty: the budget would never notify/],
    ['six channels', { notificationChannels: [...'123456'].map((n) => `projects/p/notificationChannels/${n}`) }, /notifies at most 5 channels/],
    ['no recipients at all', { disableDefaultIamRecipients: true }, /disableDefaultIamRecipients is true but notificationChannels is empty/],
    ['an unknown period', { calendarPeriod: 'WEEK' as never }, /calendarPeriod 'WEEK' is not supported/],
  ])('given %s, when constructed, then it is refused', (_case, override, error) => {
    expect(() => synth((scope) => new Budget(scope, 'budget', { ...base, ...override }))).toThrow(error);
  });
});
