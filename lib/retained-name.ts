import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The UUID CloudFormation gives a stack when it creates it: the last segment of `AWS::StackId`
 * (`arn:aws:cloudformation:us-west-2:123456789012:stack/teststack/51af3dc0-da77-11e4-872e-1234567db123`,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html#cfn-pseudo-param-stackid).
 * It stays the same for the stack's life, updates included, and is new when the stack is created again.
 */
export function stackUuid(scope: IConstruct): string {
  return Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
}

/**
 * A custom name for a resource that may outlive its stack. A retained resource is kept when its
 * stack is deleted (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html),
 * and names must be unique in the account, so creating the stack again with the same custom name
 * fails with AlreadyExists (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html).
 * Where the removal policy retains the resource, the name ends with the stack's UUID: each
 * creation of the stack names its own resource, and a later update keeps the name. Where the
 * resource goes with its stack, the name stays as given.
 */
export function retainedName(scope: IConstruct, name: string, removalPolicy: RemovalPolicy, separator = '-'): string {
  return removalPolicy === RemovalPolicy.DESTROY ? name : `${name}${separator}${stackUuid(scope)}`;
}
