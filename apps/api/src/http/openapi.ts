import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '@onehazel/domain';
import { ERROR_STATUS } from './error-status';

class ErrorDetail {
  @ApiProperty({ enum: [...ERROR_CODES] }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'For VALIDATION_FAILED: [{ field, problems[] }]' }) details?: unknown;
}

export class ErrorEnvelope {
  @ApiProperty({ enum: [false] }) success!: false;
  @ApiProperty({ type: ErrorDetail }) error!: ErrorDetail;
  @ApiProperty({ description: 'The X-Request-Id of the request' }) requestId!: string;
}

class Pagination {
  @ApiProperty() limit!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= for the next page; null on the last' })
  nextCursor!: string | null;
}

/** Documents a success answer as the envelope `{ success: true, data: <model> }` (or a page of models). */
export function ApiEnvelope(model: Type<unknown>, options: { status?: number; description?: string; page?: boolean } = {}) {
  const data = options.page ? { type: 'array', items: { $ref: getSchemaPath(model) } } : { $ref: getSchemaPath(model) };
  const properties: Record<string, object> = { success: { type: 'boolean', enum: [true] }, data };
  if (options.page) properties.pagination = { $ref: getSchemaPath(Pagination) };
  return applyDecorators(
    ApiExtraModels(model, Pagination),
    ApiResponse({
      status: options.status ?? 200,
      description: options.description,
      schema: { type: 'object', required: Object.keys(properties), properties },
    }),
  );
}

/** Documents the failure envelope for each of these codes, grouped by status. */
export function ApiErrors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return applyDecorators(
    ...[...byStatus].map(([status, grouped]) =>
      ApiResponse({ status, type: ErrorEnvelope, description: grouped.join(', ') }),
    ),
  );
}
