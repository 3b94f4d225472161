import { validateCronExpression } from 'cron';
import { ValidateBy, ValidationOptions } from 'class-validator';

/** A 5- or 6-field cron expression the `cron` package (used by @nestjs/schedule) accepts. */
export function IsCronExpression(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCronExpression',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateCronExpression(value).valid,
        defaultMessage: (args) => `${args?.property} must be a cron expression such as "* * * * *"`,
      },
    },
    options,
  );
}

/** A percentage with at most two decimals ("0.7", "0.25"): exact basis points, never a float. */
export const PERCENT_PATTERN = /^(\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)$/;
