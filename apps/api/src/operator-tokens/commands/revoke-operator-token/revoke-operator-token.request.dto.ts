import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** `?cascade=true` revokes the token's child keys with it. */
export class RevokeOperatorTokenQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'Also revoke every live child key the token minted, in the same command' })
  @IsOptional()
  @IsIn(['true', 'false'])
  cascade?: 'true' | 'false';
}
