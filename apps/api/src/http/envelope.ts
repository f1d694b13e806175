import { ApiProperty } from '@nestjs/swagger';

/** The success envelope (DESIGN.md §7). */
export type Ok<T> = { success: true; data: T };

export function ok<T>(data: T): Ok<T> {
  return { success: true, data };
}

export type Page<T> = Ok<T[]> & { pagination: { limit: number; nextCursor: string | null } };

export function page<T>(data: T[], limit: number, nextCursor: string | null): Page<T> {
  return { success: true, data, pagination: { limit, nextCursor } };
}

/** A page of an audit history; with `asOf`, the subject's state at that instant too. */
export type HistoryPageBody<T, A> = Page<T> & { asOf?: A };

export function historyPageBody<T, A>(data: T[], limit: number, nextCursor: string | null, asOf: A | undefined): HistoryPageBody<T, A> {
  return asOf === undefined ? page(data, limit, nextCursor) : { ...page(data, limit, nextCursor), asOf };
}

export type ErrorBody = {
  success: false;
  error: { code: string; message: string; details?: unknown };
  requestId: string;
};

/** Seed 002's (and 001's) answer to a change with nothing to show: `{ success: true, message }`. */
export class MessageResponse {
  @ApiProperty({ enum: [true] }) success!: true;
  @ApiProperty({ example: 'Key revoked' }) message!: string;
}

export const message = (text: string): MessageResponse => ({ success: true, message: text });
