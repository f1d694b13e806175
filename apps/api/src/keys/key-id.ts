import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';
import { knownUuid } from '../http/product-id';

/** A key id as the product makes them (a UUID), else API_KEY_NOT_FOUND: nothing else is looked up. */
export function knownKeyId(id: string): string {
  return knownUuid(id, () => new DomainError('API_KEY_NOT_FOUND', 'API key not found'));
}

/** `knownKeyId` for a path parameter. */
@Injectable()
export class KeyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return knownKeyId(value);
  }
}
