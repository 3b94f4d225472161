import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { MerchantAuthGuard } from './merchant-auth.guard';

/** Marks a controller or route as a merchant endpoint: bearer key check and its OpenAPI security. */
export function MerchantAuth(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(MerchantAuthGuard),
    ApiBearerAuth('merchant'),
    ApiResponse({ status: 401, description: 'Missing or unknown merchant API key (when MERCHANT_API_KEYS is set)' }),
    ApiResponse({ status: 429, description: 'Rate limit exceeded; see Retry-After and RateLimit headers' }),
  );
}
