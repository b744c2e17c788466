import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { TerraformOutput } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { only, synth } from './__fixtures__/synth';
import { NotificationChannel } from './notification-channel';

const CHANNEL = MonitoringNotificationChannel.tfResourceType;

describe('NotificationChannel', () => {
  it('given an email address, when synthesized, then it is an enabled email channel that cannot be force-deleted', () => {
    const out = synth((scope) => new NotificationChannel(scope, 'ops', { email: 'ops@example.com' }));
    expect(out.count()).toBe(1);
    expect(only(out, CHANNEL)).toMatchObject({
      type: 'email',
      display_name: 'Email ops@example.com',
      labels: { email_address: 'ops@example.com' },
      enabled: true,
      force_delete: false,
    });
  });

  it('given a display name, description and labels, when synthesized, then they are used', () => {
    const out = synth(
      (scope) =>
        new NotificationChannel(scope, 'ops', {
          email: 'ops@example.com',
          displayName: 'Platform on-call',
          description: 'Pages the platform team',
          userLabels: { team: 'platform' },
          enabled: false,
        }),
    );
    expect(only(out, CHANNEL)).toMatchObject({
      display_name: 'Platform on-call',
      description: 'Pages the platform team',
      user_labels: { team: 'platform' },
      enabled: false,
    });
  });

  it('exposes its id, the channel name that policies and budgets take', () => {
    const out = synth((scope) => {
      new TerraformOutput(scope, 'id', { value: new NotificationChannel(scope, 'ops', { email: 'ops@example.com' }).id });
    });
    expect(out.output.id!.value).toMatch(/^\$\{google_monitoring_notification_channel\.ops_default_\w+\.name\}$/);
  });

  it.each([
    ['ops', /email 'ops' is not an email address/],
    ['ops@example', /email 'ops@example' is not an email address/],
    ['ops team@example.com', /email 'ops team@example.com' is not an email address/],
    ['', /email '' is not an email address/],
  ])('given the address %j, when constructed, then it is refused', (email, error) => {
    expect(() => synth((scope) => new NotificationChannel(scope, 'ops', { email }))).toThrow(error);
  });

  it('given bad labels, when constructed, then it is refused naming the label', () => {
    expect(() => synth((scope) => new NotificationChannel(scope, 'ops', { email: 'ops@example.com', userLabels: { Team: 'x' } }))).toThrow(
      /userLabels key 'Team' is not a valid label key/,
    );
  });
});
