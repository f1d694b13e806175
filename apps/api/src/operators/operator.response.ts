import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OPERATOR_PLANS, OPERATOR_STATUSES, OperatorPlan, OperatorStatus } from '@onehazel/domain';
import type { OperatorView } from '@onehazel/projections';

/** An operator as the Platform API shows it. */
export class OperatorResponse {
  @ApiProperty({ example: 'op_3f9a0c1d2e4b5a69' }) id!: string;
  @ApiProperty({ example: 'Lucky Spin Casino' }) name!: string;
  @ApiProperty({ enum: OPERATOR_PLANS }) plan!: OperatorPlan;
  @ApiProperty({ enum: OPERATOR_STATUSES }) status!: OperatorStatus;
  @ApiProperty({ example: 'admin@luckyspin.com' }) contactEmail!: string;
  @ApiPropertyOptional({ example: 'igaming', nullable: true, type: String }) industry!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) suspendedAt!: string | null;
}

export function toOperatorResponse(view: OperatorView): OperatorResponse {
  const { id, name, plan, status, contactEmail, industry, createdAt, updatedAt, suspendedAt } = view;
  return { id, name, plan, status, contactEmail, industry, createdAt, updatedAt, suspendedAt };
}
