import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct, IDependable } from 'constructs';
import { ACKNOWLEDGEMENTS, acknowledge } from '../core/nag';

/**
 * An S3 bucket as the on-failure destination of a Kinesis event source.
 * Unlike aws-cdk-lib's `S3OnFailureDestination`, which grants the function
 * read, write and delete on the whole bucket (`grantReadWrite`), it grants
 * nothing itself: {@link grantFailureBucket} grants what Lambda needs.
 */
export class FailureBucketDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  public bind(_target: lambda.IEventSourceMapping, _targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    return { destination: this.bucket.bucketArn };
  }
}

/**
 * What Lambda needs, with the function's role, to write failed batches to the
 * bucket (Lambda guide, "Capturing discarded batches": s3:PutObject and
 * s3:ListBucket; kms:GenerateDataKey for a bucket encrypted with a
 * customer-managed key), and no more: the function cannot read or delete
 * what is kept there. The object wildcard is acknowledged on the policy that
 * holds it. Returns what holds the permissions, for the mapping to wait for it.
 */
export function grantFailureBucket(bucket: s3.IBucket, fn: lambda.IFunction): IDependable[] {
  // Lambda chooses the object names: s3:PutObject covers the bucket's objects.
  const objects = bucket.arnForObjects('*');
  const dependables: IDependable[] = [];
  const put = fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
  const policy = put.policyDependable;
  if (policy) {
    dependables.push(policy);
    if (Construct.isConstruct(policy)) {
      acknowledgeWhenResolved(policy, objects);
    }
  }
  dependables.push(iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] }));
  if (bucket.encryptionKey) {
    dependables.push(bucket.encryptionKey.grant(fn, 'kms:GenerateDataKey'));
  }
  return dependables;
}

/**
 * Acknowledges the object wildcard on `policy` once cross-stack references
 * are resolved (construct validation runs after them, and before the
 * compliance packs): a bucket of another stack is then named by its import,
 * as in the template the packs read.
 */
function acknowledgeWhenResolved(policy: IConstruct, objectsArn: string): void {
  let done = false;
  policy.node.addValidation({
    validate: () => {
      if (!done) {
        done = true;
        acknowledge(policy, failureBucketObjectsAcknowledgement(policy, objectsArn));
      }
      return [];
    },
  });
}

/**
 * The AwsSolutions-IAM5 finding of the object wildcard, as the pack names it:
 * the statement's resource with its references written flat
 * (`<Bucket.Arn>/*`), so that the acknowledgement concerns this one
 * resource of this one bucket.
 */
export function failureBucketObjectsAcknowledgement(scope: IConstruct, objectsArn: string): { ids: string[]; reason: string } {
  const entry = ACKNOWLEDGEMENTS.failureBucketObjects;
  return {
    ids: entry.ids.map((rule) => `${rule}[Resource::${flattenReference(Stack.of(scope).resolve(objectsArn))}]`),
    reason: entry.reason,
  };
}

/** A resolved CloudFormation value written flat: `<Id>` for a Ref, `<Id.Attr>` for a GetAtt, joins concatenated. */
function flattenReference(value: unknown): string {
  if (typeof value === 'string') {
    return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  }
  const node = (value ?? {}) as Record<string, any>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (node['Fn::GetAtt']) {
    const [id, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(id)}.${flattenReference(attribute)}>`;
  }
  if (node.Ref) {
    return `<${flattenReference(node.Ref)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flattenReference(node['Fn::ImportValue']);
  }
  return JSON.stringify(value);
}
