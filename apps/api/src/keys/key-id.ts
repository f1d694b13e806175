import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '@onehazel/domain';

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A key id as the product makes them (a UUID), else API_KEY_NOT_FOUND: nothing else is looked up. */
export function knownKeyId(id: string): string {
  if (!KEY_ID.test(id)) throw new DomainError('API_KEY_NOT_FOUND', 'API key not found');
  return id;
}

/** `knownKeyId` for a path parameter. */
@Injectable()
export class KeyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return knownKeyId(value);
  }
}
