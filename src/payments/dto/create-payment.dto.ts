import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';

export const MAX_METADATA_BYTES = 2048;

/** A small flat-or-nested JSON object, at most MAX_METADATA_BYTES when serialised. */
function IsSmallJsonObject(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSmallJsonObject',
      validator: {
        validate: (value: unknown) => {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          return Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_METADATA_BYTES;
        },
        defaultMessage: () => `metadata must be a JSON object of at most ${MAX_METADATA_BYTES} bytes`,
      },
    },
    options,
  );
}

export class CreatePaymentDto {
  @ApiProperty({ example: 'INV-2025-0001', description: '1-64 characters of A-Z a-z 0-9 . _ -' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'order_id must be 1-64 characters of A-Z a-z 0-9 . _ -' })
  order_id: string;

  /** Upper bound checked against MAX_PAYMENT_AMOUNT in the service; 10,000,000 is the QRIS ceiling. */
  @ApiProperty({ example: 150000, description: 'Whole rupiah, 1 … 10,000,000' })
  @IsInt({ message: 'amount must be a whole number of rupiah' })
  @Min(1)
  @Max(10_000_000)
  amount: number;

  @ApiPropertyOptional({ example: 'IDR', enum: ['IDR'] })
  @IsOptional()
  @IsIn(['IDR'], { message: 'currency must be IDR' })
  currency?: 'IDR';

  @ApiPropertyOptional({ example: 'https://merchant.app/callback' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'callback_url must be an http(s) URL' })
  callback_url?: string;

  @ApiPropertyOptional({ example: { customer_id: 'C123' } })
  @IsOptional()
  @IsObject()
  @IsSmallJsonObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 15, description: '1-1440; overrides EXPIRE_MINUTES' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  expiry_minutes?: number;
}
