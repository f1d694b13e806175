import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { KEY_LABEL_MAX } from '@onehazel/domain';
import { trim } from '../http/validation';

/** A key label in a request body: trimmed, 1 to KEY_LABEL_MAX characters. */
export const KeyLabel = (example: string, description?: string) =>
  applyDecorators(
    ApiPropertyOptional({ example, maxLength: KEY_LABEL_MAX, description }),
    IsOptional(),
    Transform(trim),
    IsString(),
    IsNotEmpty(),
    MaxLength(KEY_LABEL_MAX),
  );
