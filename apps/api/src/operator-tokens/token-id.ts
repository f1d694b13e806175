import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';
import { knownUuid } from '../http/product-id';

/** An operator token id as the product makes them (a UUID), else UNKNOWN_OPERATOR_TOKEN: nothing else is looked up. */
@Injectable()
export class OperatorTokenIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return knownUuid(value, () => new DomainError('UNKNOWN_OPERATOR_TOKEN', 'Operator token not found'));
  }
}
