import { Token } from 'aws-cdk-lib';
import { PropsValidator } from '../core/validation';

/**
 * CloudWatch's limits on a dashboard, which the MessagingDashboard stays
 * within or reports at synth.
 *
 * - Names: "The maximum length is 255, and valid characters are A-Z, a-z,
 *   0-9, "-", and "_"" (PutDashboard, DashboardName,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html);
 *   CloudFormation: "between 1 and 255 characters"
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-dashboard.html).
 * - "Up to 500 widgets per dashboard. Up to 500 metrics per dashboard widget.
 *   Up to 2500 metrics per dashboard, across all widgets" (CloudWatch service
 *   quotas, Dashboards, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html);
 *   the body holds "between 0 and 500 widget objects" (Dashboard Body
 *   Structure and Syntax, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 * - An alarm status widget's `alarms` "can have 1-100 ARNs" (same page,
 *   Properties of an Alarm Status Widget Object).
 */
export const DASHBOARD_LIMITS = {
  nameLength: 255,
  widgetsPerDashboard: 500,
  metricsPerWidget: 500,
  metricsPerDashboard: 2500,
  alarmsPerAlarmWidget: 100,
} as const;

/** `A-Z`, `a-z`, `0-9`, `-` and `_`. */
const DASHBOARD_NAME = /^[A-Za-z0-9_-]+$/;

/** The rules on a dashboard name (skipped for a token). */
export function validateDashboardName(v: PropsValidator, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  v.fail(
    name.length < 1 || name.length > DASHBOARD_LIMITS.nameLength,
    `dashboardName must be 1 to ${DASHBOARD_LIMITS.nameLength} characters long, got ${name.length} characters ('${name}')`,
  );
  v.fail(
    name.length > 0 && !DASHBOARD_NAME.test(name),
    `dashboardName may hold only the letters A-Z and a-z, the digits 0-9, '-' and '_', got '${name}'`,
  );
}

/**
 * The dashboard limits a dashboard of `widgets` widgets and `metrics` metrics
 * exceeds, one message each, naming the value and the limit. (No graph of the
 * library holds more than MAX_LINES_PER_GRAPH metrics, far below the limit per
 * widget.)
 */
export function dashboardLimitViolations(widgets: number, metrics: number): string[] {
  const split = 'split the patterns over several MessagingDashboards';
  const violations: string[] = [];
  if (widgets > DASHBOARD_LIMITS.widgetsPerDashboard) {
    violations.push(`the dashboard would hold ${widgets} widgets; CloudWatch allows at most ${DASHBOARD_LIMITS.widgetsPerDashboard} per dashboard: ${split}`);
  }
  if (metrics > DASHBOARD_LIMITS.metricsPerDashboard) {
    violations.push(`the dashboard would hold ${metrics} metrics; CloudWatch allows at most ${DASHBOARD_LIMITS.metricsPerDashboard} per dashboard: ${split}`);
  }
  return violations;
}
