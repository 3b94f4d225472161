import { ApiProperty } from '@nestjs/swagger';
import { IsString, ValidateBy } from 'class-validator';
import { isCalendarDate } from '../../common/time/jakarta-day';

export class StartReconciliationDto {
  @ApiProperty({ example: '2025-10-26', description: 'Jakarta calendar day, YYYY-MM-DD; not in the future' })
  @IsString()
  @ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => 'date must be a real calendar date YYYY-MM-DD' } })
  date: string;
}
