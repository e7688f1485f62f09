import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeWildcards, resourceFinding } from './nag-findings';

/**
 * Lets a SageMaker execution role write SageMaker's own log groups, `/aws/sagemaker/*`, and
 * their streams, where endpoints and training jobs send their containers' output, and nothing else.
 */
export function grantWriteSageMakerLogs(role: iam.Role): void {
  const logGroups = Stack.of(role).formatArn({
    service: 'logs',
    resource: 'log-group',
    resourceName: '/aws/sagemaker/*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroups, `${logGroups}:log-stream:*`],
    }),
  );
  acknowledgeWildcards(
    role,
    [resourceFinding(role, logGroups), resourceFinding(role, `${logGroups}:log-stream:*`)],
    'SageMaker names its log groups /aws/sagemaker/<Endpoints|TrainingJobs>/<name> and its streams per instance; the role may write only there.',
  );
}
