import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';

const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An operator token id as the product makes them (a UUID), else UNKNOWN_OPERATOR_TOKEN: nothing else is looked up. */
@Injectable()
export class OperatorTokenIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TOKEN_ID.test(value)) throw new DomainError('UNKNOWN_OPERATOR_TOKEN', 'Operator token not found');
    return value;
  }
}
