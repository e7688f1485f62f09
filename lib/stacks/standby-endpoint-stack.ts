import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { InferenceModel } from '../constructs/inference/inference-runtime';
import { acknowledgeWildcards } from '../constructs/training/nag-findings';
import { SageMakerEndpoint, SageMakerEndpointSettings } from '../constructs/training/sagemaker-endpoint';
import { grantWriteSageMakerLogs } from '../constructs/training/sagemaker-logs';
import { TRAINING_CONSTRUCT_IDS } from './training-stack';

/** Props of {@link StandbyEndpointStack}. */
export interface StandbyEndpointStackProps extends StackProps {
  /** The endpoint's variants and capacity: the primary's. */
  readonly endpoint: SageMakerEndpointSettings;
  /** The model served: the primary endpoint's image and archive. */
  readonly model: InferenceModel;
  /** The standby Region's model bucket, where S3 Replication copies the archive. */
  readonly modelBucket: s3.IBucket;
  /** What happens to the endpoint's storage key, where it has one, when it leaves the app. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The SageMaker endpoint in an environment's standby Region (`sageMaker.inSecondaryRegion`): the
 * primary endpoint's variants, image and model archive, read from the Region's replica of the
 * model bucket, behind an execution role that may read that archive, pull the image and write
 * SageMaker's log groups, and nothing else. Callers of the endpoint fail over by calling this
 * Region's endpoint (output `EndpointName`).
 */
export class StandbyEndpointStack extends Stack {
  /** The role of the endpoint's models. */
  public readonly executionRole: iam.Role;
  /** The autoscaled endpoint. */
  public readonly sageMakerEndpoint: SageMakerEndpoint;

  constructor(scope: Construct, id: string, props: StandbyEndpointStackProps) {
    super(scope, id, props);
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'SageMaker models of the standby endpoint: the served model archive, the serving image, SageMaker\'s log groups',
    });
    grantWriteSageMakerLogs(this.executionRole);
    this.sageMakerEndpoint = new SageMakerEndpoint(this, TRAINING_CONSTRUCT_IDS.sageMakerEndpoint, {
      ...props.endpoint,
      role: this.executionRole,
      modelBucket: props.modelBucket,
      model: props.model,
      removalPolicy: props.removalPolicy,
    });
    acknowledgeWildcards(
      this.executionRole,
      ['Resource::*'],
      'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are limited to the serving image\'s repository.',
    );
    new CfnOutput(this, 'EndpointName', { value: this.sageMakerEndpoint.endpoint.endpointName, description: 'SageMaker endpoint of the standby Region' });
  }
}
