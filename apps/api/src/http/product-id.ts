import type { DomainError } from '@onehazel/domain';

/** An id the product makes (a UUID, lower-case): anything else names nothing, and nothing is looked up. */
const PRODUCT_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id itself, or the resource's not-found error for anything that cannot be one of its ids. */
export function knownUuid(value: string, notFound: () => DomainError): string {
  if (!PRODUCT_UUID.test(value)) throw notFound();
  return value;
}
