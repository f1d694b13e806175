import { Module } from '@nestjs/common';
import { DeleteKeyHandler } from './commands/delete-key/delete-key.handler';
import { IssueKeyHandler } from './commands/issue-key/issue-key.handler';
import { RenameKeyHandler } from './commands/rename-key/rename-key.handler';
import { RevokeKeyHandler } from './commands/revoke-key/revoke-key.handler';
import { OperatorApiKeysHttpController } from './operator-api-keys.http.controller';
import { PlatformOperatorKeysHttpController } from './platform-operator-keys.http.controller';
import { GetKeyHistoryHandler } from './queries/get-key-history/get-key-history.handler';
import { ListKeysHandler } from './queries/list-keys/list-keys.handler';

const controllers = [OperatorApiKeysHttpController, PlatformOperatorKeysHttpController];
const commandHandlers = [IssueKeyHandler, RenameKeyHandler, RevokeKeyHandler, DeleteKeyHandler];
const queryHandlers = [ListKeysHandler, GetKeyHistoryHandler];

/** Seed 002 (an operator's own keys) and seed 000's key endpoints (its platform's view). */
@Module({ controllers, providers: [...commandHandlers, ...queryHandlers] })
export class KeysModule {}
