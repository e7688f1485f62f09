import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';

/** The benchmark's yardstick: the smallest real CDK app, one queue in one stack. */
const app = new App();
new Queue(new Stack(app, 'Baseline'), 'Queue');
