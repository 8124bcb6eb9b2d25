import { Token } from 'aws-cdk-lib';
import { PropsValidator } from '../core/validation';

/** The longest input template Pipes takes, in characters (Pipes API Reference, `InputTemplate`). */
export const INPUT_TEMPLATE_MAX_LENGTH = 8192;

/** An input template of an enrichment or target must fit Pipes' limit. */
export function validateInputTemplate(v: PropsValidator, prop: string, template: string | undefined): void {
  if (template === undefined || Token.isUnresolved(template)) {
    return;
  }
  v.fail(
    template.length === 0 || template.length > INPUT_TEMPLATE_MAX_LENGTH,
    `${prop} must be 1 to ${INPUT_TEMPLATE_MAX_LENGTH} characters (leave it unset for the record itself), got ${template.length} characters`,
  );
}
