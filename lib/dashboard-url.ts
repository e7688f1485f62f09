import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';

/**
 * A dashboard name unique in the account: `<stack name>-<parts>-<region>`. Dashboards are global
 * in an account, not regional
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html),
 * so the Region keeps one stack deployed in two Regions from claiming one name twice.
 */
export function dashboardNameOf(scope: IConstruct, ...parts: string[]): string {
  const stack = Stack.of(scope);
  return [stack.stackName, ...parts, stack.region].join('-');
}

/** The console link of `dashboard`, in its stack's Region. */
export function dashboardUrl(dashboard: cloudwatch.Dashboard): string {
  return `https://console.aws.amazon.com/cloudwatch/home?region=${Stack.of(dashboard).region}#dashboards:name=${dashboard.dashboardName}`;
}
