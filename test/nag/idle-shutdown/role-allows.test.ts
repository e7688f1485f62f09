import { CfnManagedPolicy, CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { roleAllows } from '../../../lib/nag/idle-shutdown/role-allows';
import { gpuGroup } from '../../helpers/gpu-fixtures';
import { bareStack } from '../../helpers/nag-rule';

const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const SET_CAPACITY = ['autoscaling:SetDesiredCapacity'];

/** A policy document with one statement. */
function document(statement: Record<string, unknown>): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] };
}

describe('roleAllows', () => {
  test('reads an inline policy of the role', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const role = new CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: TRUST,
      policies: [{ policyName: 'shutdown', policyDocument: document({ Action: SET_CAPACITY, Resource: group.ref }) }],
    });
    expect(roleAllows(role, SET_CAPACITY, group)).toBe(true);
  });

  test('reads a policy attached to the role', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const role = new CfnRole(stack, 'Role', { assumeRolePolicyDocument: TRUST });
    new CfnPolicy(stack, 'Policy', { policyName: 'shutdown', roles: [role.ref], policyDocument: document({ Action: 'autoscaling:*', Resource: '*' }) });
    expect(roleAllows(role, SET_CAPACITY, group)).toBe(true);
  });

  test('reads a customer managed policy the role lists', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const managed = new CfnManagedPolicy(stack, 'Managed', { policyDocument: document({ Action: SET_CAPACITY, Resource: group.ref }) });
    const role = new CfnRole(stack, 'Role', { assumeRolePolicyDocument: TRUST, managedPolicyArns: [managed.ref] });
    expect(roleAllows(role, SET_CAPACITY, group)).toBe(true);
  });

  test('ignores a policy attached to another role', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const role = new CfnRole(stack, 'Role', { assumeRolePolicyDocument: TRUST });
    const other = new CfnRole(stack, 'Other', { assumeRolePolicyDocument: TRUST });
    new CfnPolicy(stack, 'Policy', { policyName: 'shutdown', roles: [other.ref], policyDocument: document({ Action: SET_CAPACITY, Resource: '*' }) });
    expect(roleAllows(role, SET_CAPACITY, group)).toBe(false);
  });

  test('ignores a Deny statement', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const role = new CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: TRUST,
      policies: [{ policyName: 'deny', policyDocument: { Statement: [{ Effect: 'Deny', Action: SET_CAPACITY, Resource: '*' }] } }],
    });
    expect(roleAllows(role, SET_CAPACITY, group)).toBe(false);
  });

  test('does not read an action wildcard as matching a longer action of another service', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const role = new CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: TRUST,
      policies: [{ policyName: 'ec2', policyDocument: document({ Action: 'ec2:*', Resource: '*' }) }],
    });
    expect(roleAllows(role, SET_CAPACITY, group)).toBe(false);
  });
});
