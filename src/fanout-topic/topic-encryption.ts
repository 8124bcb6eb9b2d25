/**
 * How a FanoutTopic's topic is encrypted at rest.
 */
export enum TopicEncryption {
  /**
   * The AWS-managed key `alias/aws/sns`: no monthly fee, but AWS services
   * (CloudWatch alarms, EventBridge, S3 notifications...) cannot publish to a
   * topic encrypted with it.
   */
  AWS_MANAGED = 'AWS_MANAGED',
  /** A customer-managed KMS key, created unless `encryptionKey` is given ($1 a month per key). */
  KMS = 'KMS',
}
